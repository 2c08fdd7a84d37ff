// Where on the item a score map peaks, in the words an associate uses ("upper left corner",
// "top edge", "centre"), and how much of the item it covers. The map covers the analysed crop,
// so "edge" means the outer band of the crop, which for a box or bottle is its outline.
import type { ScoreMap } from '../check-result.ts';

export type Zone = 'corner' | 'edge' | 'centre';

export interface MapPeak {
  /** Peak cell centre, normalised to [0, 1] across the crop (0 = left / top). */
  x: number;
  y: number;
  value: number;
  zone: Zone;
  /** "upper left corner", "top edge", "centre"… */
  place: string;
  /** Fraction of cells at or above the cell threshold (at least the peak cell's share). */
  area: number;
}

/** Normalised position → zone and words; `margin` is the width of the outer band (fraction of the side). */
export function describePlace(x: number, y: number, margin = 0.25): { zone: Zone; place: string } {
  const col = x < margin ? 'left' : x > 1 - margin ? 'right' : null;
  const row = y < margin ? 'top' : y > 1 - margin ? 'bottom' : null;
  if (col && row) return { zone: 'corner', place: `${row === 'top' ? 'upper' : 'lower'} ${col} corner` };
  if (row) return { zone: 'edge', place: `${row} edge` };
  if (col) return { zone: 'edge', place: `${col} side` };
  return { zone: 'centre', place: 'centre' };
}

/** The map's peak and extent; null for an empty map or one with NaN values. */
export function mapPeak(map: ScoreMap, cellThreshold = 0.5, margin = 0.25): MapPeak | null {
  const n = map.width * map.height;
  if (n === 0 || map.values.length < n) return null;
  let best = 0;
  let above = 0;
  for (let i = 0; i < n; i++) {
    const v = map.values[i];
    if (Number.isNaN(v)) return null;
    if (v > map.values[best]) best = i;
    if (v >= cellThreshold) above++;
  }
  const x = ((best % map.width) + 0.5) / map.width;
  const y = (Math.floor(best / map.width) + 0.5) / map.height;
  return { x, y, value: map.values[best], ...describePlace(x, y, margin), area: Math.max(above, 1) / n };
}
