// The gallery folder of DESIGN.md → an in-memory GalleryIndex:
//   <dir>/<productId>/*.jpg|png|webp, optional <dir>/<productId>/product.json
//   { "name": "...", "barcodes": ["..."], "units": 6, "version": "2026-09" }
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GalleryIndex, GalleryProduct } from '../lib/core/gallery-index.ts';
import { sha256Hex } from '../lib/core/sha256.ts';
import { productId, referenceId } from '../lib/core/types.ts';
import type { Inspector } from '../lib/pipeline/inspector.ts';
import { decodeImage, readImageFile } from './decode-image.ts';
import type { EmbeddingCache } from './embedding-cache.ts';
import { UsageError } from './errors.ts';
import type { Log } from './log.ts';
import { mapLimit } from './map-limit.ts';

export const REFERENCE_EXTENSIONS = /\.(jpe?g|png|webp)$/i;

interface FolderProduct {
  info: GalleryProduct;
  images: string[];
}

async function readProductJson(dir: string, id: string): Promise<GalleryProduct> {
  const path = join(dir, 'product.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { id: productId(id) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`bad gallery: ${path} is not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new UsageError(`bad gallery: ${path} is not a JSON object`);
  const j = json as Record<string, unknown>;
  const bad = (field: string, want: string) => new UsageError(`bad gallery: ${path}: "${field}" must be ${want}`);
  if (j.name !== undefined && typeof j.name !== 'string') throw bad('name', 'a string');
  if (j.barcodes !== undefined && !(Array.isArray(j.barcodes) && j.barcodes.every((b) => typeof b === 'string'))) throw bad('barcodes', 'a list of strings');
  if (j.units !== undefined && !(Number.isInteger(j.units) && (j.units as number) >= 1)) throw bad('units', 'a whole number ≥ 1');
  if (j.version !== undefined && typeof j.version !== 'string') throw bad('version', 'a string');
  return {
    id: productId(id),
    ...(j.name !== undefined ? { name: j.name as string } : {}),
    ...(j.barcodes !== undefined ? { barcodes: j.barcodes as string[] } : {}),
    ...(j.units !== undefined ? { units: j.units as number } : {}),
    ...(j.version !== undefined ? { version: j.version as string } : {}),
  };
}

/** Lists products and their reference images; throws UsageError for a folder that is not a gallery. */
export async function scanGalleryFolder(dir: string): Promise<FolderProduct[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new UsageError(`bad gallery: cannot read folder ${dir}`);
  }
  const products: FolderProduct[] = [];
  for (const e of entries.filter((x) => x.isDirectory() && !x.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const pdir = join(dir, e.name);
    const files = (await readdir(pdir, { withFileTypes: true }))
      .filter((f) => f.isFile() && REFERENCE_EXTENSIONS.test(f.name) && !f.name.startsWith('.'))
      .map((f) => f.name)
      .sort();
    if (files.length === 0) continue;
    products.push({ info: await readProductJson(pdir, e.name), images: files.map((f) => join(pdir, f)) });
  }
  if (products.length === 0) throw new UsageError(`bad gallery: ${dir} has no product folders with images (expected ${dir}/<productId>/*.jpg|png|webp)`);
  return products;
}

export async function loadGalleryFolder(dir: string, inspector: Inspector, cache: EmbeddingCache, log: Log): Promise<GalleryIndex> {
  const products = await scanGalleryFolder(dir);
  const gallery = inspector.createGallery();
  const jobs = products.flatMap((p) => p.images.map((path) => ({ product: p.info.id, path })));
  let done = 0, computed = 0;
  const embeddings = await mapLimit(jobs, 3, async ({ path }) => {
    const bytes = await readImageFile(path);
    const sha = await sha256Hex(bytes);
    let e = await cache.get(sha);
    if (!e) {
      let image;
      try {
        image = await decodeImage(bytes, path);
      } catch (err) {
        throw new UsageError(`bad gallery: ${(err as Error).message}`);
      }
      e = await inspector.embed(image);
      await cache.put(sha, e);
      computed++;
    }
    log.progress('embedding gallery', ++done, jobs.length);
    return e;
  });
  for (const p of products) gallery.addProduct(p.info);
  jobs.forEach((job, i) => {
    const e = embeddings[i];
    gallery.addReference({ id: referenceId(job.path), product: job.product, embedding: e.embedding, patches: e.patches, imageCells: e.imageCells }, e.model);
  });
  log.info(`gallery ${dir}: ${products.length} products, ${jobs.length} references (${computed} embedded, ${jobs.length - computed} from cache)`);
  return gallery;
}
