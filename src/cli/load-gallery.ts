// `--gallery <dir|pack>`: a folder in the DESIGN.md layout, or a pack file built by
// `intact gallery build` (verified in full before use).
import { readFile, stat } from 'node:fs/promises';
import type { GalleryIndex } from '../lib/core/gallery-index.ts';
import { decodePack, PackError } from '../lib/core/gallery-pack/index.ts';
import { embeddingModelRef } from '../lib/core/vector-space.ts';
import { galleryIndexFromPack } from '../lib/core/gallery-pack/to-index.ts';
import type { Inspector } from '../lib/pipeline/inspector.ts';
import { EmbeddingCache } from './embedding-cache.ts';
import { UsageError } from './errors.ts';
import { loadGalleryFolder } from './gallery-folder.ts';
import type { Log } from './log.ts';
import { cacheDir } from './paths.ts';

/** Checks that the path exists before any model is loaded, so bad input fails fast. */
export async function checkGalleryPath(path: string): Promise<'folder' | 'pack'> {
  try {
    return (await stat(path)).isDirectory() ? 'folder' : 'pack';
  } catch {
    throw new UsageError(`bad gallery: ${path} does not exist`);
  }
}

export async function loadGallery(path: string, inspector: Inspector, log: Log): Promise<GalleryIndex> {
  const kind = await checkGalleryPath(path);
  const model = embeddingModelRef(inspector.embeddingModel);
  if (kind === 'folder') return loadGalleryFolder(path, inspector, new EmbeddingCache(cacheDir(), model.sha256), log);
  try {
    const { content } = await decodePack(new Uint8Array(await readFile(path)), { expectedModel: model });
    const gallery = galleryIndexFromPack(content, inspector.gallerySettings());
    log.info(`gallery pack ${path}: ${gallery.productCount} products, ${gallery.referenceCount} references`);
    return gallery;
  } catch (e) {
    if (e instanceof PackError) throw new UsageError(`bad gallery: ${path}: ${e.message}`);
    throw e;
  }
}
