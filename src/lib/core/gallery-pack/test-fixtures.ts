// Small, deterministic pack content for the pack tests (not shipped code paths, just inputs).
import { productId, referenceId } from '../types.ts';
import { float32Tensor } from './tensor.ts';
import type { EmbeddingModelRef, PackContent, PackProduct, PackReference } from './types.ts';

export const testModel: EmbeddingModelRef = {
  id: 'test-embedder',
  version: '1.0.0',
  sha256: 'a'.repeat(64),
  dim: 8,
  patchDim: 4,
  patchGrid: [2, 3],
};

/** Park–Miller, so every run sees the same "random" vectors. */
export function seededRandom(seed: number): () => number {
  let s = seed % 2147483647 || 1;
  return () => (s = (s * 48271) % 2147483647) / 2147483647;
}

export function unitRows(rows: number, dim: number, rand: () => number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      const v = rand() * 2 - 1;
      out[r * dim + i] = v;
      norm += v * v;
    }
    for (let i = 0; i < dim; i++) out[r * dim + i] /= Math.sqrt(norm);
  }
  return out;
}

export function product(id: string, packagingVersion = '2026-01', barcodes = [`73${id.length}0000`]): PackProduct {
  return { id: productId(id), name: `Product ${id}`, barcodes, units: null, category: 'test', packagingVersion };
}

export function reference(id: string, productIdValue: string, rand: () => number, packagingVersion = '2026-01', embedded = true): PackReference {
  const bytes = new Uint8Array(200 + Math.floor(rand() * 100)).map(() => Math.floor(rand() * 256));
  const cells = testModel.patchGrid[0] * testModel.patchGrid[1];
  return {
    id: referenceId(id),
    product: productId(productIdValue),
    packagingVersion,
    superseded: false,
    view: 'front',
    captureDate: '2026-11-20T10:00:00.000Z',
    sourceDevice: 'test-device',
    image: { mime: 'image/jpeg', bytes },
    thumbnail: { mime: 'image/jpeg', bytes: bytes.slice(0, 50) },
    ...(embedded
      ? {
          embedding: float32Tensor(unitRows(1, testModel.dim, rand), 1, testModel.dim),
          patches: float32Tensor(unitRows(cells, testModel.patchDim, rand), cells, testModel.patchDim),
        }
      : {}),
  };
}

export function samplePack(seed = 1): PackContent {
  const rand = seededRandom(seed);
  return {
    name: 'sample',
    createdAt: '2026-11-25T12:00:00.000Z',
    model: testModel,
    products: [product('milk'), product('juice', '2026-03')],
    references: [reference('milk-1', 'milk', rand), reference('milk-2', 'milk', rand), reference('juice-1', 'juice', rand, '2026-03')],
  };
}
