// The GroceryStore dev photos as the benchmarks use them: listed per split and class, embedded
// through the CLI's embedding cache (same model + bytes → same vectors), so reruns and photos
// `intact` already embedded cost no inference.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../src/cli/decode-image.ts';
import { EmbeddingCache } from '../src/cli/embedding-cache.ts';
import { cacheDir } from '../src/cli/paths.ts';
import type { GalleryIndex } from '../src/lib/core/gallery-index.ts';
import { sha256Hex } from '../src/lib/core/sha256.ts';
import { vectorKey } from '../src/lib/core/vector-space.ts';
import { productId, referenceId, type ProductId } from '../src/lib/core/types.ts';
import type { ImageEmbedding } from '../src/lib/pipeline/api.ts';
import type { Inspector } from '../src/lib/pipeline/inspector.ts';

export interface DevPhoto {
  path: string;
  product: ProductId;
}

export const devClasses = (data: string, split: string): string[] => readdirSync(join(data, split)).filter((c) => !c.startsWith('.')).sort();

export const devPhotos = (data: string, split: string, cls: string): DevPhoto[] =>
  readdirSync(join(data, split, cls))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => ({ path: join(data, split, cls, f), product: productId(cls) }));

export const allDevPhotos = (data: string, split: string): DevPhoto[] => devClasses(data, split).flatMap((c) => devPhotos(data, split, c));

const caches = new Map<string, EmbeddingCache>();

export async function embedCached(inspector: Inspector, bytes: Uint8Array, label: string): Promise<ImageEmbedding> {
  const model = vectorKey(inspector.embeddingModel);
  let cache = caches.get(model);
  if (!cache) caches.set(model, (cache = new EmbeddingCache(cacheDir(), model)));
  const key = await sha256Hex(bytes);
  const hit = await cache.get(key);
  if (hit) return hit;
  const e = await inspector.embed(await decodeImage(bytes, label));
  await cache.put(key, e);
  return e;
}

/** A float32 gallery of the given photos and their vectors, one product per class. */
export function devGallery(inspector: Inspector, photos: DevPhoto[], vectors: ImageEmbedding[]): GalleryIndex {
  const g = inspector.createGallery('float32');
  photos.forEach((p, i) => {
    g.addProduct({ id: p.product });
    g.addReference({ id: referenceId(p.path), product: p.product, embedding: vectors[i].embedding, patches: vectors[i].patches, imageCells: vectors[i].imageCells });
  });
  return g;
}

export const benchLog = { info: (m: string) => process.stderr.write(`${m}\n`), progress: () => {} };
