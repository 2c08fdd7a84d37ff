// When the embedding model changes, every reference needs vectors from the new model before it
// can be searched again. This walks the references lacking them, one small transaction each (so
// progress survives a reload), and only when all are done drops the old model's vectors.
import { float32Tensor, quantizeRows, sameModel, type EmbeddingModelRef, type StoredTensor } from '../core/gallery-pack/index.ts';
import { versionRow } from './catalog.ts';
import { getMeta, type GalleryDatabase } from './db.ts';
import { guardQuota } from './errors.ts';
import { modelKey } from './schema.ts';

export interface Vectors {
  embedding: Float32Array;
  patches: Float32Array;
  imageCells?: boolean[];
}

export type EmbedImage = (image: { mime: string; bytes: Uint8Array }) => Promise<Vectors>;

export interface ReembedProgress {
  done: number;
  total: number;
}

/** Records the model whose vectors are searched; returns true when it changed. */
export async function setActiveModel(db: GalleryDatabase, model: EmbeddingModelRef): Promise<boolean> {
  const held = await getMeta(db, 'activeModel');
  if (held && sameModel(held, model)) return false;
  const tx = db.transaction(['meta', 'versions'], 'readwrite');
  await tx.objectStore('meta').put(model, 'activeModel');
  await tx.objectStore('versions').add(versionRow('reembed', `embedding model is now ${model.id}@${model.version}`));
  await tx.done;
  return true;
}

export interface StoredVectors {
  embedding: StoredTensor;
  patches: StoredTensor;
  imageCells?: boolean[];
}

export function toStored(v: Vectors, model: EmbeddingModelRef, precision: 'f32' | 'i8' = 'i8'): StoredVectors {
  const cells = model.patchGrid[0] * model.patchGrid[1];
  const make = precision === 'i8' ? quantizeRows : float32Tensor;
  return { embedding: make(v.embedding, 1, model.dim), patches: make(v.patches, cells, model.patchDim), ...(v.imageCells ? { imageCells: v.imageCells } : {}) };
}

export async function pendingReferences(db: GalleryDatabase, model: EmbeddingModelRef): Promise<string[]> {
  const key = modelKey(model);
  const tx = db.transaction(['references', 'embeddings']);
  const refs = await tx.objectStore('references').getAllKeys();
  const have = new Set((await tx.objectStore('embeddings').index('byModel').getAll(key)).map((e) => e.reference));
  await tx.done;
  return refs.filter((r) => !have.has(r));
}

export async function reembedAll(
  db: GalleryDatabase,
  model: EmbeddingModelRef,
  embed: EmbedImage,
  onProgress: (p: ReembedProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<ReembedProgress> {
  const key = modelKey(model);
  const todo = await pendingReferences(db, model);
  const progress = { done: 0, total: todo.length };
  onProgress(progress);
  for (const reference of todo) {
    signal?.throwIfAborted();
    const [ref, image] = await Promise.all([db.get('references', reference), db.get('images', reference)]);
    if (ref && image) {
      const stored = toStored(await embed(image.full), model);
      await guardQuota('re-embedded vectors', () => db.put('embeddings', { reference, product: ref.product, model: key, ...stored }));
    }
    progress.done++;
    onProgress({ ...progress });
  }
  await dropOtherModels(db, key);
  return progress;
}

async function dropOtherModels(db: GalleryDatabase, keep: string): Promise<void> {
  const tx = db.transaction('embeddings', 'readwrite');
  let cursor = await tx.store.openCursor();
  while (cursor) {
    if (cursor.value.model !== keep) await cursor.delete();
    cursor = await cursor.continue();
  }
  await tx.done;
}
