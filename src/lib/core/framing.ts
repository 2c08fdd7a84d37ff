// Is the item framed well enough to judge? Too small, and damage is a few pixels; cut off, and
// the damage may be on the part not shown. No detector model ships, so the item is found the
// way a person would on a plain background: whatever differs from the colour of the frame's
// outer ring. On a shelf, a hand or any clutter the ring is not one colour, and a close-up has
// the item in the ring itself: then the background cannot be told and nothing is said — a
// Retake for a good photo wastes the associate's time, so this check only speaks when sure.
import type { RgbaImage } from './image.ts';
import { resampleRgb } from './resample.ts';

export type Edge = 'top' | 'bottom' | 'left' | 'right';

export interface FramingThresholds {
  /** Longer side of the copy analysed (px): enough for framing, cheap at any camera resolution. */
  analysisSide: number;
  /** Width of the outer ring, as a fraction of the shorter side. */
  ringFraction: number;
  /** A pixel this far (RGB distance, 0..441) from the background colour is not background. */
  minColourDistance: number;
  /** A ring side with at least this fraction of background pixels shows only background. */
  cleanSide: number;
  /** A ring side with at least this fraction of item pixels has the item running off it. */
  touchedSide: number;
  /** The item's bounding box covering less than this fraction of the frame is too small. */
  minItemArea: number;
  /** Item components under this fraction of the frame are specks (dust, print), not the item. */
  minComponentArea: number;
}

export const DEFAULT_FRAMING_THRESHOLDS: FramingThresholds = {
  analysisSide: 96,
  ringFraction: 0.06,
  minColourDistance: 40,
  cleanSide: 0.97,
  touchedSide: 0.4,
  minItemArea: 0.1,
  minComponentArea: 0.002,
};

export interface FramingReport {
  /** null when the background could not be told from the item (cluttered, or a close-up). */
  background: [number, number, number] | null;
  /** Fraction of the frame covered by the item's bounding box; null without a background. */
  itemArea: number | null;
  /** Fraction of each side of the outer ring that is not background. */
  edgeCover: Record<Edge, number>;
  /** Edges the item runs off. */
  cutOff: Edge[];
  tooSmall: boolean;
}

const EDGES: Edge[] = ['top', 'bottom', 'left', 'right'];
const OPPOSITE: Record<Edge, Edge> = { top: 'bottom', bottom: 'top', left: 'right', right: 'left' };

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Bounding box of the 8-connected groups of `mask` larger than `minCells`. */
function itemBox(mask: Uint8Array, width: number, height: number, minCells: number) {
  const seen = new Uint8Array(mask.length);
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  const stack: number[] = [];
  const members: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || seen[start]) continue;
    members.length = 0;
    seen[start] = 1;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      members.push(i);
      const x = i % width, y = (i - x) / width;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
        const j = ny * width + nx;
        if (mask[j] && !seen[j]) {
          seen[j] = 1;
          stack.push(j);
        }
      }
    }
    if (members.length < minCells) continue;
    for (const i of members) {
      const x = i % width, y = (i - x) / width;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? null : { x0, y0, x1, y1 };
}

export function assessFraming(image: RgbaImage, t: FramingThresholds = DEFAULT_FRAMING_THRESHOLDS): FramingReport {
  const itemFraction: Record<Edge, number> = { top: 0, bottom: 0, left: 0, right: 0 };
  const silent: FramingReport = { background: null, itemArea: null, edgeCover: itemFraction, cutOff: [], tooSmall: false };
  const scale = Math.min(1, t.analysisSide / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const ring = Math.max(1, Math.round(t.ringFraction * Math.min(width, height)));
  if (Math.min(width, height) < 4 * ring + 4) return silent;
  const { data } = resampleRgb(image.data, image.width, { x: 0, y: 0, width: image.width, height: image.height }, width, height);
  const n = width * height;
  const px = (i: number): [number, number, number] => [data[i], data[n + i], data[2 * n + i]];

  const sideOf = (x: number, y: number): Edge[] => {
    const sides: Edge[] = [];
    if (y < ring) sides.push('top');
    if (y >= height - ring) sides.push('bottom');
    if (x < ring) sides.push('left');
    if (x >= width - ring) sides.push('right');
    return sides;
  };
  const ringPixels: number[] = [];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (sideOf(x, y).length) ringPixels.push(y * width + x);
  const background: [number, number, number] = [0, 1, 2].map((c) => median(ringPixels.map((i) => px(i)[c]))) as [number, number, number];
  const distance = (i: number) => Math.hypot(...px(i).map((v, c) => v - background[c]));

  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) mask[i] = distance(i) >= t.minColourDistance ? 1 : 0;
  const sideCount: Record<Edge, number> = { top: 0, bottom: 0, left: 0, right: 0 };
  for (const i of ringPixels) {
    for (const side of sideOf(i % width, Math.floor(i / width))) {
      sideCount[side]++;
      itemFraction[side] += mask[i];
    }
  }
  for (const side of EDGES) itemFraction[side] /= sideCount[side];

  const clean = EDGES.filter((s) => 1 - itemFraction[s] >= t.cleanSide);
  const touched = EDGES.filter((s) => itemFraction[s] >= t.touchedSide);
  // A background is only trusted when it is what most of the ring shows: three clean sides at
  // least, and the rest touched by the item (not a mess of both).
  if (clean.length < 3 || clean.length + touched.length < 4) return { ...silent, edgeCover: itemFraction };

  const box = itemBox(mask, width, height, Math.max(1, t.minComponentArea * n));
  if (!box) return { ...silent, edgeCover: itemFraction };
  const itemArea = ((box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1)) / n;
  // An item running off one edge whose opposite edge is plain background is cut off; one that
  // spans the frame edge to edge (a tight catalogue crop) is not, and is never touched here.
  const cutOff = touched.filter((s) => clean.includes(OPPOSITE[s]));
  return { background, itemArea, edgeCover: itemFraction, cutOff, tooSmall: cutOff.length === 0 && itemArea < t.minItemArea };
}

/** Retake reasons in words for a gloved associate with the item in one hand. */
export function framingProblems(report: FramingReport): string[] {
  if (report.cutOff.length) return [`Item is cut off at the ${report.cutOff.join(' and ')} edge: step back or centre it`];
  if (report.tooSmall) return ['Move closer: the item is too small in the picture'];
  return [];
}
