import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import { normalQuantile } from './stats.ts';
import { binormalLogits, binormalRecallAt } from './synthetic.ts';
import { chooseThreshold, evaluateThreshold } from './threshold.ts';

describe('threshold at a target false-sideline rate', () => {
  it('lands where the known distribution says on binormal scores', () => {
    const d = 3;
    const { good, damaged } = binormalLogits(50000, 20000, d, 21);
    const r = chooseThreshold(good, damaged, { targetFpr: 0.01 });
    expect(r.logit).toBeCloseTo(normalQuantile(0.99), 1);
    expect(r.falseSidelines).toBeLessThanOrEqual(500);
    expect(r.achievedFpr).toBeLessThanOrEqual(0.01);
    expect(Math.abs(r.recall! - binormalRecallAt(0.01, d))).toBeLessThan(0.02);
    expect(r.recallInterval![0]).toBeLessThan(r.recall!);
    expect(r.recallInterval![1]).toBeGreaterThan(r.recall!);
  });

  it('sidelines no good item when the data is too small for the target, and says so', () => {
    const { good, damaged } = binormalLogits(300, 50, 4, 22);
    const r = chooseThreshold(good, damaged, { targetFpr: 0.001 });
    expect(r.logit).toBe(Math.max(...good));
    expect(r.falseSidelines).toBe(0);
    expect(r.fprUpperBound).toBeCloseTo(1 - 0.05 ** (1 / 300), 10);
    expect(r.meetsTarget).toBe(false);
    expect(r.warnings[0]).toMatch(/only 300 good items.*below 0\.99 % at 95 % confidence; 2995 good items are needed to show 0\.1 %/);
  });

  it('in guarantee mode keeps the upper bound within the target', () => {
    const { good, damaged } = binormalLogits(20000, 2000, 3, 23);
    const estimate = chooseThreshold(good, damaged, { targetFpr: 0.002 });
    const guarantee = chooseThreshold(good, damaged, { targetFpr: 0.002, mode: 'guarantee' });
    expect(estimate.fprUpperBound).toBeGreaterThan(0.002);
    expect(estimate.warnings.join()).toMatch(/only shown below/);
    expect(guarantee.fprUpperBound).toBeLessThanOrEqual(0.002);
    expect(guarantee.meetsTarget).toBe(true);
    expect(guarantee.logit).toBeGreaterThan(estimate.logit);
    expect(guarantee.recall!).toBeLessThanOrEqual(estimate.recall!);
  });

  it('never sidelines more good items than allowed when scores are tied', () => {
    const good = [1, 1, 1, 1, 2, 2, 2, 2, 2, 2];
    const r = chooseThreshold(good, [3], { targetFpr: 0.3 });
    // 3 allowed, but the top six are tied: sidelining any of them sidelines all six.
    expect(r.falseSidelines).toBe(0);
    expect(r.logit).toBe(2);
  });

  it('rejects a target outside (0, 1)', () => {
    expect(() => chooseThreshold([1], [2], { targetFpr: 0 })).toThrow(/target false-sideline rate/);
    expect(() => chooseThreshold([1], [2], { targetFpr: 1 })).toThrow(/target false-sideline rate/);
    expect(() => chooseThreshold([], [2], { targetFpr: 0.1 })).toThrow(/at least one good item/);
  });

  it('evaluates a given threshold with counts and bounds', () => {
    const r = evaluateThreshold(0.5, [0.1, 0.6, 0.2, 0.3], [0.7, 0.4], 0.25);
    expect(r.falseSidelines).toBe(1);
    expect(r.achievedFpr).toBe(0.25);
    expect(r.recall).toBe(0.5);
  });
});

describe('threshold choice on random tied data', () => {
  it('never exceeds the allowance and cannot be lowered without exceeding it', () => {
    const random = seededRandom(77);
    for (let trial = 0; trial < 200; trial++) {
      const n = 5 + Math.floor(random() * 300);
      // Scores on a coarse grid, so ties are common.
      const good = Array.from({ length: n }, () => Math.floor(random() * 20));
      const target = 0.001 + random() * 0.2;
      const r = chooseThreshold(good, [25], { targetFpr: target });
      const allowed = Math.floor(target * n);
      expect(r.falseSidelines).toBeLessThanOrEqual(allowed);
      const lower = Math.max(...good.filter((g) => g < r.logit));
      if (Number.isFinite(lower)) expect(good.filter((g) => g > lower).length).toBeGreaterThan(allowed);
    }
  });
});
