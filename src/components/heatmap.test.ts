import { describe, expect, it } from 'vitest';
import { heatColour, heatPixels, hotspotWords, modelSquareOver } from './heatmap.ts';

const map = (width: number, height: number, hot: number) => {
  const values = new Float32Array(width * height).fill(0.1);
  values[hot] = 0.9;
  return { width, height, values };
};

describe('modelSquareOver', () => {
  it('letterboxing a portrait photo overhangs its sides', () => {
    expect(modelSquareOver(300, 400, 'letterbox')).toEqual({ x: -50, y: 0, width: 400, height: 400 });
  });
  it('centre-cropping a landscape photo sits inside it', () => {
    expect(modelSquareOver(400, 300, 'centre-crop')).toEqual({ x: 50, y: 0, width: 300, height: 300 });
  });
});

describe('heat colours', () => {
  it('leaves quiet cells transparent and makes hot cells red and opaque', () => {
    expect(heatColour(0.05)[3]).toBe(0);
    expect(heatColour(1)).toEqual([255, 0, 0, 210]);
    expect(heatColour(0.5)).toEqual([255, 0, 0, 210]);
    expect(heatColour(0.25)[3]).toBeGreaterThan(heatColour(0.12)[3]);
    expect(heatColour(0.25)[1]).toBeGreaterThan(0);
  });
  it('paints one RGBA pixel per cell', () => {
    const pixels = heatPixels(map(3, 2, 4));
    expect(pixels).toHaveLength(24);
    expect(Array.from(pixels.slice(16, 20))).toEqual(heatColour(0.9));
  });
});

describe('hotspotWords', () => {
  it('names corners, edges and the centre of a 7×7 map', () => {
    expect(hotspotWords(map(7, 7, 0))).toBe('the top left');
    expect(hotspotWords(map(7, 7, 24))).toBe('the centre');
    expect(hotspotWords(map(7, 7, 48))).toBe('the bottom right');
    expect(hotspotWords(map(7, 7, 21))).toBe('the left');
  });
});
