// Reference values computed with SciPy 1.17 (scipy.stats / scipy.special) on this machine.
import { describe, expect, it } from 'vitest';
import {
  binomialLowerTail,
  binomialTestTwoSided,
  binomialUpperTail,
  clopperPearsonInterval,
  clopperPearsonUpper,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedBeta,
  smallestDemonstrableRate,
  trialsToDemonstrate,
} from './stats.ts';
import { seededRandom } from '../seeded-random.ts';

describe('special functions', () => {
  it('matches SciPy for ln Γ and the incomplete beta', () => {
    expect(logGamma(0.3)).toBeCloseTo(1.0957979948180752, 12);
    expect(logGamma(100.5)).toBeCloseTo(361.4355404677776, 9);
    expect(regularizedBeta(0.3, 2.5, 3.5)).toBeCloseTo(0.29675298929566646, 12);
    expect(regularizedBeta(0.45, 50, 70)).toBeCloseTo(0.7717610017525626, 12);
  });

  it('matches SciPy for the normal CDF and quantile', () => {
    expect(normalCdf(1.2)).toBeCloseTo(0.8849303297782918, 6);
    expect(normalCdf(-1.2)).toBeCloseTo(1 - 0.8849303297782918, 6);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 7);
    expect(normalQuantile(0.3)).toBeCloseTo(-0.5244005127080409, 8);
  });
});

describe('Clopper–Pearson bounds', () => {
  it('gives 1 − 0.05^(1/n) for zero events (the rule of three)', () => {
    expect(clopperPearsonUpper(0, 3000)).toBeCloseTo(0.0009980790119965865, 12);
    expect(clopperPearsonUpper(0, 3000) * 3000).toBeCloseTo(3, 0);
    expect(smallestDemonstrableRate(300)).toBeCloseTo(1 - 0.05 ** (1 / 300), 12);
  });

  it('matches SciPy for some events', () => {
    expect(clopperPearsonUpper(10, 10000)).toBeCloseTo(0.001695631453645378, 10);
    const [lo, hi] = clopperPearsonInterval(1, 10, 0.95);
    expect(lo).toBeCloseTo(0.0025285785444617848, 10);
    expect(hi).toBeCloseTo(0.4450161170281954, 10);
    expect(clopperPearsonUpper(5, 5)).toBe(1);
  });

  it('needs about 3000 good items to show 0.1 %', () => {
    const n = trialsToDemonstrate(0.001);
    expect(n).toBe(2995);
    expect(clopperPearsonUpper(0, n)).toBeLessThanOrEqual(0.001);
    expect(clopperPearsonUpper(0, n - 1)).toBeGreaterThan(0.001);
  });

  it('rejects impossible counts', () => {
    expect(() => clopperPearsonUpper(3, 2)).toThrow(/0 ≤ k ≤ n/);
    expect(() => clopperPearsonUpper(0, 0)).toThrow(/n > 0/);
    expect(() => trialsToDemonstrate(0)).toThrow(/rate/);
  });
});

describe('binomial tests', () => {
  it('matches SciPy binomtest (two-sided) and the tails', () => {
    expect(binomialTestTwoSided(7, 20, 0.2)).toBeCloseTo(0.09822172861346881, 10);
    expect(binomialTestTwoSided(0, 200, 0.02)).toBeCloseTo(0.0377628225899724, 10);
    expect(binomialTestTwoSided(15, 200, 0.02)).toBeCloseTo(1.4857401387301475e-5, 12);
    expect(binomialUpperTail(15, 200, 0.02)).toBeCloseTo(1.4857401387301475e-5, 12);
    expect(binomialLowerTail(3, 50, 0.1)).toBeCloseTo(0.250293905953308, 10);
  });
});

describe('coverage', () => {
  it('the one-sided 95 % upper bound covers the true rate at least 95 % of the time', () => {
    const random = seededRandom(2026);
    for (const [p, n] of [[0.01, 300], [0.002, 2000], [0.2, 40]] as const) {
      let covered = 0;
      const trials = 2000;
      for (let t = 0; t < trials; t++) {
        let k = 0;
        for (let i = 0; i < n; i++) if (random() < p) k++;
        if (clopperPearsonUpper(k, n) >= p) covered++;
      }
      // Exact bounds are conservative: coverage ≥ 95 % (minus Monte Carlo noise, sd ≈ 0.5 %).
      expect(covered / trials).toBeGreaterThanOrEqual(0.94);
    }
  });
});
