// What identification searches: the active model's vectors of every current (not superseded)
// reference. References without vectors for that model are counted, not guessed at.
import { toFloat32 } from '../core/gallery-pack/index.ts';
import { productId, referenceId } from '../core/types.ts';
import type { ReferenceEmbedding } from '../pipeline/api.ts';
import { getMeta, type GalleryDatabase } from './db.ts';
import { modelKey } from './schema.ts';

export interface SearchSet {
  references: ReferenceEmbedding[];
  /** Current references still waiting for vectors from the active model. */
  pending: number;
  model: string | null;
}

export async function loadSearchSet(db: GalleryDatabase): Promise<SearchSet> {
  const model = await getMeta(db, 'activeModel');
  const tx = db.transaction(['references', 'embeddings']);
  const current = (await tx.objectStore('references').getAll()).filter((r) => !r.superseded);
  if (!model) {
    await tx.done;
    return { references: [], pending: current.length, model: null };
  }
  const key = modelKey(model);
  const vectors = new Map((await tx.objectStore('embeddings').index('byModel').getAll(key)).map((e) => [e.reference, e]));
  await tx.done;
  const references: ReferenceEmbedding[] = [];
  for (const r of current) {
    const v = vectors.get(r.id);
    if (v) {
      references.push({
        product: productId(r.product),
        reference: referenceId(r.id),
        embedding: toFloat32(v.embedding),
        patches: toFloat32(v.patches),
        ...(v.imageCells ? { imageCells: v.imageCells } : {}),
      });
    }
  }
  return { references, pending: current.length - references.length, model: key };
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
