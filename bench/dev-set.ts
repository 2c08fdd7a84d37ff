// The GroceryStore dev photos as the benchmarks use them: listed per split and class, embedded
// through the CLI's embedding cache (same model + bytes → same vectors), so reruns and photos
// `intact` already embedded cost no inference.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { decodeImage } from '../src/cli/decode-image.ts';
import { EmbeddingCache } from '../src/cli/embedding-cache.ts';
import { cacheDir } from '../src/cli/paths.ts';
import type { GalleryIndex } from '../src/lib/core/gallery-index.ts';
import { seededRandom } from '../src/lib/core/seeded-random.ts';
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

/**
 * A tote of `size` expected products per query: the query's own product and size − 1 others,
 * drawn per query in order from one seeded sequence, so every benchmark narrows alike.
 */
export function toteCandidates(queries: readonly DevPhoto[], products: readonly ProductId[], size: number, seed = 7): ProductId[][] {
  const random = seededRandom(seed);
  return queries.map((q) => {
    const others = products.filter((p) => p !== q.product);
    for (let i = others.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [others[i], others[j]] = [others[j], others[i]];
    }
    return [q.product, ...others.slice(0, size - 1)];
  });
}

/** The train photos as a gallery in which each held-out product is enrolled with its first `n` photos only. */
export function enrolHeldOut(train: readonly DevPhoto[], heldOut: ReadonlySet<string>, n: number): DevPhoto[] {
  const taken = new Map<string, number>();
  return train.filter((p) => {
    if (!heldOut.has(p.product)) return true;
    const k = taken.get(p.product) ?? 0;
    taken.set(p.product, k + 1);
    return k < n;
  });
}
