// Which vectors may be compared: those of one model file AND one global-descriptor recipe.
// Every place that stores, ships or searches vectors names them through this, so a gallery,
// a pack, IndexedDB and the CLI's embedding cache all agree on when to re-embed.
import type { EmbeddingModelRef } from './gallery-pack/types.ts';
import type { ModelEntry } from './model-manifest.ts';

/** The key vectors of this model are stored under (the model's sha256 without a recipe). */
export const vectorKey = (entry: ModelEntry): string => entry.embedding?.global?.key ?? entry.sha256;

/** Length of the global vectors a gallery of this model holds. */
export function descriptorDim(entry: ModelEntry): number {
  if (!entry.embedding) throw new Error(`model ${entry.id} has no embedding spec`);
  return entry.embedding.global?.dim ?? entry.embedding.dim;
}

export function embeddingModelRef(entry: ModelEntry): EmbeddingModelRef {
  if (!entry.embedding) throw new Error(`model ${entry.id} has the embedding role but no embedding spec`);
  const { patchDim, patchGrid } = entry.embedding;
  return { id: entry.id, version: entry.version, sha256: vectorKey(entry), dim: descriptorDim(entry), patchDim, patchGrid };
}
