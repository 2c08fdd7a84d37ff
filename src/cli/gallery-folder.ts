// The gallery folder of DESIGN.md → an in-memory GalleryIndex:
//   <dir>/<productId>/*.jpg|png|webp, optional <dir>/<productId>/product.json
//   { "name": "...", "barcodes": ["..."], "units": 6, "version": "2026-09" }
import type { GalleryIndex } from '../lib/core/gallery-index.ts';
import { sha256Hex } from '../lib/core/sha256.ts';
import { referenceId } from '../lib/core/types.ts';
import { scanGalleryFolder } from './commands/gallery-folder.ts';
import type { Inspector } from '../lib/pipeline/inspector.ts';
import { decodeImage, readImageFile } from './decode-image.ts';
import type { EmbeddingCache } from './embedding-cache.ts';
import { UsageError } from './errors.ts';
import type { Log } from './log.ts';
import { mapLimit } from './map-limit.ts';

/** The same folder reader `intact gallery build` uses, its reasons prefixed as a bad --gallery. */
async function scanGalleryFolderForSearch(dir: string) {
  try {
    return await scanGalleryFolder(dir);
  } catch (e) {
    if (e instanceof UsageError) throw new UsageError(`bad gallery: ${e.message}`);
    throw e;
  }
}

export async function loadGalleryFolder(dir: string, inspector: Inspector, cache: EmbeddingCache, log: Log): Promise<GalleryIndex> {
  const products = await scanGalleryFolderForSearch(dir);
  const gallery = inspector.createGallery();
  const jobs = products.flatMap((p) => p.images.map(({ path }) => ({ product: p.product.id, path })));
  let done = 0, computed = 0;
  const embeddings = await mapLimit(jobs, 3, async ({ path }) => {
    const bytes = await readImageFile(path);
    const sha = await sha256Hex(bytes);
    let e = await cache.get(sha);
    if (!e) {
      let image;
      try {
        image = await decodeImage(bytes, path);
      } catch (err) {
        throw new UsageError(`bad gallery: ${(err as Error).message}`);
      }
      e = await inspector.embed(image);
      await cache.put(sha, e);
      computed++;
    }
    log.progress('embedding gallery', ++done, jobs.length);
    return e;
  });
  for (const { product } of products) {
    gallery.addProduct({ id: product.id, name: product.name, barcodes: product.barcodes, ...(product.units !== null ? { units: product.units } : {}), ...(product.packagingVersion ? { version: product.packagingVersion } : {}), ...(product.category ? { category: product.category } : {}) });
  }
  jobs.forEach((job, i) => {
    const e = embeddings[i];
    gallery.addReference({ id: referenceId(job.path), product: job.product, embedding: e.embedding, patches: e.patches, imageCells: e.imageCells }, e.model);
  });
  log.info(`gallery ${dir}: ${products.length} products, ${jobs.length} references (${computed} embedded, ${jobs.length - computed} from cache)`);
  return gallery;
}
