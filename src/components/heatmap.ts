// Geometry and colour for drawing a model's coarse score map over the photo it came from.
import type { ScoreMap } from '../lib/core/check-result.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Where the model's square input lies over a width×height photo. "letterbox" squares the photo by
 * padding (the square overhangs the short side); "centre-crop" by cutting (the square sits inside).
 */
export function modelSquareOver(width: number, height: number, fit: 'letterbox' | 'centre-crop'): Rect {
  const side = fit === 'letterbox' ? Math.max(width, height) : Math.min(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, width: side, height: side };
}

/** Cells below this per-cell p(damage) are left clear, so an intact item shows its photo. */
export const HEAT_FLOOR = 0.1;

/**
 * Transparent below the floor, then yellow turning red and more opaque up to 0.5, beyond which
 * a cell is as marked as it gets: the models' cells rarely exceed ~0.3 even on a clear tear.
 */
export function heatColour(value: number): [number, number, number, number] {
  const v = Math.min(1, Math.max(0, value));
  if (v < HEAT_FLOOR) return [255, 220, 0, 0];
  const strength = Math.min(1, v / 0.5);
  return [255, Math.round(220 * (1 - strength)), 0, Math.round(60 + 150 * strength)];
}

/** Paints the map into an ImageData-sized RGBA buffer, one pixel per cell. */
export function heatPixels(map: ScoreMap): Uint8ClampedArray<ArrayBuffer> {
  const pixels = new Uint8ClampedArray(map.width * map.height * 4);
  map.values.forEach((value, i) => pixels.set(heatColour(value), i * 4));
  return pixels;
}

/** Names the area of the strongest score in words, for the photo's text alternative. */
export function hotspotWords(map: ScoreMap): string {
  let best = 0;
  for (let i = 1; i < map.values.length; i++) if (map.values[i] > map.values[best]) best = i;
  const column = (best % map.width) / Math.max(1, map.width - 1);
  const row = Math.floor(best / map.width) / Math.max(1, map.height - 1);
  const third = (t: number, [a, b, c]: [string, string, string]) => (t < 1 / 3 ? a : t > 2 / 3 ? c : b);
  const vertical = third(row, ['top', 'middle', 'bottom']);
  const horizontal = third(column, ['left', 'centre', 'right']);
  return vertical === 'middle' && horizontal === 'centre' ? 'the centre' : `the ${vertical} ${horizontal}`.replace('middle ', '');
}
