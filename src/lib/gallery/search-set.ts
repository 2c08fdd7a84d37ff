// What identification searches: the active model's vectors of every current (not superseded)
// reference, as stored (mostly int8; nothing is widened to float here), and every product's
// metadata for the barcode cross-check and unit counting. References without vectors for that
// model are counted, not guessed at.
import type { EmbeddingModelRef, StoredTensor } from '../core/gallery-pack/index.ts';
import type { GalleryProduct } from '../core/gallery-index.ts';
import { productId } from '../core/types.ts';
import { getMeta, type GalleryDatabase } from './db.ts';
import { modelKey, type ProductRecord } from './schema.ts';

export interface SearchReference {
  product: string;
  reference: string;
  embedding: StoredTensor;
  patches: StoredTensor;
  imageCells?: boolean[];
}

export interface SearchSet {
  references: SearchReference[];
  products: GalleryProduct[];
  /** Current references still waiting for vectors from the active model. */
  pending: number;
  /** The model every vector in `references` came from; null before a model was ever loaded. */
  model: EmbeddingModelRef | null;
}

export const toGalleryProduct = (p: ProductRecord): GalleryProduct => ({
  id: productId(p.id),
  name: p.name,
  barcodes: [...p.barcodes],
  ...(p.units !== null ? { units: p.units } : {}),
  ...(p.category ? { category: p.category } : {}),
  ...(p.packagingVersion ? { version: p.packagingVersion } : {}),
});

export async function loadSearchSet(db: GalleryDatabase): Promise<SearchSet> {
  const model = (await getMeta(db, 'activeModel')) ?? null;
  const tx = db.transaction(['products', 'references', 'embeddings']);
  const products = (await tx.objectStore('products').getAll()).map(toGalleryProduct);
  const current = (await tx.objectStore('references').getAll()).filter((r) => !r.superseded);
  if (!model) {
    await tx.done;
    return { references: [], products, pending: current.length, model: null };
  }
  const vectors = new Map((await tx.objectStore('embeddings').index('byModel').getAll(modelKey(model))).map((e) => [e.reference, e]));
  await tx.done;
  const references: SearchReference[] = [];
  for (const r of current) {
    const v = vectors.get(r.id);
    if (v) references.push({ product: r.product, reference: r.id, embedding: v.embedding, patches: v.patches, ...(v.imageCells ? { imageCells: v.imageCells } : {}) });
  }
  return { references, products, pending: current.length - references.length, model };
}

/** Current references without the active model's vectors, counted from keys only (no vectors read). */
export async function countPending(db: GalleryDatabase): Promise<number> {
  const model = await getMeta(db, 'activeModel');
  const tx = db.transaction(['references', 'embeddings']);
  const current = (await tx.objectStore('references').getAll()).filter((r) => !r.superseded);
  const have = model ? new Set((await tx.objectStore('embeddings').index('byModel').getAllKeys(modelKey(model))).map(([reference]) => reference)) : new Set<string>();
  await tx.done;
  return current.filter((r) => !have.has(r.id)).length;
}
