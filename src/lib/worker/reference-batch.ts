// The gallery's searchable references, packed for the trip to the inference worker: every vector
// as int8 rows with one float32 scale per row (what IndexedDB already holds for most of them), in
// a handful of contiguous buffers that are transferred (moved), not copied. Float32 patch features
// cost ~100 KB per reference; this costs a quarter of that and a fixed number of transferables
// however large the gallery grows. The worker searches the batch as it arrived (int8), see
// addBatchToGallery.
import { quantizeRows, type StoredTensor } from '../core/gallery-pack/tensor.ts';
import type { GalleryIndex, GalleryProduct } from '../core/gallery-index.ts';
import { productId, referenceId } from '../core/types.ts';

export interface BatchShape {
  dim: number;
  patchDim: number;
  /** Patch grid cells (gridH × gridW). */
  cells: number;
}

export interface StoredReference {
  product: string;
  reference: string;
  embedding: StoredTensor;
  patches: StoredTensor;
  imageCells?: boolean[];
}

export interface ReferenceBatch extends BatchShape {
  /**
   * sha256 of the embedding model every vector here came from. The worker installs the batch
   * only under that model, so vectors of two model versions never meet in one search.
   */
  model: string;
  count: number;
  /** Every product of the gallery, with or without references (barcode look-up, unit counts). */
  products: GalleryProduct[];
  productOf: string[];
  referenceIds: string[];
  embeddings: Int8Array;
  embeddingScales: Float32Array;
  patches: Int8Array;
  patchScales: Float32Array;
  /** 1 where a patch cell shows the image, 0 for letterbox padding. */
  imageCells: Uint8Array;
}

function asInt8(tensor: StoredTensor, rows: number, dim: number, what: string): { data: Int8Array; scales: Float32Array } {
  if (tensor.rows !== rows || tensor.dim !== dim) {
    throw new RangeError(`${what} is ${tensor.rows}×${tensor.dim}, expected ${rows}×${dim}`);
  }
  const q = tensor.dtype === 'i8' ? tensor : quantizeRows(tensor.data, rows, dim);
  if (q.dtype !== 'i8') throw new Error('unreachable: quantizeRows returns int8');
  return q;
}

/** A batch of n references with zeroed vectors, every cell marked as image, to fill in place. */
export function emptyBatch(model: string, shape: BatchShape, n: number, products: readonly GalleryProduct[] = []): ReferenceBatch {
  const { dim, patchDim, cells } = shape;
  return {
    model,
    dim,
    patchDim,
    cells,
    count: n,
    products: products.map((p) => ({ ...p, ...(p.barcodes ? { barcodes: [...p.barcodes] } : {}) })),
    productOf: [],
    referenceIds: [],
    embeddings: new Int8Array(n * dim),
    embeddingScales: new Float32Array(n),
    patches: new Int8Array(n * cells * patchDim),
    patchScales: new Float32Array(n * cells),
    imageCells: new Uint8Array(n * cells).fill(1),
  };
}

/** Packs references stored under one embedding model; a vector of the wrong shape is refused. */
export function packReferences(model: string, shape: BatchShape, references: readonly StoredReference[], products: readonly GalleryProduct[]): ReferenceBatch {
  const { dim, patchDim, cells } = shape;
  const batch = emptyBatch(model, shape, references.length, products);
  references.forEach((r, i) => {
    const embedding = asInt8(r.embedding, 1, dim, `the embedding of reference ${r.reference}`);
    const patches = asInt8(r.patches, cells, patchDim, `the patch features of reference ${r.reference}`);
    batch.productOf.push(r.product);
    batch.referenceIds.push(r.reference);
    batch.embeddings.set(embedding.data, i * dim);
    batch.embeddingScales[i] = embedding.scales[0];
    batch.patches.set(patches.data, i * cells * patchDim);
    batch.patchScales.set(patches.scales, i * cells);
    if (r.imageCells) {
      if (r.imageCells.length !== cells) throw new RangeError(`reference ${r.reference} marks ${r.imageCells.length} image cells, expected ${cells}`);
      r.imageCells.forEach((inside, c) => (batch.imageCells[i * cells + c] = inside ? 1 : 0));
    }
  });
  return batch;
}

/** The buffers to hand postMessage as transferables; the batch is unusable here afterwards. */
export const batchTransferables = (b: ReferenceBatch): ArrayBuffer[] =>
  [b.embeddings, b.embeddingScales, b.patches, b.patchScales, b.imageCells].map((a) => a.buffer as ArrayBuffer);

/** Bytes of vector data in the batch (what crosses to the worker besides a few ids). */
export const batchBytes = (b: ReferenceBatch): number =>
  b.embeddings.byteLength + b.embeddingScales.byteLength + b.patches.byteLength + b.patchScales.byteLength + b.imageCells.byteLength;

/** Whether the arrays agree with the counts; a batch that arrived malformed is refused whole. */
export function batchProblem(b: ReferenceBatch): string | null {
  const { count: n, dim, patchDim, cells } = b;
  if (![n, dim, patchDim, cells].every((v) => Number.isInteger(v) && v >= 0)) return 'the batch sizes are not whole numbers';
  if (b.productOf.length !== n || b.referenceIds.length !== n) return `the batch names ${b.referenceIds.length} references for ${n} vectors`;
  if (b.embeddings.length !== n * dim || b.embeddingScales.length !== n) return 'the embeddings do not match the batch size';
  if (b.patches.length !== n * cells * patchDim || b.patchScales.length !== n * cells) return 'the patch features do not match the batch size';
  if (b.imageCells.length !== n * cells) return 'the image-cell mask does not match the batch size';
  return null;
}

/**
 * Adds the batch's products and references to a gallery without widening them: the gallery holds
 * views into the batch's int8 patch buffer (one allocation for all references), and copies only
 * the int8 global embeddings into its vector index. The batch is refused whole if malformed.
 */
export function addBatchToGallery(gallery: GalleryIndex, b: ReferenceBatch): void {
  const problem = batchProblem(b);
  if (problem) throw new RangeError(problem);
  const { dim, patchDim, cells } = b;
  for (const p of b.products) gallery.addProduct(p);
  b.referenceIds.forEach((id, i) => {
    const mask = b.imageCells.subarray(i * cells, (i + 1) * cells);
    const product = productId(b.productOf[i]);
    gallery.addProduct({ id: product });
    gallery.addQuantizedReference(
      {
        id: referenceId(id),
        product,
        embedding: b.embeddings.subarray(i * dim, (i + 1) * dim),
        patches: b.patches.subarray(i * cells * patchDim, (i + 1) * cells * patchDim),
        patchScales: b.patchScales.subarray(i * cells, (i + 1) * cells),
        ...(mask.every((v) => v === 1) ? {} : { imageCells: Array.from(mask, (v) => v === 1) }),
      },
      b.model,
    );
  });
}
