import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/lib/core/image.ts';
import type { ModelInputSpec } from '../../src/lib/core/model-manifest.ts';
import { imageCells, placeImage, preprocess } from '../../src/lib/core/preprocess.ts';
import { axisTaps, resampleRgb } from '../../src/lib/core/resample.ts';

function rgba(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const [r, g, b] = pixel(x, y);
    data.set([r, g, b, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

const identitySpec = (size: number, fit?: 'letterbox' | 'centre-crop'): ModelInputSpec => ({ name: 'input', size, layout: 'NCHW', mean: [0, 0, 0], std: [1, 1, 1], fit });

describe('resampling', () => {
  it('area-averages an exact 2× downscale', () => {
    const img = rgba(4, 2, (x, y) => [x * 10 + y, 100, 200 - x]);
    const out = resampleRgb(img.data, 4, { x: 0, y: 0, width: 4, height: 2 }, 2, 1);
    // red of output 0 = mean of x∈{0,1}, y∈{0,1} = (0+1+10+11)/4
    expect(Array.from(out.data)).toEqual([5.5, 25.5, 100, 100, 199.5, 197.5]);
  });

  it('weights partially covered source pixels by their overlap (3 → 2)', () => {
    const taps = axisTaps(3, 2);
    // output 0 covers source [0, 1.5): pixel 0 fully, pixel 1 half → weights 1/1.5, 0.5/1.5
    expect(taps.start[0]).toBe(0);
    expect(Array.from(taps.weights.slice(0, 2))).toEqual([expect.closeTo(2 / 3, 6), expect.closeTo(1 / 3, 6)]);
    expect(taps.start[1]).toBe(1);
    const img = rgba(3, 1, (x) => [[0, 30, 90][x], 0, 0]);
    const out = resampleRgb(img.data, 3, { x: 0, y: 0, width: 3, height: 1 }, 2, 1);
    expect(out.data[0]).toBeCloseTo(10, 4);
    expect(out.data[1]).toBeCloseTo(70, 4);
  });

  it('keeps the mean of a large random image when downscaling by a non-integer factor', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256);
    const img = rgba(97, 61, () => [rand(), rand(), rand()]);
    let mean = 0;
    for (let i = 0; i < 97 * 61; i++) mean += img.data[i * 4];
    mean /= 97 * 61;
    const out = resampleRgb(img.data, 97, { x: 0, y: 0, width: 97, height: 61 }, 13, 9);
    const outMean = out.data.slice(0, 13 * 9).reduce((a, b) => a + b, 0) / (13 * 9);
    expect(outMean).toBeCloseTo(mean, 0);
  });
});

describe('preprocess', () => {
  it('turns known pixels into the known NCHW tensor with mean/std normalisation', () => {
    const img = rgba(2, 2, (x, y) => [[0, 255][x], [51, 102][y], 255]);
    const spec: ModelInputSpec = { name: 'input', size: 2, layout: 'NCHW', mean: [0.5, 0.2, 0], std: [0.5, 0.2, 1] };
    const t = preprocess(img, spec);
    expect(t.dims).toEqual([1, 3, 2, 2]);
    const expected = [
      -1, 1, -1, 1, // R: (0/255 − .5)/.5 = −1, (1 − .5)/.5 = 1
      0, 0, 1, 1, // G: (.2 − .2)/.2 = 0, (.4 − .2)/.2 = 1
      1, 1, 1, 1, // B: 1
    ];
    Array.from(t.data).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
  });

  it('normalises with the training pipeline\'s float32 arithmetic, bit for bit', () => {
    // Every byte value once: a 256×1 image at its own size is resampled with weight 1.
    const img = rgba(256, 1, (x) => [x, 255 - x, x]);
    const t = preprocess(img, { name: 'input', size: 256, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    // models/pipeline/features.py: torch float32 `x / 127.5 - 1.0`
    const row = t.placement.target.y * 256;
    for (let p = 0; p < 256; p++) expect(t.data[row + p]).toBe(Math.fround(Math.fround(p / 127.5) - 1));
  });

  it('letterboxes a wide image: content centred, padding exactly 0 after normalisation', () => {
    const img = rgba(4, 2, () => [255, 255, 255]);
    const t = preprocess(img, { name: 'input', size: 4, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] });
    expect(t.placement.target).toEqual({ x: 0, y: 1, width: 4, height: 2 });
    const red = Array.from(t.data.slice(0, 16));
    expect(red).toEqual([0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0]);
  });

  it('centre-crops when the model asks for it', () => {
    const img = rgba(6, 2, (x) => [x * 40, 0, 0]);
    const t = preprocess(img, identitySpec(2, 'centre-crop'));
    expect(t.placement.source).toEqual({ x: 2, y: 0, width: 2, height: 2 });
    expect(t.data[0] * 255).toBeCloseTo(80, 3);
    expect(t.data[1] * 255).toBeCloseTo(120, 3);
  });

  it('rejects a buffer that does not match its dimensions', () => {
    expect(() => preprocess({ width: 10, height: 10, data: new Uint8Array(12) }, identitySpec(4))).toThrow(/not a valid RGBA image/);
  });

  it('marks letterbox padding cells so they are not compared', () => {
    const placement = placeImage(400, 100, 224, 'letterbox');
    const cells = imageCells(placement, 224, [4, 4]);
    // 224×56 content centred vertically: rows 1 and 2 half covered each (y 84..140 over 56-px rows)
    expect(cells.filter(Boolean).length).toBe(8);
    expect(cells.slice(0, 4)).toEqual([false, false, false, false]);
    expect(cells.slice(4, 8)).toEqual([true, true, true, true]);
  });
});
