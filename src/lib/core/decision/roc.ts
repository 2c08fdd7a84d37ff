// ROC and precision–recall curves from scores and labels. Tied scores are one operating point (a
// threshold cannot separate them), so ties move the curve diagonally and count half in the AUC,
// exactly as the Mann–Whitney statistic does.
import { CalibrationInputError } from './errors.ts';

export interface LabelledScore {
  score: number;
  /** true for a damaged item (should be sidelined). */
  damaged: boolean;
}

export interface OperatingPoint {
  /** Items with score strictly above this are sidelined; the first point (nothing sidelined) has +Infinity. */
  threshold: number;
  falsePositives: number;
  truePositives: number;
  fpr: number;
  tpr: number;
  /** TP / (TP + FP); 1 where nothing is sidelined, by convention. */
  precision: number;
}

/** Throws a one-line CalibrationInputError unless both classes are present and no score is NaN. */
export function checkLabelledScores(items: readonly LabelledScore[]): { good: number; damaged: number } {
  if (items.length === 0) throw new CalibrationInputError('no labelled scores: nothing to calibrate on');
  let damaged = 0;
  for (let i = 0; i < items.length; i++) {
    if (!Number.isFinite(items[i].score)) throw new CalibrationInputError(`score ${i + 1} is not a finite number (${items[i].score})`);
    if (items[i].damaged) damaged++;
  }
  const good = items.length - damaged;
  if (good === 0) throw new CalibrationInputError(`all ${items.length} items are labelled damaged: need good items to measure false sidelines`);
  if (damaged === 0) throw new CalibrationInputError(`all ${items.length} items are labelled good: need damaged items to measure recall`);
  return { good, damaged };
}

/**
 * Every distinct operating point, from "sideline nothing" to "sideline everything". Point i
 * sidelines the items whose score is strictly above points[i].threshold.
 */
export function operatingPoints(items: readonly LabelledScore[]): OperatingPoint[] {
  const { good, damaged } = checkLabelledScores(items);
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const points: OperatingPoint[] = [{ threshold: Infinity, falsePositives: 0, truePositives: 0, fpr: 0, tpr: 0, precision: 1 }];
  let fp = 0;
  let tp = 0;
  for (let i = 0; i < sorted.length; ) {
    const s = sorted[i].score;
    while (i < sorted.length && sorted[i].score === s) {
      if (sorted[i].damaged) tp++;
      else fp++;
      i++;
    }
    // Threshold just below s: the next lower score (or -Infinity) sidelines exactly these items.
    const threshold = i < sorted.length ? sorted[i].score : -Infinity;
    points.push({ threshold, falsePositives: fp, truePositives: tp, fpr: fp / good, tpr: tp / damaged, precision: tp / (tp + fp) });
  }
  return points;
}

/** Area under the ROC curve (trapezoids, so ties count half). */
export function rocAuc(points: readonly OperatingPoint[]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) {
    area += ((points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr)) / 2;
  }
  return area;
}

/** Average precision: Σ (recallₙ − recallₙ₋₁) · precisionₙ, the step-wise area under the PR curve. */
export function averagePrecision(points: readonly OperatingPoint[]): number {
  let ap = 0;
  for (let i = 1; i < points.length; i++) ap += (points[i].tpr - points[i - 1].tpr) * points[i].precision;
  return ap;
}

/**
 * At most `maxPoints` points that keep the curve's shape for drawing: evenly spaced along the
 * polyline's length, always keeping the first and last point.
 */
export function thinCurve(curve: readonly [number, number][], maxPoints = 200): [number, number][] {
  if (curve.length <= maxPoints) return curve.map((p) => [p[0], p[1]]);
  const cumulative = [0];
  for (let i = 1; i < curve.length; i++) {
    cumulative.push(cumulative[i - 1] + Math.hypot(curve[i][0] - curve[i - 1][0], curve[i][1] - curve[i - 1][1]));
  }
  const total = cumulative[cumulative.length - 1];
  const out: [number, number][] = [[curve[0][0], curve[0][1]]];
  let j = 0;
  for (let k = 1; k < maxPoints - 1; k++) {
    const target = (total * k) / (maxPoints - 1);
    while (j < curve.length - 1 && cumulative[j] < target) j++;
    const last = out[out.length - 1];
    if (last[0] !== curve[j][0] || last[1] !== curve[j][1]) out.push([curve[j][0], curve[j][1]]);
  }
  const end = curve[curve.length - 1];
  out.push([end[0], end[1]]);
  return out;
}

export const rocPolyline = (points: readonly OperatingPoint[]): [number, number][] => points.map((p) => [p.fpr, p.tpr]);
/** (recall, precision) pairs, skipping the "sideline nothing" point whose precision is a convention. */
export const prPolyline = (points: readonly OperatingPoint[]): [number, number][] => points.slice(1).map((p) => [p.tpr, p.precision]);
