// A packaging colour signature: how much of the item's central region falls in each hue ×
// saturation × value bin (plus a few grey bins for unsaturated pixels), as a unit vector of
// square-rooted proportions, so a dot product of two signatures is their Bhattacharyya
// coefficient.
//
// Why: the learned embedding separates a juice carton from a yoghurt pot well but confuses
// flavours of one brand (orange vs red-grapefruit God Morgon, Arla standard vs medium-fat
// milk), which differ mostly by the colour of their print. Hue is insensitive to brightness,
// so the signature survives the lighting changes of a store floor better than raw RGB; a
// white-balance (grey-world) correction was measured and lowered catalogue-image matching,
// so there is none.
import type { RgbaImage } from './image.ts';

export interface ColourSignatureSpec {
  hueBins: number;
  saturationBins: number;
  valueBins: number;
  greyBins: number;
  /** Fraction of the width/height left out on each side: the edges are mostly shelf or floor. */
  margin: number;
  /** Pixels below this saturation (or darker than MIN_VALUE) count by brightness only. */
  minSaturation: number;
}

/** Darker pixels have no reliable hue. */
const MIN_VALUE = 0.15;
/** At most this many pixels per side are sampled: a 12 MP photo costs the same as a thumbnail. */
const MAX_SAMPLES_PER_SIDE = 160;

export const colourSignatureLength = (s: ColourSignatureSpec): number => s.hueBins * s.saturationBins * s.valueBins + s.greyBins;

export function colourSignature(image: RgbaImage, spec: ColourSignatureSpec): Float32Array {
  const { width, height, data } = image;
  const chromatic = spec.hueBins * spec.saturationBins * spec.valueBins;
  const bins = new Float32Array(chromatic + spec.greyBins);
  const x0 = Math.floor(width * spec.margin), x1 = Math.max(x0 + 1, Math.ceil(width * (1 - spec.margin)));
  const y0 = Math.floor(height * spec.margin), y1 = Math.max(y0 + 1, Math.ceil(height * (1 - spec.margin)));
  const nx = Math.min(MAX_SAMPLES_PER_SIDE, x1 - x0), ny = Math.min(MAX_SAMPLES_PER_SIDE, y1 - y0);
  const satSpan = 1 - spec.minSaturation;
  for (let sy = 0; sy < ny; sy++) {
    const y = y0 + Math.floor(((sy + 0.5) * (y1 - y0)) / ny);
    for (let sx = 0; sx < nx; sx++) {
      const x = x0 + Math.floor(((sx + 0.5) * (x1 - x0)) / nx);
      const i = (y * width + x) * 4;
      const r = data[i] / 255, g = data[i + 1] / 255, b = data[i + 2] / 255;
      const max = Math.max(r, g, b), delta = max - Math.min(r, g, b);
      const saturation = max > 0 ? delta / max : 0;
      if (saturation < spec.minSaturation || max < MIN_VALUE) {
        bins[chromatic + Math.min(spec.greyBins - 1, Math.floor(max * spec.greyBins))] += 1;
        continue;
      }
      let hue = max === r ? ((g - b) / delta) % 6 : max === g ? (b - r) / delta + 2 : (r - g) / delta + 4;
      if (hue < 0) hue += 6;
      const h = Math.min(spec.hueBins - 1, Math.floor((hue / 6) * spec.hueBins));
      const s = Math.min(spec.saturationBins - 1, Math.floor(((saturation - spec.minSaturation) / satSpan) * spec.saturationBins));
      const v = Math.min(spec.valueBins - 1, Math.floor(max * spec.valueBins));
      bins[(h * spec.saturationBins + s) * spec.valueBins + v] += 1;
    }
  }
  const total = nx * ny;
  for (let k = 0; k < bins.length; k++) bins[k] = Math.sqrt(bins[k] / total);
  return bins;
}
