// Packs for the gallery end-to-end tests, built with the real encoder from generated photos.
import type { Page } from '@playwright/test';
import sharp from 'sharp';
import { encodePack, float32Tensor, type EmbeddingModelRef, type PackContent, type PackReference, type SigningKey } from '../../src/lib/core/gallery-pack/index.ts';
import { productId, referenceId } from '../../src/lib/core/types.ts';

async function photo(seed: number, size: number, noisy = false): Promise<Uint8Array> {
  const channels = 3;
  const raw = Buffer.alloc(size * size * channels);
  let s = seed;
  for (let i = 0; i < raw.length; i++) {
    s = (s * 48271) % 2147483647;
    // Noise does not compress, so a "noisy" photo really occupies its size on disk.
    raw[i] = noisy ? s & 0xff : ((i % (size * channels)) * 3 + seed * 40) & 0xff;
  }
  const out = await sharp(raw, { raw: { width: size, height: size, channels } }).jpeg({ quality: 95 }).toBuffer();
  return new Uint8Array(out);
}

export interface TestProduct {
  id: string;
  name: string;
  references: number;
  version?: string;
}

/** A model no device runs: packs embedded with it must be refused wherever another is loaded. */
export const FOREIGN_MODEL: EmbeddingModelRef = { id: 'some-other-embedder', version: '9.9.9', sha256: 'f'.repeat(64), dim: 4, patchDim: 2, patchGrid: [1, 2] };

/** An images-only pack (no vectors, unless foreign), so it imports whatever model the app has. */
export async function buildTestPack(
  name: string,
  products: TestProduct[],
  options: { photoPx?: number; noisy?: boolean; foreignVectors?: boolean; signWith?: SigningKey } = {},
): Promise<Uint8Array> {
  const references: PackReference[] = [];
  let seed = 1;
  for (const p of products) {
    for (let i = 0; i < p.references; i++) {
      const bytes = await photo(seed++, options.photoPx ?? 96, options.noisy);
      references.push({
        id: referenceId(`${p.id}/ref-${i}.jpg`),
        product: productId(p.id),
        packagingVersion: p.version ?? '2026-01',
        superseded: false,
        view: i === 0 ? 'front' : 'other',
        captureDate: '2026-11-01T09:00:00.000Z',
        sourceDevice: null,
        image: { mime: 'image/jpeg', bytes },
        thumbnail: { mime: 'image/jpeg', bytes: await photo(seed, 32) },
        ...(options.foreignVectors
          ? { embedding: float32Tensor(new Float32Array([0.5, 0.5, 0.5, 0.5]), 1, 4), patches: float32Tensor(new Float32Array([1, 0, 0, 1]), 2, 2) }
          : {}),
      });
    }
  }
  const content: PackContent = {
    name,
    createdAt: '2026-11-25T12:00:00.000Z',
    model: options.foreignVectors ? FOREIGN_MODEL : null,
    products: products.map((p) => ({ id: productId(p.id), name: p.name, barcodes: [], units: null, category: null, packagingVersion: p.version ?? '2026-01' })),
    references,
  };
  return (await encodePack(content, options.signWith ? { signWith: options.signWith } : {})).bytes;
}

export const testPhoto = (seed: number) => photo(seed, 200);

/**
 * Types a code the way a keyboard-wedge scanner does: every key within a few milliseconds, then
 * Enter. Dispatched in one task, so a loaded test machine cannot stretch the gaps into "typing".
 */
export function wedgeScan(page: Page, code: string): Promise<void> {
  return page.evaluate((keys) => {
    for (const key of keys) window.dispatchEvent(new KeyboardEvent('keydown', { key }));
  }, [...code, 'Enter']);
}

/** A photo with an EAN-13 on it, drawn by zxing's writer (its .wasm read from node_modules). */
export async function barcodePhoto(code: string, backgroundJpeg?: Uint8Array): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  const { createRequire } = await import('node:module');
  const { prepareZXingModule, writeBarcode } = await import('zxing-wasm/full');
  const wasm = await readFile(createRequire(import.meta.url).resolve('zxing-wasm/full/zxing_full.wasm'));
  prepareZXingModule({ overrides: { wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer } });
  const written = await writeBarcode(code, { format: 'EAN13', scale: 3 });
  if (written.error) throw new Error(written.error);
  const barcode = await sharp(Buffer.from(written.svg)).png().toBuffer();
  if (backgroundJpeg) {
    // A label stuck on the bottom of a product photo, at a size the preview keeps readable.
    const base = await sharp(backgroundJpeg).resize(900, 1200, { fit: 'inside' }).toBuffer({ resolveWithObject: true });
    const { width, height } = base.info;
    const label = await sharp(barcode).resize({ width: Math.round(width * 0.6) }).toBuffer({ resolveWithObject: true });
    const top = height - label.info.height - 10;
    return new Uint8Array(await sharp(base.data).composite([{ input: label.data, left: Math.round(width * 0.2), top }]).jpeg({ quality: 92 }).toBuffer());
  }
  const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 220, g: 200, b: 150 } } })
    .composite([{ input: barcode, left: 250, top: 220 }])
    .jpeg({ quality: 85 })
    .toBuffer();
  return new Uint8Array(photo);
}
