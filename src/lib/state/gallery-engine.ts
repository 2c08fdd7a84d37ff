// The inference worker as the gallery needs it: which embedding model is loaded, vectors for a
// photo, and where to send the searchable references.
import { GalleryError } from '../gallery/errors.ts';
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
    async setReferences(references) {
      const outcome = await engine.client.setReferences(references);
      if (!outcome.ok) throw new GalleryError('invalid', outcome.error.message);
    },
  };
}
