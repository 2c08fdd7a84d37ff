import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/lib/core/image.ts';
import { assessQuality, laplacianVariance } from '../../src/lib/core/quality.ts';

// A synthetic "package": printed text-like bars and edges over a mid-grey box, on a darker shelf.
function packageScene(width: number, height: number, exposure = 1): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const inBox = x > width * 0.2 && x < width * 0.8 && y > height * 0.15 && y < height * 0.85;
    let v = inBox ? 170 : 70;
    if (inBox && Math.floor(y / 6) % 3 === 0 && Math.floor(x / 4) % 2 === 0) v = 30; // "print"
    v *= exposure;
    data.set([v, v * 0.95, v * 0.9, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

/** Repeated 5-tap box blur, a stand-in for defocus. */
function blur(img: RgbaImage, passes: number): RgbaImage {
  let src = Uint8ClampedArray.from(img.data);
  const { width, height } = img;
  for (let p = 0; p < passes; p++) {
    const dst = new Uint8ClampedArray(src.length);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) for (let c = 0; c < 4; c++) {
      let s = 0, n = 0;
      for (let d = -2; d <= 2; d++) {
        const xx = Math.min(width - 1, Math.max(0, x + d)), yy = Math.min(height - 1, Math.max(0, y + d));
        s += src[(y * width + xx) * 4 + c] + src[(yy * width + x) * 4 + c];
        n += 2;
      }
      dst[(y * width + x) * 4 + c] = s / n;
    }
    src = dst;
  }
  return { width, height, data: src };
}

describe('image quality', () => {
  it('passes a sharp, well-exposed frame', () => {
    const q = assessQuality(packageScene(320, 240));
    expect(q.problems).toEqual([]);
    expect(q.ok).toBe(true);
  });

  it('flags the same frame blurred, and measures it as much less sharp', () => {
    const sharp = packageScene(320, 240);
    const blurred = blur(sharp, 8);
    const qs = assessQuality(sharp), qb = assessQuality(blurred);
    expect(qb.sharpness).toBeLessThan(qs.sharpness / 10);
    expect(qb.ok).toBe(false);
    expect(qb.problems.join()).toMatch(/blurry/);
  });

  it('flags a dark frame as too dark', () => {
    const q = assessQuality(packageScene(320, 240, 0.15));
    expect(q.ok).toBe(false);
    expect(q.problems).toEqual(['image too dark: add light or turn on the torch']);
  });

  it('flags a washed-out frame as too bright but keeps a white-background catalogue shot', () => {
    const fog = packageScene(320, 240);
    for (let i = 0; i < fog.data.length; i += 4) for (let c = 0; c < 3; c++) fog.data[i + c] = 0.15 * fog.data[i + c] + 0.85 * 255;
    expect(assessQuality(fog).problems.join()).toMatch(/too bright/);
    const catalogue = packageScene(320, 240);
    for (let y = 0; y < 240; y++) for (let x = 0; x < 320; x++) {
      if (x > 64 && x < 256 && y > 36 && y < 204) continue;
      catalogue.data.set([255, 255, 255], (y * 320 + x) * 4);
    }
    expect(assessQuality(catalogue).ok).toBe(true);
  });

  it('reports a 1×1 image as too small without crashing', () => {
    const q = assessQuality({ width: 1, height: 1, data: new Uint8Array([10, 20, 30, 255]) });
    expect(q.ok).toBe(false);
    expect(q.problems[0]).toMatch(/too small \(1×1 px/);
  });

  it('reports a uniform frame as showing no item', () => {
    const data = new Uint8ClampedArray(200 * 200 * 4).fill(128);
    expect(assessQuality({ width: 200, height: 200, data }).problems).toEqual(['no item visible: the frame is nearly uniform']);
  });

  it('computes the Laplacian variance of a known pattern', () => {
    // A single bright pixel at the centre of a 3×3: one interior Laplacian value of −4·9 = −36.
    expect(laplacianVariance(Float32Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0]), 3, 3)).toBe(0);
    // On 4×3 the two interior values are −36 and 9: variance = ((−36 + 13.5)² + (9 + 13.5)²) / 2.
    expect(laplacianVariance(Float32Array.from([0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0]), 4, 3)).toBeCloseTo(506.25, 6);
  });
});
