// The units of a multipack are identical and laid out in a grid. A present unit's patches repeat,
// slot for slot, in the other units and in the units of the product's reference photos; an empty
// slot's do not. The grid (rows × cols = units) is a property of the product, so it is found on
// the references, which are complete packs: the layout under which their slots repeat best.
import type { PatchSet } from './patch-anomaly.ts';

export interface Layout {
  rows: number;
  cols: number;
}

/** Unit-length patch rows, and the bounding box of the image cells (letterbox excluded). */
interface Prepared {
  unit: Float32Array;
  dim: number;
  box: { y0: number; x0: number; h: number; w: number } | null;
}

function prepare(set: PatchSet, grid: [number, number]): Prepared {
  const [gh, gw] = grid;
  const cells = gh * gw;
  const dim = set.features.length / cells;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`${set.features.length} patch values do not fit a ${gh}×${gw} grid`);
  const unit = new Float32Array(cells * dim);
  let y0 = gh, y1 = -1, x0 = gw, x1 = -1;
  for (let c = 0; c < cells; c++) {
    let n = 0;
    for (let k = 0; k < dim; k++) n += set.features[c * dim + k] ** 2;
    n = Math.sqrt(n) || 1;
    for (let k = 0; k < dim; k++) unit[c * dim + k] = set.features[c * dim + k] / n;
    if (set.valid && !set.valid[c]) continue;
    const y = Math.floor(c / gw), x = c % gw;
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
  }
  return { unit, dim, box: y1 < 0 ? null : { y0, x0, h: y1 - y0 + 1, w: x1 - x0 + 1 } };
}

/** Per slot (row-major), its cells in aligned order; null when a slot would be under 2×2 cells. */
function slotCells(p: Prepared, gw: number, { rows, cols }: Layout): Int32Array[] | null {
  if (!p.box) return null;
  const { y0, x0, h, w } = p.box;
  const sh = Math.floor(h / rows), sw = Math.floor(w / cols);
  if (sh < 2 || sw < 2) return null;
  return Array.from({ length: rows * cols }, (_, k) => {
    const r = Math.floor(k / cols), c = k % cols;
    const out = new Int32Array(sh * sw);
    for (let u = 0; u < sh; u++) for (let v = 0; v < sw; v++) {
      // The centre of the (u, v)-th share of the slot, so slots of fractional size still align.
      const y = y0 + Math.min(h - 1, Math.floor(((r + (u + 0.5) / sh) * h) / rows));
      const x = x0 + Math.min(w - 1, Math.floor(((c + (v + 0.5) / sw) * w) / cols));
      out[u * sw + v] = y * gw + x;
    }
    return out;
  });
}

/** Mean cosine similarity of aligned patches of two slots (same layout, so same cell count). */
function alignedSimilarity(a: Prepared, slotA: Int32Array, b: Prepared, slotB: Int32Array): number {
  let s = 0;
  for (let i = 0; i < slotA.length; i++) {
    const ia = slotA[i] * a.dim, ib = slotB[i] * b.dim;
    for (let k = 0; k < a.dim; k++) s += a.unit[ia + k] * b.unit[ib + k];
  }
  return s / slotA.length;
}

const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;

/**
 * How well the slots of one complete pack repeat under a layout: over all slot pairs, how much
 * more alike aligned patches are than patches half a slot apart. Raw aligned similarity would
 * favour thin strips across several units (every strip looks like every other one); the
 * contrast only rewards a layout whose cells line up with the units.
 */
function repeatScore(p: Prepared, slots: Int32Array[]): number {
  const sims: number[] = [];
  for (let a = 0; a < slots.length; a++) {
    const shift = Math.floor(slots[a].length / 2);
    const shifted = Int32Array.from(slots[a], (_, i) => slots[a][(i + shift) % slots[a].length]);
    for (let b = a + 1; b < slots.length; b++) sims.push(alignedSimilarity(p, slots[a], p, slots[b]) - alignedSimilarity(p, shifted, p, slots[b]));
  }
  return mean(sims);
}

export function layoutsOf(units: number): Layout[] {
  const out: Layout[] = [];
  for (let rows = 1; rows <= units; rows++) if (units % rows === 0) out.push({ rows, cols: units / rows });
  return out;
}

/**
 * The layout under which the product's references (complete packs) repeat best, with that
 * repeat score; null without references or when no layout leaves slots of at least 2×2 cells.
 */
export function productLayout(references: readonly PatchSet[], grid: [number, number], units: number): { layout: Layout; repeat: number } | null {
  const prepared = references.map((r) => prepare(r, grid));
  let best: { layout: Layout; repeat: number } | null = null;
  for (const layout of layoutsOf(units)) {
    const scores = prepared.flatMap((p) => {
      const slots = slotCells(p, grid[1], layout);
      return slots ? [repeatScore(p, slots)] : [];
    });
    if (scores.length === 0) continue;
    const repeat = mean(scores);
    if (!best || repeat > best.repeat) best = { layout, repeat };
  }
  return best;
}

export interface SlotPresence {
  /** Per slot: the best aligned similarity with any unit of any reference (is this a unit of the product?). */
  referenceSimilarity: number[];
  /** Per slot: the best aligned similarity with another slot of the same pack. */
  twinSimilarity: number[];
}

/** How much each slot of the query looks like a unit of the product; null if the layout does not fit. */
export function slotPresence(query: PatchSet, references: readonly PatchSet[], grid: [number, number], layout: Layout): SlotPresence | null {
  const q = prepare(query, grid);
  const qSlots = slotCells(q, grid[1], layout);
  if (!qSlots) return null;
  const refs = references.map((r) => prepare(r, grid)).flatMap((p) => {
    const slots = slotCells(p, grid[1], layout);
    return slots ? [{ p, slots }] : [];
  });
  const referenceSimilarity = qSlots.map((s) => Math.max(-1, ...refs.flatMap(({ p, slots }) => slots.map((rs) => alignedSimilarity(q, s, p, rs)))));
  const twinSimilarity = qSlots.map((s, a) => Math.max(-1, ...qSlots.filter((_, b) => b !== a).map((t) => alignedSimilarity(q, s, q, t))));
  return { referenceSimilarity, twinSimilarity };
}
