// The common start of `identify` and `inspect`: every input is checked (paths exist, files are
// images, the gallery exists) BEFORE the models load, so bad input fails in milliseconds.
import type { GalleryIndex } from '../lib/core/gallery-index.ts';
import type { ProductId } from '../lib/core/types.ts';
import { productId } from '../lib/core/types.ts';
import type { Inspector } from '../lib/pipeline/inspector.ts';
import { probeImage } from './decode-image.ts';
import { UsageError } from './errors.ts';
import { expandInputs } from './inputs.ts';
import { checkGalleryPath, loadGallery } from './load-gallery.ts';
import { loadInspector } from './load-inspector.ts';
import type { Log } from './log.ts';

export interface PreparedRun {
  images: string[];
  inspector: Inspector;
  gallery: GalleryIndex | null;
  candidates?: ProductId[];
}

export async function prepareRun(options: { inputs: string[]; gallery?: string; candidates?: string[]; product?: string }, log: Log): Promise<PreparedRun> {
  if (options.gallery !== undefined) await checkGalleryPath(options.gallery);
  const images = await expandInputs(options.inputs);
  for (const image of images) await probeImage(image);
  const inspector = await loadInspector(log);
  try {
    const gallery = options.gallery !== undefined ? await loadGallery(options.gallery, inspector, log) : null;
    let candidates: ProductId[] | undefined;
    if (options.candidates && gallery) {
      candidates = options.candidates.map(productId);
      const unknown = candidates.filter((c) => !gallery.has(c));
      if (unknown.length === candidates.length) throw new UsageError(`none of the --candidates is in the gallery (${unknown.join(', ')})`);
      if (unknown.length) log.info(`--candidates not in the gallery, ignored: ${unknown.join(', ')}`);
    }
    if (options.product !== undefined && !gallery?.has(productId(options.product))) {
      throw new UsageError(`--product ${options.product} has no references in the gallery`);
    }
    return { images, inspector, gallery, candidates };
  } catch (e) {
    await inspector.dispose();
    throw e;
  }
}

/** Rounds scores for output: 6 decimals keep the tail resolution calibration needs. */
export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
export const roundMs = (x: number) => Math.round(x * 10) / 10;
