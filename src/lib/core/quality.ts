// Is this frame good enough to judge? Every problem found here is a Retake reason: judging a
// blurred, dark or tiny frame would produce a confident-looking verdict from noise.
//
// Measurements are taken on a copy downscaled (area-averaged) so its longer side is at most
// ANALYSIS_SIDE px: the sharpness of a 12 MP photo and of a 320 px thumbnail of the same
// scene then land on the same scale, and the cost is bounded.
import type { QualityReport } from './check-result.ts';
import type { RgbaImage } from './image.ts';
import { assessFraming, framingProblems, type FramingThresholds } from './framing.ts';
import { resampleRgb } from './resample.ts';

export const ANALYSIS_SIDE = 256;

export interface QualityThresholds {
  /** Shorter side below this (source pixels) is too little to see damage in. */
  minSide: number;
  /** Variance of the Laplacian of luma (0..255 scale) at ANALYSIS_SIDE below this is blurred. */
  minSharpness: number;
  /** Mean luma (0..255) below this is under-exposed. */
  minMeanLuma: number;
  /**
   * Mean luma above this *with* contrast below `washedOutContrast` is over-exposed. Brightness
   * alone is not enough: a catalogue shot on a white background is bright and perfectly usable.
   */
  maxMeanLuma: number;
  washedOutContrast: number;
  /** Fraction of pixels crushed to black (≤ 8) or blown to white (≥ 247) above this. */
  maxClippedFraction: number;
  /** Luma standard deviation below this: a blank surface, lens cap or wall, no item. */
  minContrast: number;
  /** Item too small or cut off (see framing.ts); absent = the defaults. */
  framing?: FramingThresholds;
}

// Chosen on the 995 development photos (store shelves and white-background catalogue shots:
// all pass; their sharpness is ≥ 56, median 613) and on synthetic degradations of them; see
// tests/unit/quality.test.ts for the cases held to.
export const DEFAULT_QUALITY_THRESHOLDS: QualityThresholds = {
  minSide: 64,
  minSharpness: 30,
  minMeanLuma: 35,
  maxMeanLuma: 215,
  washedOutContrast: 25,
  maxClippedFraction: 0.85,
  minContrast: 6,
};

/**
 * Luma (BT.601) of the image downscaled to at most `maxSide`, row-major, and the downscaled
 * image itself (what the framing check reads, so a 12 MP frame is only averaged down once).
 */
export function analysisLuma(image: RgbaImage, maxSide = ANALYSIS_SIDE): { width: number; height: number; luma: Float32Array; small: RgbaImage } {
  const scale = Math.min(1, maxSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const rgb = resampleRgb(image.data, image.width, { x: 0, y: 0, width: image.width, height: image.height }, width, height);
  const n = width * height;
  const luma = new Float32Array(n);
  const data = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    luma[i] = 0.299 * rgb.data[i] + 0.587 * rgb.data[n + i] + 0.114 * rgb.data[2 * n + i];
    data[i * 4] = rgb.data[i];
    data[i * 4 + 1] = rgb.data[n + i];
    data[i * 4 + 2] = rgb.data[2 * n + i];
    data[i * 4 + 3] = 255;
  }
  return { width, height, luma, small: { width, height, data } };
}

/** Variance of the 4-neighbour Laplacian over interior pixels; 0 for images under 3×3. */
export function laplacianVariance(luma: Float32Array, width: number, height: number): number {
  if (width < 3 || height < 3) return 0;
  let sum = 0, sumSq = 0, n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const l = luma[i - 1] + luma[i + 1] + luma[i - width] + luma[i + width] - 4 * luma[i];
      sum += l;
      sumSq += l * l;
      n++;
    }
  }
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export function assessQuality(image: RgbaImage, t: QualityThresholds = DEFAULT_QUALITY_THRESHOLDS): QualityReport {
  const problems: string[] = [];
  if (Math.min(image.width, image.height) < t.minSide) {
    problems.push(`image too small (${image.width}×${image.height} px; need at least ${t.minSide} px on each side)`);
  }
  const { width, height, luma, small } = analysisLuma(image);
  let sum = 0, sumSq = 0, dark = 0, bright = 0;
  for (let i = 0; i < luma.length; i++) {
    const v = luma[i];
    sum += v;
    sumSq += v * v;
    if (v <= 8) dark++;
    else if (v >= 247) bright++;
  }
  const meanLuma = sum / luma.length;
  const contrast = Math.sqrt(Math.max(0, sumSq / luma.length - meanLuma * meanLuma));
  const sharpness = laplacianVariance(luma, width, height);

  if (meanLuma < t.minMeanLuma || dark / luma.length > t.maxClippedFraction) {
    problems.push('image too dark: add light or turn on the torch');
  } else if ((meanLuma > t.maxMeanLuma && contrast < t.washedOutContrast) || bright / luma.length > t.maxClippedFraction) {
    problems.push('image too bright: avoid glare and direct light');
  } else if (contrast < t.minContrast) {
    problems.push('no item visible: the frame is nearly uniform');
  }
  // A tiny image has no measurable sharpness; saying "blurry" on top of "too small" only confuses.
  if (problems.length === 0 && sharpness < t.minSharpness) {
    problems.push('image too blurry: hold still and let the camera focus');
  }
  // Framing is judged only on a frame that is otherwise fine: in a dark or blurred frame the
  // item cannot be told from the background, and one reason at a time is what gets acted on.
  if (problems.length === 0) problems.push(...framingProblems(assessFraming(small, t.framing)));
  return { ok: problems.length === 0, problems, sharpness, meanLuma };
}
