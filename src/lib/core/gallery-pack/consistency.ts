// Rules that hold across fields (ids unique, references point at products, vectors match the
// model that made them); the encoder refuses to write a pack breaking them, the decoder to read one.
import { PackError } from './errors.ts';
import type { EmbeddingModelRef } from './types.ts';

interface TensorShape {
  rows: number;
  dim: number;
}

interface ReferenceShape {
  id: string;
  product: string;
  imageCells?: { length: number };
  embedding?: TensorShape;
  patches?: TensorShape;
}

function bad(msg: string): never {
  throw new PackError('malformed', `pack: ${msg}`);
}

export function checkConsistency(
  model: EmbeddingModelRef | null,
  products: readonly { id: string }[],
  references: readonly ReferenceShape[],
): void {
  const productIds = new Set<string>();
  for (const p of products) {
    if (productIds.has(p.id)) bad(`product "${p.id}" appears twice`);
    productIds.add(p.id);
  }
  const referenceIds = new Set<string>();
  let embedded = 0;
  for (const r of references) {
    if (referenceIds.has(r.id)) bad(`reference "${r.id}" appears twice`);
    referenceIds.add(r.id);
    if (!productIds.has(r.product)) bad(`reference "${r.id}" belongs to unknown product "${r.product}"`);
    if (!r.embedding !== !r.patches) bad(`reference "${r.id}" must carry both embedding and patches, or neither`);
    if (!r.embedding || !r.patches) continue;
    embedded++;
    if (!model) bad(`reference "${r.id}" has embeddings but the pack names no model`);
    if (r.embedding.rows !== 1 || r.embedding.dim !== model.dim) {
      bad(`reference "${r.id}" embedding is ${r.embedding.rows}×${r.embedding.dim}, model ${model.id} gives 1×${model.dim}`);
    }
    const cells = model.patchGrid[0] * model.patchGrid[1];
    if (r.imageCells && r.imageCells.length !== cells) bad(`reference "${r.id}" marks ${r.imageCells.length} image cells, the grid has ${cells}`);
    if (r.patches.rows !== cells || r.patches.dim !== model.patchDim) {
      bad(`reference "${r.id}" patches are ${r.patches.rows}×${r.patches.dim}, model ${model.id} gives ${cells}×${model.patchDim}`);
    }
  }
  if (model && embedded === 0 && references.length > 0) bad('names a model but no reference carries embeddings');
}
