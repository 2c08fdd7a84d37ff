import { describe, expect, it } from 'vitest';
import { applyCalibrator } from './calibration.ts';
import { fitDecisionModel, type LabelledCheck } from './fit.ts';
import { calibratedScore, fusedLogit, modelMismatch, parseDecisionModel, serializeDecisionModel, thresholdFor } from './model.ts';
import { seededNormal, binormalAuc, toProbability } from './synthetic.ts';

/**
 * Damage and anomaly scores as two independent views: on the logit scale each is N(0, 1) for good
 * items and N(d, 1) for damaged ones. The best combination then has separation √(d₁² + d₂²).
 */
function twoViews(nGood: number, nDamaged: number, d1: number, d2: number, seed: number, category?: (i: number) => string): LabelledCheck[] {
  const z = seededNormal(seed);
  const checks: LabelledCheck[] = [];
  for (let i = 0; i < nGood + nDamaged; i++) {
    const damaged = i >= nGood;
    checks.push({
      id: `img${i}.jpg`,
      damaged,
      category: category?.(i),
      inputs: { damage: toProbability((damaged ? d1 : 0) + z()), anomaly: toProbability((damaged ? d2 : 0) + z()), types: {} },
    });
  }
  return checks;
}

describe('fitting the fusion on scores with a known best combination', () => {
  const checks = twoViews(4000, 4000, 1.5, 1.5, 31);
  const model = fitDecisionModel(checks, { targetFpr: 0.01, now: new Date('2026-11-25T00:00:00Z') });

  it('stacks the two views with the weights of the true posterior', () => {
    expect(model.fusion.features).toEqual(['damage', 'anomaly']);
    // log-odds = 1.5·x₁ + 1.5·x₂ − (1.5² + 1.5²) / 2 for equal class sizes
    expect(model.fusion.weights[0]).toBeCloseTo(1.5, 0);
    expect(model.fusion.weights[1]).toBeCloseTo(1.5, 0);
    expect(model.fusion.bias).toBeCloseTo(-2.25, 0);
  });

  it('reaches the AUC of the combined separation, above either view alone', () => {
    const combined = binormalAuc(Math.hypot(1.5, 1.5));
    expect(Math.abs(model.curves.auc - combined)).toBeLessThan(0.01);
    expect(model.curves.auc).toBeGreaterThan(binormalAuc(1.5) + 0.05);
    expect(model.evaluation).toEqual({ method: 'cross-validated', folds: 5 });
  });

  it('reports the threshold performance with its uncertainty', () => {
    expect(model.global.achievedFpr).toBeLessThanOrEqual(0.01);
    expect(model.global.fprUpperBound).toBeGreaterThan(model.global.achievedFpr);
    expect(model.global.nGood).toBe(4000);
    expect(model.global.score).toBeCloseTo(applyCalibrator(model.calibration, model.global.logit), 12);
    expect(model.source.prevalence).toBe(0.5);
    expect(model.histogram.good.reduce((a, b) => a + b)).toBe(4000);
    expect(model.histogram.damaged.reduce((a, b) => a + b)).toBe(4000);
  });

  it('produces calibrated probabilities', () => {
    // Items the fusion scores 0 on the logit scale are damaged about half the time.
    expect(calibratedScore(model, 0)).toBeGreaterThan(0.4);
    expect(calibratedScore(model, 0)).toBeLessThan(0.6);
    const strong = fusedLogit(model.fusion, { damage: toProbability(4), anomaly: toProbability(4), types: {} });
    expect(calibratedScore(model, strong)).toBeGreaterThan(0.99);
  });

  it('round-trips through the thresholds file', () => {
    const back = parseDecisionModel(JSON.parse(serializeDecisionModel(model)));
    expect(back.fusion).toEqual(model.fusion);
    expect(back.global.logit).toBe(model.global.logit);
  });
});

describe('missing anomaly scores', () => {
  it('learns from the anomaly where it exists and imputes it where it does not', () => {
    const checks = twoViews(1500, 1500, 1.5, 2, 41).map((c, i) => (i % 3 === 0 ? { ...c, inputs: { ...c.inputs, anomaly: null } } : c));
    const model = fitDecisionModel(checks);
    expect(model.fusion.features).toEqual(['damage', 'anomaly', 'anomalyMissing']);
    const withoutAnomaly = fusedLogit(model.fusion, { damage: 0.5, anomaly: null, types: {} });
    expect(Number.isFinite(withoutAnomaly)).toBe(true);
  });

  it('leaves the anomaly out when no item has one', () => {
    const checks = twoViews(500, 500, 2, 2, 42).map((c) => ({ ...c, inputs: { ...c.inputs, anomaly: null } }));
    expect(fitDecisionModel(checks).fusion.features).toEqual(['damage']);
  });
});

describe('per-category thresholds', () => {
  it('gives a category its own threshold only where its data supports one', () => {
    const checks = twoViews(3000, 600, 2, 2, 51, (i) => (i % 10 === 0 ? 'Juice' : 'Milk'));
    const model = fitDecisionModel(checks, { targetFpr: 0.01, minCategoryGood: 1000, minCategoryDamaged: 50 });
    expect(model.categories.Milk.ownThreshold).toBe(true);
    expect(model.categories.Juice.ownThreshold).toBe(false);
    expect(model.categories.Juice.warnings[0]).toMatch(/uses the global threshold: 300 good and 60 damaged items/);
    expect(thresholdFor(model, 'Juice').logit).toBe(model.global.logit);
    expect(thresholdFor(model, 'Milk').logit).toBe(model.categories.Milk.logit);
    expect(thresholdFor(model, 'Unknown').logit).toBe(model.global.logit);
  });
});

describe('degenerate input gets a clear one-line error', () => {
  const base = twoViews(30, 30, 2, 2, 61);
  it.each([
    ['empty', [], /no labelled scores/],
    ['all good', base.filter((c) => !c.damaged), /all 30 items are labelled good/],
    ['all damaged', base.filter((c) => c.damaged), /all 30 items are labelled damaged/],
    ['NaN', base.map((c, i) => (i === 4 ? { ...c, inputs: { ...c.inputs, damage: NaN } } : c)), /img4\.jpg: damage must be a probability/],
    ['identical scores', base.map((c) => ({ ...c, inputs: { damage: 0.3, anomaly: 0.2, types: {} } })), /every item has the same scores/],
  ] as const)('%s', (_name, checks, message) => {
    expect(() => fitDecisionModel(checks as LabelledCheck[])).toThrow(message);
  });

  it('fits tiny sets in-sample and says the figures are optimistic', () => {
    const model = fitDecisionModel(twoViews(6, 4, 2, 2, 62));
    expect(model.evaluation.method).toBe('in-sample');
    expect(model.warnings.join('\n')).toMatch(/too few items \(6 good, 4 damaged\) to cross-validate/);
    expect(model.warnings.join('\n')).toMatch(/only 6 good items/);
  });

  it('handles tied fused scores without sidelining more good items than allowed', () => {
    const checks: LabelledCheck[] = Array.from({ length: 200 }, (_, i) => ({
      id: `t${i}`,
      damaged: i >= 100,
      inputs: { damage: i >= 100 ? (i % 2 ? 0.9 : 0.5) : i % 2 ? 0.5 : 0.1, anomaly: null, types: {} },
    }));
    const model = fitDecisionModel(checks, { targetFpr: 0.01 });
    // Half the good items tie with half the damaged at 0.5: the threshold cannot split them.
    expect(model.global.falseSidelines).toBe(0);
    expect(model.global.recall).toBe(0.5);
  });
});

// A parsed thresholds file being broken on purpose: any field may be replaced.
type Spoilable = { [k: string]: Spoilable | unknown; fusion: { features: unknown; weights: unknown } };

describe('the model the thresholds belong to', () => {
  const scoring = { id: 'intact-vision-int8', version: '1.0.0', sha256: 'ab'.repeat(32) };
  const model = fitDecisionModel(twoViews(100, 100, 2, 2, 72), { model: scoring });
  it('is stored and compared with the running model', () => {
    expect(parseDecisionModel(JSON.parse(serializeDecisionModel(model))).source.model).toEqual(scoring);
    expect(modelMismatch(model, [{ id: 'intact-vision-int8', sha256: scoring.sha256 }])).toBeNull();
    expect(modelMismatch(model, [{ id: 'intact-vision-int8', sha256: 'cd'.repeat(32) }])).toMatch(/fitted to scores of intact-vision-int8 1\.0\.0 \(abababababab\), but this device runs intact-vision-int8 \(cdcdcdcdcdcd\): recalibrate/);
    expect(modelMismatch(fitDecisionModel(twoViews(50, 50, 2, 2, 73)), [{ id: 'x', sha256: 'y' }])).toBeNull();
  });
});

describe('thresholds file validation', () => {
  const model = fitDecisionModel(twoViews(100, 100, 2, 2, 71));
  const file = () => JSON.parse(serializeDecisionModel(model));
  it.each([
    ['wrong schema', (f: Spoilable) => (f.schema = 'x'), /schema must be "intact-thresholds\/1"/],
    ['unknown feature', (f: Spoilable) => (f.fusion.features = ['colour']), /fusion.features/],
    ['weights length', (f: Spoilable) => (f.fusion.weights = [1, 2, 3]), /fusion.weights must have 2 entries/],
    ['bad target', (f: Spoilable) => (f.targetFpr = 2), /targetFpr/],
    ['bad calibration', (f: Spoilable) => (f.calibration = { method: 'magic' }), /calibration.method/],
    ['missing global', (f: Spoilable) => delete f.global, /global is missing/],
  ])('rejects %s', (_name, spoil, message) => {
    const f = file();
    spoil(f);
    expect(() => parseDecisionModel(f)).toThrow(message);
  });
});
