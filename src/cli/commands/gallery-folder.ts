// Reads the gallery folder layout from DESIGN.md into pack content:
//   <dir>/<productId>/*.jpg|jpeg|png|webp   reference photos
//   <dir>/<productId>/product.json          optional {"name","barcodes","units","version","category"}
// Anything that does not fit is a UsageError (exit 2) with a one-line reason; nothing is guessed.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { sha256Hex, type EmbeddingModelRef, type PackContent, type PackProduct, type PackReference, type ReferenceView, type StoredTensor } from '../../lib/core/gallery-pack/index.ts';
import { productId, referenceId } from '../../lib/core/types.ts';

import { UsageError } from '../errors.ts';



const IMAGE_MIME: Record<string, string> = { '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.webp': 'image/webp' };
// Folder names are whatever the photo sets use ("Coca Cola 330ml" included): the id only has to be
// printable and of a sane length, since it is compared as text and never used to build a path.
const PRODUCT_ID = /^\P{Cc}{1,128}$/u;
const THUMBNAIL_PX = 160;

export interface FolderEmbedder {
  model: EmbeddingModelRef;
  /** Vectors of one photo file's bytes (`label` names it in errors). */
  embed(bytes: Uint8Array, label: string): Promise<{ embedding: StoredTensor; patches: StoredTensor; imageCells?: boolean[] }>;
}

export interface ReadFolderOptions {
  name: string;
  createdAt: string;
  embedder: FolderEmbedder | null;
  onProgress?: (done: number, total: number) => void;
}

/** Name → view, so photos named "front.jpg" or "milk_top_2.jpg" keep their role. */
export function viewFromFileName(file: string): ReferenceView {
  const words = file.toLowerCase().split(/[^a-z]+/);
  if (words.includes('front')) return 'front';
  if (words.includes('back')) return 'back';
  if (words.includes('left')) return 'left';
  if (words.includes('right')) return 'right';
  if (words.includes('top')) return 'top';
  return 'other';
}

function parseProductJson(text: string, id: string): Partial<Omit<PackProduct, 'id'>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new UsageError(`${id}/product.json is not valid JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`${id}/product.json must be a JSON object`);
  const j = json as Record<string, unknown>;
  const out: Partial<Omit<PackProduct, 'id'>> = {};
  if (j.name !== undefined) {
    if (typeof j.name !== 'string' || !j.name.trim()) throw new UsageError(`${id}/product.json: "name" must be a non-empty string`);
    out.name = j.name;
  }
  if (j.barcodes !== undefined) {
    if (!Array.isArray(j.barcodes) || !j.barcodes.every((b) => typeof b === 'string' && /^[0-9A-Za-z-]{4,64}$/.test(b))) {
      throw new UsageError(`${id}/product.json: "barcodes" must be a list of barcode strings`);
    }
    out.barcodes = j.barcodes as string[];
  }
  if (j.units !== undefined && j.units !== null) {
    if (!Number.isInteger(j.units) || (j.units as number) < 1) throw new UsageError(`${id}/product.json: "units" must be a whole number ≥ 1`);
    out.units = j.units as number;
  }
  if (j.version !== undefined) {
    if (typeof j.version !== 'string') throw new UsageError(`${id}/product.json: "version" must be a string such as "2026-09"`);
    out.packagingVersion = j.version;
  }
  if (j.category !== undefined) {
    if (typeof j.category !== 'string') throw new UsageError(`${id}/product.json: "category" must be a string`);
    out.category = j.category;
  }
  return out;
}

async function thumbnail(bytes: Uint8Array, what: string): Promise<Uint8Array> {
  try {
    const out = await sharp(bytes).rotate().resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside' }).jpeg({ quality: 80 }).toBuffer();
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (e) {
    throw new UsageError(`${what}: not a readable image (${(e as Error).message.split('\n')[0]})`);
  }
}

interface ProductFolder {
  product: PackProduct;
  images: { file: string; path: string; mime: string }[];
}

export async function scanGalleryFolder(dir: string): Promise<ProductFolder[]> {
  let entries;
  try {
    if (!(await stat(dir)).isDirectory()) throw new UsageError(`${dir} is not a folder`);
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read gallery folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const folders: ProductFolder[] = [];
  for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
    const id = entry.name;
    if (!PRODUCT_ID.test(id)) throw new UsageError(`folder "${id}" is not a usable product id (1–128 printable characters)`);
    const files = (await readdir(join(dir, id))).sort();
    const meta = files.includes('product.json') ? parseProductJson(await readFile(join(dir, id, 'product.json'), 'utf8'), id) : {};
    const images = files
      .filter((f) => !f.startsWith('.') && IMAGE_MIME[extname(f).toLowerCase()])
      .map((f) => ({ file: f, path: join(dir, id, f), mime: IMAGE_MIME[extname(f).toLowerCase()] }));
    folders.push({
      product: {
        id: productId(id),
        name: meta.name ?? id.replace(/[-_]+/g, ' '),
        barcodes: meta.barcodes ?? [],
        units: meta.units ?? null,
        category: meta.category ?? null,
        packagingVersion: meta.packagingVersion ?? '',
      },
      images,
    });
  }
  if (folders.length === 0) throw new UsageError(`${dir} has no product folders (expected ${dir}/<productId>/*.jpg)`);
  if (folders.every((f) => f.images.length === 0)) throw new UsageError(`${dir} has product folders but no .jpg/.png/.webp images in them`);
  return folders;
}

export async function readGalleryFolder(dir: string, options: ReadFolderOptions): Promise<PackContent> {
  const folders = await scanGalleryFolder(dir);
  const total = folders.reduce((n, f) => n + f.images.length, 0);
  const references: PackReference[] = [];
  for (const { product, images } of folders) {
    for (const img of images) {
      const what = `${product.id}/${img.file}`;
      const bytes = new Uint8Array(await readFile(img.path));
      // The thumbnail is made first: it also proves the file is an image before any inference.
      const [thumb, info] = await Promise.all([thumbnail(bytes, what), stat(img.path)]);
      const vectors = options.embedder ? await options.embedder.embed(bytes, what) : null;
      references.push({
        // The content hash makes ids from different builds collide only for the same photo,
        // so merging two packs that both have a "front.jpg" keeps both.
        id: referenceId(`${product.id}/${img.file}@${(await sha256Hex(bytes)).slice(0, 12)}`),
        product: product.id,
        packagingVersion: product.packagingVersion,
        superseded: false,
        view: viewFromFileName(img.file),
        captureDate: info.mtime.toISOString(),
        sourceDevice: null,
        image: { mime: img.mime, bytes },
        thumbnail: { mime: 'image/jpeg', bytes: thumb },
        ...(vectors ? vectors : {}),
      });
      options.onProgress?.(references.length, total);
    }
  }
  return {
    name: options.name,
    createdAt: options.createdAt,
    model: options.embedder ? options.embedder.model : null,
    products: folders.map((f) => f.product),
    references,
  };
}
