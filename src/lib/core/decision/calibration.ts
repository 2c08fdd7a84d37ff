// Maps the fused score (a logit on an arbitrary scale) to a probability that means what it says:
// of items scored 0.8, about 80 % really are damaged. Platt scaling fits a sigmoid (2 parameters,
// fine for small sets); isotonic regression fits any monotone step shape (needs more data).
import { fitLogistic, sigmoid } from './logistic.ts';

export type Calibrator =
  | { method: 'platt'; a: number; b: number }
  /** Piecewise-linear through (x[i], y[i]), flat outside; x strictly increasing. */
  | { method: 'isotonic'; x: number[]; y: number[] };

export function applyCalibrator(c: Calibrator, z: number): number {
  if (c.method === 'platt') return sigmoid(c.a * z + c.b);
  const { x, y } = c;
  if (z <= x[0]) return y[0];
  if (z >= x[x.length - 1]) return y[y.length - 1];
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= z) lo = mid;
    else hi = mid;
  }
  const t = (z - x[lo]) / (x[hi] - x[lo]);
  return y[lo] + t * (y[hi] - y[lo]);
}

/**
 * Platt scaling with Platt's smoothed targets ((N₊+1)/(N₊+2) and 1/(N₋+2) instead of 1 and 0),
 * which keeps the fit finite on separable data and stops it claiming certainty it has not seen.
 */
export function fitPlatt(z: readonly number[], y: readonly (0 | 1)[]): Calibrator {
  const positives = y.reduce<number>((s, v) => s + v, 0);
  const negatives = y.length - positives;
  const hiTarget = (positives + 1) / (positives + 2);
  const loTarget = 1 / (negatives + 2);
  // A soft target t is the same likelihood as weight t on a positive copy plus 1 − t on a negative.
  const rows: number[][] = [];
  const labels: (0 | 1)[] = [];
  const weights: number[] = [];
  for (let i = 0; i < z.length; i++) {
    const t = y[i] ? hiTarget : loTarget;
    rows.push([z[i]], [z[i]]);
    labels.push(1, 0);
    weights.push(t, 1 - t);
  }
  const fit = fitLogistic(rows, labels, { ridge: 0, sampleWeights: weights });
  return { method: 'platt', a: fit.weights[0], b: fit.bias };
}

/** Isotonic regression by pool-adjacent-violators; tied scores are pooled first. */
export function fitIsotonic(z: readonly number[], y: readonly (0 | 1)[]): Calibrator {
  const order = z.map((_, i) => i).sort((a, b) => z[a] - z[b]);
  // Blocks of [sum of x, sum of y, count]; each tie group starts as one block.
  const blocks: { sx: number; sy: number; n: number }[] = [];
  for (let k = 0; k < order.length; ) {
    const v = z[order[k]];
    let sy = 0;
    let n = 0;
    while (k < order.length && z[order[k]] === v) {
      sy += y[order[k]];
      n++;
      k++;
    }
    blocks.push({ sx: v * n, sy, n });
    while (blocks.length > 1) {
      const b = blocks[blocks.length - 1];
      const a = blocks[blocks.length - 2];
      if (a.sy / a.n < b.sy / b.n) break;
      blocks.splice(blocks.length - 2, 2, { sx: a.sx + b.sx, sy: a.sy + b.sy, n: a.n + b.n });
    }
  }
  const x = blocks.map((b) => b.sx / b.n);
  const yy = blocks.map((b) => b.sy / b.n);
  if (x.length === 1) return { method: 'isotonic', x: [x[0] - 1, x[0] + 1], y: [yy[0], yy[0]] };
  return { method: 'isotonic', x, y: yy };
}
