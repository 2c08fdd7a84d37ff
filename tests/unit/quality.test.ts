import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/lib/core/image.ts';
import { assessFraming } from '../../src/lib/core/framing.ts';
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

/**
 * A printed box (fractions of the frame; may extend beyond it) on a plain, softly shaded
 * surface, or on a cluttered one (blocks of unrelated colours, like a shelf of other products).
 */
function placedBox(box: { x0: number; y0: number; x1: number; y1: number }, surface: 'plain' | 'cluttered', width = 320, height = 240): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  const clutter = [[200, 40, 40], [30, 120, 200], [240, 220, 60], [40, 40, 40], [90, 180, 90], [230, 230, 230]];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const fx = x / width, fy = y / height;
    let rgb: number[];
    if (fx >= box.x0 && fx < box.x1 && fy >= box.y0 && fy < box.y1) {
      const print = Math.floor(y / 6) % 3 === 0 && Math.floor(x / 4) % 2 === 0;
      rgb = print ? [30, 30, 60] : [235, 225, 200];
    } else if (surface === 'plain') {
      const shade = 110 + 20 * fy;
      rgb = [shade, shade * 0.97, shade * 0.9];
    } else {
      rgb = clutter[(Math.floor(x / 23) * 7 + Math.floor(y / 31) * 3) % clutter.length];
    }
    data.set([...rgb, 255], (y * width + x) * 4);
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

  it('asks to move closer when the item is small in a corner of a plain background', () => {
    const q = assessQuality(placedBox({ x0: 0.08, y0: 0.1, x1: 0.22, y1: 0.35 }, 'plain'));
    expect(q.problems).toEqual(['Move closer: the item is too small in the picture']);
    const report = assessFraming(placedBox({ x0: 0.08, y0: 0.1, x1: 0.22, y1: 0.35 }, 'plain'));
    expect(report.itemArea).toBeGreaterThan(0.02);
    expect(report.itemArea).toBeLessThan(0.06);
  });

  it('says which edge an item half out of the frame is cut off at', () => {
    expect(assessQuality(placedBox({ x0: -0.25, y0: 0.2, x1: 0.25, y1: 0.8 }, 'plain')).problems).toEqual(['Item is cut off at the left edge: step back or centre it']);
    expect(assessQuality(placedBox({ x0: 0.75, y0: 0.2, x1: 1.25, y1: 0.8 }, 'plain')).problems).toEqual(['Item is cut off at the right edge: step back or centre it']);
    expect(assessQuality(placedBox({ x0: 0.25, y0: 0.55, x1: 0.75, y1: 1.3 }, 'plain')).problems).toEqual(['Item is cut off at the bottom edge: step back or centre it']);
  });

  it('keeps well-framed items, tight catalogue crops and close-ups', () => {
    expect(assessQuality(placedBox({ x0: 0.25, y0: 0.15, x1: 0.75, y1: 0.85 }, 'plain')).problems).toEqual([]);
    // Edge to edge top to bottom, plain sides: a tight crop, not a cut-off.
    expect(assessQuality(placedBox({ x0: 0.3, y0: -0.1, x1: 0.7, y1: 1.1 }, 'plain')).problems).toEqual([]);
    // Filling the frame: no background to tell the item from, so nothing is said.
    const closeUp = assessFraming(placedBox({ x0: -0.1, y0: -0.1, x1: 1.1, y1: 1.1 }, 'plain'));
    expect(closeUp.background).toBeNull();
    expect(assessQuality(placedBox({ x0: -0.1, y0: -0.1, x1: 1.1, y1: 1.1 }, 'plain')).problems).toEqual([]);
  });

  it('stays silent on a cluttered background, where the item cannot be told apart', () => {
    const small = placedBox({ x0: 0.08, y0: 0.1, x1: 0.22, y1: 0.35 }, 'cluttered');
    expect(assessFraming(small).background).toBeNull();
    expect(assessQuality(small).problems).toEqual([]);
    expect(assessQuality(placedBox({ x0: -0.25, y0: 0.2, x1: 0.25, y1: 0.8 }, 'cluttered')).problems).toEqual([]);
  });

  it('computes the Laplacian variance of a known pattern', () => {
    // A single bright pixel at the centre of a 3×3: one interior Laplacian value of −4·9 = −36.
    expect(laplacianVariance(Float32Array.from([0, 0, 0, 0, 9, 0, 0, 0, 0]), 3, 3)).toBe(0);
    // On 4×3 the two interior values are −36 and 9: variance = ((−36 + 13.5)² + (9 + 13.5)²) / 2.
    expect(laplacianVariance(Float32Array.from([0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0]), 4, 3)).toBeCloseTo(506.25, 6);
  });
});
