// Per-cell appearance of the model input, on the same grid as the model's patch features, for
// the comparison with references (core/patch-anomaly.ts). A patch feature trained to name
// products and see crush damage may map a pale stain or a strip of bare board onto a plain
// printed area it already knows; the cell's colour (CIELAB mean) and local contrast (spread of
// lightness) do not. Computed from the preprocessed input tensor, so the app and the CLI see
// exactly the pixels the model saw, letterbox and all.
import type { ModelInputSpec } from './model-manifest.ts';

/** Values per cell: L*, a*, b* means and the standard deviation of L*. */
export const CELL_COLOUR_DIM = 4;

const toLinear = Float32Array.from({ length: 256 }, (_, v) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
});

// D65 white; the cube root's linear toe below (6/29)³ as in the CIE definition.
const labF = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);

/**
 * Lab means and lightness spread of every cell of a gh×gw grid over the model input
 * (float32 NCHW [1, 3, size, size], normalised per `spec`), row-major, CELL_COLOUR_DIM values
 * per cell.
 */
export function cellColours(input: Float32Array, spec: Pick<ModelInputSpec, 'size' | 'mean' | 'std'>, grid: [number, number]): Float32Array {
  const size = spec.size;
  const plane = size * size;
  if (input.length < 3 * plane) throw new RangeError(`model input has ${input.length} values, expected 3×${size}×${size}`);
  const [gh, gw] = grid;
  const sums = new Float64Array(gh * gw * 5);
  const rowCell = Int32Array.from({ length: size }, (_, y) => Math.min(gh - 1, Math.floor((y * gh) / size)));
  const colCell = Int32Array.from({ length: size }, (_, x) => Math.min(gw - 1, Math.floor((x * gw) / size)));
  const byte = (c: number, i: number) => {
    const v = Math.round((input[c * plane + i] * spec.std[c] + spec.mean[c]) * 255);
    return v < 0 ? 0 : v > 255 ? 255 : v;
  };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = y * size + x;
      const r = toLinear[byte(0, i)], g = toLinear[byte(1, i)], b = toLinear[byte(2, i)];
      const fx = labF((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
      const fy = labF(0.2126 * r + 0.7152 * g + 0.0722 * b);
      const fz = labF((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
      const lightness = 116 * fy - 16;
      const s = (rowCell[y] * gw + colCell[x]) * 5;
      sums[s] += lightness;
      sums[s + 1] += 500 * (fx - fy);
      sums[s + 2] += 200 * (fy - fz);
      sums[s + 3] += lightness * lightness;
      sums[s + 4]++;
    }
  }
  const out = new Float32Array(gh * gw * CELL_COLOUR_DIM);
  for (let c = 0; c < gh * gw; c++) {
    const n = sums[c * 5 + 4] || 1;
    const mean = sums[c * 5] / n;
    out[c * CELL_COLOUR_DIM] = mean;
    out[c * CELL_COLOUR_DIM + 1] = sums[c * 5 + 1] / n;
    out[c * CELL_COLOUR_DIM + 2] = sums[c * 5 + 2] / n;
    out[c * CELL_COLOUR_DIM + 3] = Math.sqrt(Math.max(0, sums[c * 5 + 3] / n - mean * mean));
  }
  return out;
}
