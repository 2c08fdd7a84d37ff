import { describe, expect, it } from 'vitest';
import { averagePrecision, checkLabelledScores, operatingPoints, prPolyline, rocAuc, rocPolyline, thinCurve, type LabelledScore } from './roc.ts';
import { binormalAuc, binormalLogits, binormalRecallAt } from './synthetic.ts';

const labelled = (good: number[], damaged: number[]): LabelledScore[] => [
  ...good.map((score) => ({ score, damaged: false })),
  ...damaged.map((score) => ({ score, damaged: true })),
];

describe('ROC on binormal scores with known separation', () => {
  for (const d of [0.5, 1, 2, 3]) {
    it(`AUC ≈ Φ(d/√2) for d = ${d}`, () => {
      const { good, damaged } = binormalLogits(20000, 20000, d, 7);
      const auc = rocAuc(operatingPoints(labelled(good, damaged)));
      // Standard error of the AUC here is below 0.003.
      expect(Math.abs(auc - binormalAuc(d))).toBeLessThan(0.01);
    });
  }

  it('recall at 1 % false positives follows 1 − Φ(Φ⁻¹(0.99) − d)', () => {
    const d = 2;
    const { good, damaged } = binormalLogits(20000, 20000, d, 11);
    const points = operatingPoints(labelled(good, damaged));
    const at = points.filter((p) => p.fpr <= 0.01).at(-1)!;
    expect(Math.abs(at.tpr - binormalRecallAt(0.01, d))).toBeLessThan(0.02);
  });
});

describe('small cases worked by hand', () => {
  it('counts ties as half, like Mann–Whitney', () => {
    // good {1, 2}, damaged {2, 3}: pairs (1<2, 1<3, 2=2, 2<3) → (3 + 0.5) / 4
    expect(rocAuc(operatingPoints(labelled([1, 2], [2, 3])))).toBeCloseTo(0.875, 12);
  });

  it('gives 0.5 when every score is the same', () => {
    expect(rocAuc(operatingPoints(labelled([5, 5, 5], [5, 5])))).toBeCloseTo(0.5, 12);
  });

  it('gives AUC 1 and average precision 1 for perfectly separated scores', () => {
    const points = operatingPoints(labelled([0, 0.1, 0.2], [0.8, 0.9]));
    expect(rocAuc(points)).toBe(1);
    expect(averagePrecision(points)).toBe(1);
  });

  it('computes precision and thresholds at each distinct score', () => {
    const points = operatingPoints(labelled([0.1, 0.4], [0.35, 0.8]));
    // scores descending: 0.8 D, 0.4 G, 0.35 D, 0.1 G
    expect(points.map((p) => [p.falsePositives, p.truePositives])).toEqual([[0, 0], [0, 1], [1, 1], [1, 2], [2, 2]]);
    expect(points[1].threshold).toBe(0.4); // sidelining > 0.4 catches only the 0.8
    expect(points.at(-1)!.threshold).toBe(-Infinity);
    // AP = 0.5·1 + 0.5·(2/3)
    expect(averagePrecision(points)).toBeCloseTo(0.5 + 1 / 3, 12);
    expect(prPolyline(points)[0]).toEqual([0.5, 1]);
    expect(rocPolyline(points).at(-1)).toEqual([1, 1]);
  });
});

describe('input that cannot make a curve', () => {
  it('says what is wrong in one line', () => {
    expect(() => checkLabelledScores([])).toThrow('no labelled scores');
    expect(() => checkLabelledScores(labelled([0.1, 0.2], []))).toThrow(/all 2 items are labelled good/);
    expect(() => checkLabelledScores(labelled([], [0.9]))).toThrow(/all 1 items are labelled damaged/);
    expect(() => checkLabelledScores(labelled([0.1, NaN], [0.9]))).toThrow(/score 2 is not a finite number/);
  });
});

describe('thinning a curve for drawing', () => {
  it('keeps the ends and at most the requested number of points', () => {
    const curve = Array.from({ length: 5000 }, (_, i): [number, number] => [i / 4999, Math.sqrt(i / 4999)]);
    const thin = thinCurve(curve, 100);
    expect(thin.length).toBeLessThanOrEqual(100);
    expect(thin[0]).toEqual([0, 0]);
    expect(thin.at(-1)).toEqual([1, 1]);
    for (let i = 1; i < thin.length; i++) expect(thin[i][0]).toBeGreaterThan(thin[i - 1][0]);
  });
});
