// Separable resampling of RGBA images into float RGB planes.
//
// Downscaling uses exact area averaging: every output pixel is the mean of the source area it
// covers, with fractional weights at the borders. Point or bilinear sampling would alias (moiré
// on printed packaging, lost thin tears) and make the result depend on the camera's resolution.
// Upscaling (rare: tiny inputs are usually rejected by the quality check first) uses a bilinear
// (triangle) filter with the same machinery.

/** For one output index: the first source index it reads and the weights of consecutive sources. */
interface Taps {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  /** Offset of each output index's weights in `weights`. */
  offset: Int32Array;
}

export function axisTaps(srcLength: number, dstLength: number): Taps {
  if (!(srcLength > 0 && dstLength > 0)) throw new RangeError(`cannot resample ${srcLength} → ${dstLength}`);
  const scale = srcLength / dstLength;
  const start = new Int32Array(dstLength);
  const count = new Int32Array(dstLength);
  const offset = new Int32Array(dstLength);
  const all: number[] = [];
  for (let i = 0; i < dstLength; i++) {
    offset[i] = all.length;
    if (scale >= 1) {
      const lo = i * scale;
      const hi = lo + scale;
      const first = Math.floor(lo);
      const last = Math.min(srcLength - 1, Math.ceil(hi) - 1);
      start[i] = first;
      for (let s = first; s <= last; s++) {
        const overlap = Math.min(hi, s + 1) - Math.max(lo, s);
        all.push(overlap / scale);
      }
      count[i] = last - first + 1;
    } else {
      // Pixel centres aligned (half-pixel convention, like OpenCV/PIL).
      const centre = (i + 0.5) * scale - 0.5;
      const left = Math.floor(centre);
      const frac = centre - left;
      const a = Math.min(srcLength - 1, Math.max(0, left));
      const b = Math.min(srcLength - 1, Math.max(0, left + 1));
      start[i] = a;
      if (a === b) {
        all.push(1);
        count[i] = 1;
      } else {
        all.push(1 - frac, frac);
        count[i] = 2;
      }
    }
  }
  return { start, count, weights: Float32Array.from(all), offset };
}

export interface RgbPlanes {
  width: number;
  height: number;
  /** Three planes (R, G, B) of width*height, values in [0, 255]. */
  data: Float32Array;
}

/**
 * Resamples the rectangle (sx, sy, sw, sh) of an RGBA buffer to dw×dh float RGB planes.
 * Alpha is ignored: camera frames and decoded photos are opaque.
 */
export function resampleRgb(
  rgba: ArrayLike<number>,
  srcWidth: number,
  region: { x: number; y: number; width: number; height: number },
  dstWidth: number,
  dstHeight: number,
): RgbPlanes {
  const { x: sx, y: sy, width: sw, height: sh } = region;
  const tx = axisTaps(sw, dstWidth);
  const ty = axisTaps(sh, dstHeight);
  // Horizontal pass first: sh rows × dstWidth columns × 3 channels, interleaved.
  const mid = new Float32Array(sh * dstWidth * 3);
  for (let y = 0; y < sh; y++) {
    const rowBase = ((sy + y) * srcWidth + sx) * 4;
    const midBase = y * dstWidth * 3;
    for (let i = 0; i < dstWidth; i++) {
      let r = 0, g = 0, b = 0;
      const o = tx.offset[i];
      let p = rowBase + tx.start[i] * 4;
      for (let k = 0; k < tx.count[i]; k++, p += 4) {
        const w = tx.weights[o + k];
        r += rgba[p] * w;
        g += rgba[p + 1] * w;
        b += rgba[p + 2] * w;
      }
      const m = midBase + i * 3;
      mid[m] = r;
      mid[m + 1] = g;
      mid[m + 2] = b;
    }
  }
  const plane = dstWidth * dstHeight;
  const out = new Float32Array(plane * 3);
  for (let j = 0; j < dstHeight; j++) {
    const o = ty.offset[j];
    for (let i = 0; i < dstWidth; i++) {
      let r = 0, g = 0, b = 0;
      let m = (ty.start[j] * dstWidth + i) * 3;
      for (let k = 0; k < ty.count[j]; k++, m += dstWidth * 3) {
        const w = ty.weights[o + k];
        r += mid[m] * w;
        g += mid[m + 1] * w;
        b += mid[m + 2] * w;
      }
      const q = j * dstWidth + i;
      out[q] = r;
      out[plane + q] = g;
      out[2 * plane + q] = b;
    }
  }
  return { width: dstWidth, height: dstHeight, data: out };
}
