// Decides, from an image's pixel size alone, whether to analyse it and at what size. The worker
// asks createImageBitmap to resize while decoding, so a 50-megapixel photo costs one downscale,
// not 200 MB of pixels kept alive through the pipeline.

/** Below this many pixels on the short side there is nothing to judge; the associate must re-take. */
export const MIN_SIDE = 32;
/** Above this, decoding alone could exhaust a phone's memory; such files are refused outright. */
export const MAX_SOURCE_PIXELS = 120_000_000;
/** Longest side handed to the pipeline; the models look at ~224 px, the quality check at a bit more. */
export const MAX_ANALYSIS_SIDE = 2048;
/** Longest side of the preview sent back to the UI for display under the heatmap. */
export const MAX_PREVIEW_SIDE = 1024;

export type DecodePlan =
  | { ok: true; width: number; height: number; resized: boolean }
  | { ok: false; reason: 'too-small' | 'too-large' };

export function planDecode(width: number, height: number, maxSide = MAX_ANALYSIS_SIDE): DecodePlan {
  if (!(width > 0 && height > 0) || Math.min(width, height) < MIN_SIDE) return { ok: false, reason: 'too-small' };
  if (width * height > MAX_SOURCE_PIXELS) return { ok: false, reason: 'too-large' };
  const scale = Math.min(1, maxSide / Math.max(width, height));
  if (scale === 1) return { ok: true, width, height, resized: false };
  return {
    ok: true,
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
    resized: true,
  };
}
