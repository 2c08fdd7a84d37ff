import { describe, expect, it } from 'vitest';
import { applyCalibrator, fitIsotonic, fitPlatt } from './calibration.ts';
import { fitLogistic, linearPredictor, sigmoid } from './logistic.ts';
import { seededRandom } from '../seeded-random.ts';
import { seededNormal } from './synthetic.ts';

describe('logistic regression', () => {
  it('recovers the weights of the model that generated the labels', () => {
    const z = seededNormal(3);
    const u = seededRandom(4);
    const x: number[][] = [];
    const y: (0 | 1)[] = [];
    for (let i = 0; i < 20000; i++) {
      const row = [z(), 3 * z() + 5];
      x.push(row);
      y.push(u() < sigmoid(2 * row[0] - 0.5 * row[1] + 1) ? 1 : 0);
    }
    const fit = fitLogistic(x, y, { ridge: 1e-6 });
    expect(fit.weights[0]).toBeCloseTo(2, 1);
    expect(fit.weights[1]).toBeCloseTo(-0.5, 1);
    expect(fit.bias).toBeCloseTo(1, 0);
    expect(linearPredictor(fit, [0, 0])).toBe(fit.bias);
  });

  it('stays finite on perfectly separable data', () => {
    const fit = fitLogistic([[0], [1], [2], [3]], [0, 0, 1, 1]);
    expect(Number.isFinite(fit.weights[0]) && fit.weights[0] > 0).toBe(true);
    expect(sigmoid(linearPredictor(fit, [3]))).toBeGreaterThan(sigmoid(linearPredictor(fit, [0])));
  });

  it('gives a zero weight to a constant feature', () => {
    const fit = fitLogistic([[1, 0], [1, 1], [1, 2], [1, 3]], [0, 1, 0, 1]);
    expect(fit.weights[0]).toBe(0);
  });
});

describe('calibration', () => {
  it('Platt scaling leaves already calibrated logits alone (a ≈ 1, b ≈ 0)', () => {
    const z = seededNormal(5);
    const u = seededRandom(6);
    const scores: number[] = [];
    const y: (0 | 1)[] = [];
    for (let i = 0; i < 20000; i++) {
      const s = 2 * z();
      scores.push(s);
      y.push(u() < sigmoid(s) ? 1 : 0);
    }
    const c = fitPlatt(scores, y);
    if (c.method !== 'platt') throw new Error('expected Platt');
    expect(c.a).toBeCloseTo(1, 1);
    expect(c.b).toBeCloseTo(0, 1);
  });

  it('Platt scaling undoes an over-confident scale', () => {
    const z = seededNormal(8);
    const u = seededRandom(9);
    const scores: number[] = [];
    const y: (0 | 1)[] = [];
    for (let i = 0; i < 20000; i++) {
      const s = z();
      scores.push(4 * s); // a model that reports 4× the true log-odds
      y.push(u() < sigmoid(s) ? 1 : 0);
    }
    const c = fitPlatt(scores, y);
    expect(applyCalibrator(c, 4)).toBeCloseTo(sigmoid(1), 1);
  });

  it('isotonic regression pools adjacent violators (worked by hand)', () => {
    // y by increasing score: 0, 1, 0, 1, 1 → blocks {0}, {1,0}→0.5, {1}, {1}... pooled to 0, 0.5, 1
    const c = fitIsotonic([1, 2, 3, 4, 5], [0, 1, 0, 1, 1]);
    if (c.method !== 'isotonic') throw new Error('expected isotonic');
    expect(c.y).toEqual([0, 0.5, 1]);
    expect(c.x).toEqual([1, 2.5, 4.5]);
    expect(applyCalibrator(c, 0)).toBe(0);
    expect(applyCalibrator(c, 2.5)).toBe(0.5);
    expect(applyCalibrator(c, 3.5)).toBeCloseTo(0.75, 12);
    expect(applyCalibrator(c, 99)).toBe(1);
  });

  it('isotonic regression pools tied scores and is monotone', () => {
    const z = seededNormal(10);
    const u = seededRandom(12);
    const scores: number[] = [];
    const y: (0 | 1)[] = [];
    for (let i = 0; i < 5000; i++) {
      const s = Math.round(z() * 4) / 4; // many ties
      scores.push(s);
      y.push(u() < sigmoid(2 * s) ? 1 : 0);
    }
    const c = fitIsotonic(scores, y);
    if (c.method !== 'isotonic') throw new Error('expected isotonic');
    for (let i = 1; i < c.x.length; i++) {
      expect(c.x[i]).toBeGreaterThan(c.x[i - 1]);
      expect(c.y[i]).toBeGreaterThanOrEqual(c.y[i - 1]);
    }
    expect(applyCalibrator(c, 0)).toBeCloseTo(0.5, 1);
  });
});
