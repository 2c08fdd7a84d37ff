// A verified pack becomes the in-memory search index the pipeline uses, so the CLI's
// `--gallery <pack>` and the app search exactly the same vectors.
import { GalleryIndex, type GallerySpec } from '../gallery-index.ts';
import { PackError } from './errors.ts';
import { toFloat32 } from './tensor.ts';
import type { PackContent } from './types.ts';

export function galleryIndexFromPack(content: PackContent, spec: Partial<Pick<GallerySpec, 'precision' | 'memory' | 'rerank'>> = {}): GalleryIndex {
  const model = content.model;
  if (!model) throw new PackError('incompatible', `pack "${content.name}" carries no embeddings; build it with an embedding model`);
  const index = new GalleryIndex({ model: model.sha256, dim: model.dim, patchDim: model.patchDim, patchGrid: model.patchGrid, ...spec });
  for (const p of content.products) {
    index.addProduct({ id: p.id, name: p.name, barcodes: p.barcodes, ...(p.units ? { units: p.units } : {}), ...(p.category ? { category: p.category } : {}), version: p.packagingVersion });
  }
  for (const r of content.references) {
    if (r.superseded || !r.embedding || !r.patches) continue;
    index.addReference({ id: r.id, product: r.product, embedding: toFloat32(r.embedding), patches: toFloat32(r.patches), imageCells: r.imageCells });
  }
  return index;
}
