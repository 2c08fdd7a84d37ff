// RgbaImage → model input tensor, per the model I/O contract in model-manifest.ts.
//
// Fit: letterbox by default. The whole frame is kept (scaled so its longer side fills the
// input) and the rest is padded with the normalisation mean, i.e. exactly 0 after
// normalisation. A centre crop would cut off the ends of a long package, and damage at the
// ends (a crushed corner, a torn flap) is precisely what must not be lost. A model trained with
// centre crops can declare `input.fit: "centre-crop"` in its manifest entry.
import type { RgbaImage } from './image.ts';
import type { ModelInputSpec } from './model-manifest.ts';
import { resampleRgb } from './resample.ts';

export type Fit = 'letterbox' | 'centre-crop';

/**
 * Bumped whenever preprocessing changes its output for the same image and spec, so caches of
 * embeddings (keyed by image and model hashes) are not served stale vectors after an update.
 */
export const PREPROCESS_VERSION = 2;

/** Where the image landed in the model input, in input pixels; maps heatmaps back onto the image. */
export interface Placement {
  /** Region of the source image that was used (all of it for letterbox). */
  source: { x: number; y: number; width: number; height: number };
  /** Region of the square input the source was drawn into. */
  target: { x: number; y: number; width: number; height: number };
}

export interface ModelInput {
  /** float32 NCHW [1, 3, size, size]. */
  data: Float32Array;
  dims: [1, 3, number, number];
  placement: Placement;
}

export function placeImage(width: number, height: number, size: number, fit: Fit): Placement {
  if (fit === 'centre-crop') {
    const side = Math.min(width, height);
    return {
      source: { x: Math.floor((width - side) / 2), y: Math.floor((height - side) / 2), width: side, height: side },
      target: { x: 0, y: 0, width: size, height: size },
    };
  }
  const scale = size / Math.max(width, height);
  const tw = Math.max(1, Math.min(size, Math.round(width * scale)));
  const th = Math.max(1, Math.min(size, Math.round(height * scale)));
  return {
    source: { x: 0, y: 0, width, height },
    target: { x: Math.floor((size - tw) / 2), y: Math.floor((size - th) / 2), width: tw, height: th },
  };
}

export function preprocess(image: RgbaImage, spec: ModelInputSpec): ModelInput {
  const { width, height, data } = image;
  if (!(width > 0 && height > 0) || data.length < width * height * 4) {
    throw new RangeError(`not a valid RGBA image (${width}×${height}, ${data.length} bytes)`);
  }
  const size = spec.size;
  const placement = placeImage(width, height, size, spec.fit ?? 'letterbox');
  const { target } = placement;
  const planes = resampleRgb(data, width, placement.source, target.width, target.height);
  const plane = size * size;
  // Zero-filled: padding equals the mean, which normalises to exactly 0.
  const out = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    // Same float32 arithmetic as the training pipeline (x / (255·std) − mean/std, each step
    // rounded to float32), not merely the same formula: an int8 graph's input quantiser can
    // sit exactly on pixel values, where a one-ulp difference flips a rounding.
    const divisor = 255 * spec.std[c];
    const offset = Math.fround(spec.mean[c] / spec.std[c]);
    const src = c * target.width * target.height;
    for (let y = 0; y < target.height; y++) {
      const dstRow = c * plane + (target.y + y) * size + target.x;
      const srcRow = src + y * target.width;
      for (let x = 0; x < target.width; x++) out[dstRow + x] = Math.fround(planes.data[srcRow + x] / divisor) - offset;
    }
  }
  return { data: out, dims: [1, 3, size, size], placement };
}

/**
 * Which cells of a gridH×gridW feature grid over the input show the image (at least half
 * covered by the placed image) rather than letterbox padding; padding must not be compared.
 */
export function imageCells(placement: Placement, size: number, grid: [number, number]): boolean[] {
  const [gh, gw] = grid;
  const { x, y, width, height } = placement.target;
  const cellW = size / gw, cellH = size / gh;
  const out: boolean[] = [];
  for (let r = 0; r < gh; r++) {
    const oy = Math.max(0, Math.min((r + 1) * cellH, y + height) - Math.max(r * cellH, y));
    for (let c = 0; c < gw; c++) {
      const ox = Math.max(0, Math.min((c + 1) * cellW, x + width) - Math.max(c * cellW, x));
      out.push(ox * oy >= 0.5 * cellW * cellH);
    }
  }
  return out;
}
