import { describe, expect, it } from 'vitest';
import { CELL_COLOUR_DIM, cellColours } from './cell-colour.ts';

const SPEC = { size: 8, mean: [0.5, 0.5, 0.5] as [number, number, number], std: [0.5, 0.5, 0.5] as [number, number, number] };

/** A model input (normalised NCHW) from a function of the pixel giving 8-bit RGB. */
function input(pixel: (x: number, y: number) => [number, number, number]): Float32Array {
  const plane = SPEC.size * SPEC.size;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < SPEC.size; y++) {
    for (let x = 0; x < SPEC.size; x++) {
      const rgb = pixel(x, y);
      for (let c = 0; c < 3; c++) out[c * plane + y * SPEC.size + x] = (rgb[c] / 255 - SPEC.mean[c]) / SPEC.std[c];
    }
  }
  return out;
}

const cell = (values: Float32Array, c: number) => Array.from(values.subarray(c * CELL_COLOUR_DIM, (c + 1) * CELL_COLOUR_DIM));

describe('cell colours', () => {
  it('gives the CIELAB of plain cells: white, black and a saturated red', () => {
    const colours = cellColours(input((x, y) => (y < 4 ? (x < 4 ? [255, 255, 255] : [0, 0, 0]) : [255, 0, 0])), SPEC, [2, 2]);
    const [white, black, red] = [cell(colours, 0), cell(colours, 1), cell(colours, 2)];
    expect(white[0]).toBeCloseTo(100, 0);
    expect(Math.abs(white[1]) + Math.abs(white[2])).toBeLessThan(1);
    expect(black[0]).toBeCloseTo(0, 1);
    // sRGB red is L* 53.2, a* 80.1, b* 67.2.
    expect(red[0]).toBeCloseTo(53.2, 0);
    expect(red[1]).toBeCloseTo(80.1, 0);
    expect(red[2]).toBeCloseTo(67.2, 0);
    for (const c of [white, black, red]) expect(c[3]).toBeCloseTo(0, 3);
  });

  it('measures contrast as the spread of lightness within a cell', () => {
    const stripes = cellColours(input((x) => (x % 2 ? [255, 255, 255] : [0, 0, 0])), SPEC, [1, 1]);
    // Half L* 100, half L* 0: mean 50, standard deviation 50.
    expect(stripes[0]).toBeCloseTo(50, 0);
    expect(stripes[3]).toBeCloseTo(50, 0);
  });

  it('refuses an input of the wrong size', () => {
    expect(() => cellColours(new Float32Array(10), SPEC, [2, 2])).toThrow(/expected 3×8×8/);
  });
});
