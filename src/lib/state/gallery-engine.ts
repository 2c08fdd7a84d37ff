// The inference worker as the gallery needs it: which embedding model is loaded, vectors for a
// photo, and where to send the searchable references (packed int8, moved rather than copied).
import { GalleryError } from '../gallery/errors.ts';
import type { SearchSet } from '../gallery/search-set.ts';
import type { ReferencesSent } from '../worker/client.ts';
import { packReferences } from '../worker/reference-batch.ts';
import type { EngineState } from './engine.svelte.ts';
import type { GalleryEngine } from './gallery.svelte.ts';

export function galleryEngine(engine: EngineState): GalleryEngine {
  return {
    embeddingModel: () => engine.info?.embedding ?? null,
    async embed(image) {
      const outcome = await engine.client.embed(image);
      if (!outcome.ok) throw new GalleryError('invalid', outcome.error.message);
      return outcome.value;
    },
    async publish(load: () => Promise<SearchSet>): Promise<ReferencesSent> {
      const outcome = await engine.client.setReferences(async () => {
        const set = await load();
        const model = set.model ?? engine.info?.embedding;
        if (!model) throw new GalleryError('invalid', 'No embedding model is loaded.');
        const [gridH, gridW] = model.patchGrid;
        return packReferences(model.sha256, { dim: model.dim, patchDim: model.patchDim, cells: gridH * gridW }, set.references, set.products);
      });
      if (!outcome.ok) throw new GalleryError('invalid', outcome.error.message);
      return outcome.value;
    },
  };
}
