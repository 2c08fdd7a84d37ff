import { describe, expect, it } from 'vitest';
import { GalleryIndex } from '../core/gallery-index.ts';
import { float32Tensor, quantizeRows, toFloat32 } from '../core/gallery-pack/tensor.ts';
import { seededRandom } from '../core/seeded-random.ts';
import { productId, referenceId, type ProductId } from '../core/types.ts';
import { addBatchToGallery, batchBytes, batchProblem, batchTransferables, packReferences, type ReferenceBatch, type StoredReference } from './reference-batch.ts';

const SHAPE = { dim: 32, patchDim: 16, cells: 9 };
const MODEL = 'a'.repeat(64);

/** Rows of unit length, like the embedder's outputs. */
function unitRows(random: () => number, rows: number, dim: number): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) {
      out[i] = random() * 2 - 1;
      norm += out[i] * out[i];
    }
    for (let i = r * dim; i < (r + 1) * dim; i++) out[i] /= Math.sqrt(norm);
  }
  return out;
}

function floatReferences(count: number, seed = 7): { product: string; reference: string; embedding: Float32Array; patches: Float32Array }[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => ({
    product: `product-${i % 5}`,
    reference: `ref-${i}`,
    embedding: unitRows(random, 1, SHAPE.dim),
    patches: unitRows(random, SHAPE.cells, SHAPE.patchDim),
  }));
}

const SPEC = { model: MODEL, dim: SHAPE.dim, patchDim: SHAPE.patchDim, patchGrid: [3, 3] as [number, number] };

/** The batch installed as the worker installs it: an int8 gallery holding the batch's arrays. */
function int8GalleryOf(batch: ReferenceBatch): GalleryIndex {
  const gallery = new GalleryIndex({ ...SPEC, precision: 'int8' });
  addBatchToGallery(gallery, batch);
  return gallery;
}

/** Every reference of the gallery, in the order added (products in order of first appearance). */
const referencesIn = (g: GalleryIndex) => g.products().flatMap((p) => [...g.referencesOf(p.id)]);

const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
};

describe('reference batch', () => {
  it('carries float references as int8 within 1e-3 cosine, one byte per value plus a scale per row', () => {
    const refs = floatReferences(40);
    const stored: StoredReference[] = refs.map((r) => ({
      ...r,
      embedding: float32Tensor(r.embedding, 1, SHAPE.dim),
      patches: float32Tensor(r.patches, SHAPE.cells, SHAPE.patchDim),
    }));
    const batch = packReferences(MODEL, SHAPE, stored, []);
    const { dim, patchDim, cells } = SHAPE;
    // int8 values, a float32 scale per row, a mask byte per patch cell.
    expect(batchBytes(batch)).toBe(40 * (dim + 4) + 40 * cells * (patchDim + 4 + 1));

    const gallery = int8GalleryOf(batch);
    const back = new Map(referencesIn(gallery).map((r) => [r.id as string, r]));
    expect([...back.keys()].sort()).toEqual(refs.map((r) => r.reference).sort());
    refs.forEach((r) => {
      const held = back.get(r.reference)!;
      expect(cosine(held.embedding, r.embedding)).toBeGreaterThan(0.999);
      for (let c = 0; c < SHAPE.cells; c++) {
        const span = [c * SHAPE.patchDim, (c + 1) * SHAPE.patchDim] as const;
        expect(cosine(Array.from(held.patches).slice(...span), r.patches.subarray(...span))).toBeGreaterThan(0.999);
      }
    });
  });

  it('passes int8 vectors from storage through unchanged', () => {
    const refs = floatReferences(6);
    const stored: StoredReference[] = refs.map((r) => ({
      ...r,
      embedding: quantizeRows(r.embedding, 1, SHAPE.dim),
      patches: quantizeRows(r.patches, SHAPE.cells, SHAPE.patchDim),
    }));
    const back = new Map(referencesIn(int8GalleryOf(packReferences(MODEL, SHAPE, stored, []))).map((r) => [r.id as string, r]));
    stored.forEach((s) => {
      const held = back.get(s.reference)!;
      expect(Array.from(held.patches)).toEqual(Array.from(toFloat32(s.patches)));
      // The index keeps the int8 values; read back, the row is the same direction at unit length.
      const stored = toFloat32(s.embedding);
      const norm = Math.hypot(...stored);
      Array.from(held.embedding).forEach((v, i) => expect(v).toBeCloseTo(stored[i] / norm, 6));
    });
  });

  it('moves its buffers on transfer and arrives whole, with the products and the image-cell mask', () => {
    const refs = floatReferences(3);
    const cells = [true, true, false, true, true, false, true, true, true];
    const stored: StoredReference[] = refs.map((r, i) => ({
      ...r,
      embedding: float32Tensor(r.embedding, 1, SHAPE.dim),
      patches: float32Tensor(r.patches, SHAPE.cells, SHAPE.patchDim),
      ...(i === 1 ? { imageCells: cells } : {}),
    }));
    const products = [{ id: productId('product-0'), name: 'Zero', barcodes: ['7310000000001'], units: 6, category: 'dairy' }];
    const batch = packReferences(MODEL, SHAPE, stored, products);
    const sent = batchTransferables(batch);
    const arrived = structuredClone(batch, { transfer: sent });
    expect(sent.every((buffer) => buffer.byteLength === 0)).toBe(true);
    expect(batchProblem(arrived)).toBeNull();
    expect(arrived.model).toBe(MODEL);
    expect(arrived.products).toEqual(products);
    const gallery = int8GalleryOf(arrived);
    expect(gallery.product(productId('product-0'))).toEqual(products[0]);
    const back = new Map(referencesIn(gallery).map((r) => [r.id as string, r]));
    expect(back.get('ref-0')!.imageCells).toBeUndefined();
    expect(back.get('ref-1')!.imageCells).toEqual(cells);
  });

  it('identifies as the float vectors do, re-ranked by patches too, in about a quarter of the memory', () => {
    const refs = floatReferences(60, 11);
    const floatIndex = new GalleryIndex(SPEC);
    refs.forEach((r) => floatIndex.addReference({ id: referenceId(r.reference), product: productId(r.product), embedding: r.embedding, patches: r.patches }));
    const batch = packReferences(
      MODEL,
      SHAPE,
      refs.map((r) => ({ ...r, embedding: float32Tensor(r.embedding, 1, SHAPE.dim), patches: float32Tensor(r.patches, SHAPE.cells, SHAPE.patchDim) })),
      [],
    );
    const int8Index = int8GalleryOf(batch);
    // Queries near a reference (a noisy copy), as a photo of an enrolled product would be.
    const random = seededRandom(3);
    for (const r of refs.slice(0, 20)) {
      const query = r.embedding.map((v) => v + (random() - 0.5) * 0.2);
      const patches = r.patches.map((v) => v + (random() - 0.5) * 0.2);
      const float = floatIndex.identify(query, { top: 3, patches });
      const int8 = int8Index.identify(query, { top: 3, patches });
      expect(int8.map((m) => m.product)).toEqual(float.map((m) => m.product));
      int8.forEach((m, i) => expect(Math.abs(m.similarity - float[i].similarity)).toBeLessThan(0.01));
      expect(int8Index.memoryFor(r.product as ProductId)!.features).toHaveLength(floatIndex.memoryFor(r.product as ProductId)!.features.length);
    }
    // Per reference: the vector row (values, scale for int8, group and liveness) and the patches.
    const { dim, patchDim, cells } = SHAPE;
    expect(int8Index.vectorBytes + int8Index.patchBytes).toBe(60 * (dim + 4 + 5 + cells * (patchDim + 4)));
    expect(floatIndex.vectorBytes + floatIndex.patchBytes).toBe(60 * (dim * 4 + 5 + cells * patchDim * 4));
  });

  it('refuses vectors of the wrong shape and a batch whose arrays disagree with its count', () => {
    const [r] = floatReferences(1);
    const wrong: StoredReference = { ...r, embedding: float32Tensor(r.embedding.subarray(0, 16), 1, 16), patches: float32Tensor(r.patches, SHAPE.cells, SHAPE.patchDim) };
    expect(() => packReferences(MODEL, SHAPE, [wrong], [])).toThrow('the embedding of reference ref-0 is 1×16, expected 1×32');
    const batch = packReferences(MODEL, SHAPE, [{ ...r, embedding: float32Tensor(r.embedding, 1, SHAPE.dim), patches: float32Tensor(r.patches, SHAPE.cells, SHAPE.patchDim) }], []);
    const cut = { ...batch, patches: batch.patches.subarray(1) };
    expect(batchProblem(cut)).toBe('the patch features do not match the batch size');
    expect(() => int8GalleryOf(cut)).toThrow('the patch features do not match the batch size');
    expect(() => addBatchToGallery(new GalleryIndex({ ...SPEC, model: 'b'.repeat(64) }), batch)).toThrow(/embedded with model aaaaaaaaaaaa…, this gallery holds bbbbbbbbbbbb…/);
  });
});
