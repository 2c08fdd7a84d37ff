// Fitting a decision model from labelled checks: stack the model scores with a logistic
// regression, calibrate the stacked score, pick the thresholds for the target false-sideline rate.
// Every figure reported (threshold performance, curves) is measured on out-of-fold predictions
// when there is enough data, so the file does not flatter the fusion it was fitted with.
import { fitIsotonic, fitPlatt, applyCalibrator, type Calibrator } from './calibration.ts';
import { CalibrationInputError } from './errors.ts';
import { FEATURE_NAMES, checkFusionInputs, featureValue, type FeatureName, type FusionInputs } from './features.ts';
import { applyGuard, featureFloors, guardFusion, type FusionGuard } from './fusion-guard.ts';
import { fitLogistic } from './logistic.ts';
import { THRESHOLDS_SCHEMA, fusedLogit, type CategoryThreshold, type DecisionModel, type FusionModel, type ScoringModel } from './model.ts';
import { averagePrecision, checkLabelledScores, operatingPoints, prPolyline, rocAuc, rocPolyline, thinCurve } from './roc.ts';
import { clopperPearsonInterval, trialsToDemonstrate } from './stats.ts';
import { seededRandom } from '../seeded-random.ts';
import { checkTarget, chooseThreshold, evaluateThreshold, type ThresholdMode } from './threshold.ts';

export interface LabelledCheck {
  /** The image path or check id, for error messages. */
  id: string;
  inputs: FusionInputs;
  damaged: boolean;
  category?: string | null;
  /** Which kind of case it is (damage renders, logical anomalies, …): see fusion-guard.ts. */
  set?: string | null;
}

export interface FitOptions {
  targetFpr?: number;
  confidence?: number;
  mode?: ThresholdMode;
  calibration?: 'platt' | 'isotonic' | 'auto';
  /** A category gets its own threshold only with at least this many good items (default: enough to show the target). */
  minCategoryGood?: number;
  minCategoryDamaged?: number;
  folds?: number;
  ridge?: number;
  /** Where the data came from, in words, stored in the file. */
  description?: string;
  /** The damage model that produced the scores. */
  model?: ScoringModel;
  now?: Date;
  /** Called between the steps of a fit (each a few hundred ms for 100 000 items), for a progress bar. */
  onProgress?: (progress: FitProgress) => void;
}

export interface FitProgress {
  /** Steps finished so far, of `steps`. */
  step: number;
  steps: number;
  /** What runs next, in words. */
  stage: string;
}

export const DEFAULT_TARGET_FPR = 0.001;

/** Fold index per item, stratified by label so every fold sees both classes. */
function stratifiedFolds(labels: readonly boolean[], folds: number): number[] {
  // A fixed seed: the same data always gives the same file.
  const random = seededRandom(0x1ac7);
  const fold = new Array<number>(labels.length);
  for (const cls of [false, true]) {
    const idx = labels.map((l, i) => (l === cls ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    idx.forEach((item, k) => (fold[item] = k % folds));
  }
  return fold;
}

function featureMatrix(checks: readonly LabelledCheck[], features: readonly FeatureName[]): number[][] {
  return checks.map((c) => features.map((f) => featureValue(f, c.inputs)));
}

/** Features that vary in this data; a constant (or never observed) one carries no information. */
function informativeFeatures(checks: readonly LabelledCheck[]): FeatureName[] {
  return FEATURE_NAMES.filter((f) => {
    const seen = checks.map((c) => featureValue(f, c.inputs)).filter((v) => !Number.isNaN(v));
    return seen.length > 0 && seen.some((v) => v !== seen[0]);
  });
}

function fitFusion(checks: readonly LabelledCheck[], features: FeatureName[], ridge: number, guard: FusionGuard | null = null): FusionModel {
  const raw = featureMatrix(checks, features);
  const impute = features.map((_, j) => {
    const seen = raw.map((r) => r[j]).filter((v) => !Number.isNaN(v));
    return seen.length ? seen.reduce((s, v) => s + v, 0) / seen.length : 0;
  });
  const floors = guard ? featureFloors(features, guard.floors) : features.map(() => null);
  const x = raw.map((r) => r.map((v, j) => {
    const value = Number.isNaN(v) ? impute[j] : v;
    return floors[j] === null ? value : Math.max(floors[j]!, value);
  }));
  const fit = fitLogistic(x, checks.map((c) => (c.damaged ? 1 : 0)), { ridge });
  const fusion: FusionModel = { features, weights: fit.weights, bias: fit.bias, impute, ...(guard ? { floors } : {}) };
  return guard ? applyGuard(fusion, guard) : fusion;
}

function histogram(z: readonly number[], damaged: readonly boolean[], bins = 30): DecisionModel['histogram'] {
  // A loop, not Math.min(...z): spreading 100 000 scores overflows the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of z) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const width = hi > lo ? (hi - lo) / bins : 1;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const good = new Array<number>(bins).fill(0);
  const bad = new Array<number>(bins).fill(0);
  z.forEach((v, i) => {
    const b = Math.min(bins - 1, Math.floor((v - lo) / width));
    (damaged[i] ? bad : good)[b]++;
  });
  return { edges, good, damaged: bad };
}

/** Each item scored by a fusion fitted without its fold: honest scores for thresholds and curves. */
function outOfFoldLogits(checks: readonly LabelledCheck[], features: FeatureName[], folds: number, ridge: number, guard: FusionGuard | null, beforeFold: (f: number) => void): number[] {
  const fold = stratifiedFolds(checks.map((c) => c.damaged), folds);
  const z = new Array<number>(checks.length);
  for (let f = 0; f < folds; f++) {
    beforeFold(f);
    const train = checks.filter((_, i) => fold[i] !== f);
    const varying = informativeFeatures(train);
    const usable = features.filter((name) => varying.includes(name));
    const model = fitFusion(train, usable.length ? usable : features, ridge, guard);
    checks.forEach((c, i) => {
      if (fold[i] === f) z[i] = fusedLogit(model, c.inputs);
    });
  }
  return z;
}

function noGoodItemsReport(name: string, threshold: number, damaged: readonly number[], confidence: number): CategoryThreshold {
  const caught = damaged.filter((v) => v > threshold).length;
  return {
    logit: threshold,
    nGood: 0,
    nDamaged: damaged.length,
    falseSidelines: 0,
    achievedFpr: 0,
    fprUpperBound: 1,
    recall: damaged.length ? caught / damaged.length : null,
    recallInterval: damaged.length ? clopperPearsonInterval(caught, damaged.length, confidence) : null,
    meetsTarget: false,
    warnings: [`no good items of ${name}: its false-sideline rate is unknown, the global threshold applies`],
    ownThreshold: false,
  };
}

export function fitDecisionModel(checks: readonly LabelledCheck[], options: FitOptions = {}): DecisionModel {
  const targetFpr = options.targetFpr ?? DEFAULT_TARGET_FPR;
  const confidence = options.confidence ?? 0.95;
  const mode = options.mode ?? 'estimate';
  try {
    checkTarget(targetFpr, confidence);
  } catch (e) {
    throw new CalibrationInputError((e as Error).message);
  }
  for (const c of checks) {
    try {
      checkFusionInputs(c.inputs);
    } catch (e) {
      throw new CalibrationInputError(`${c.id}: ${(e as Error).message}`);
    }
  }
  const labels = checks.map((c) => c.damaged);
  const { good: nGood, damaged: nDamaged } = checkLabelledScores(checks.map((c) => ({ score: 0, damaged: c.damaged })));
  const features = informativeFeatures(checks);
  if (features.length === 0) throw new CalibrationInputError(`every item has the same scores: nothing separates good from damaged`);
  const ridge = options.ridge ?? 1;
  const warnings: string[] = [];

  const folds = Math.min(options.folds ?? 5, nGood, nDamaged);
  const crossValidate = folds >= 2 && checks.length >= 20;
  const steps = 3 + (crossValidate ? folds : 0);
  let step = 0;
  const progress = (stage: string) => options.onProgress?.({ step: step++, steps, stage });

  progress('fitting the fusion');
  const guarded = guardFusion(
    checks.map((c) => ({ inputs: c.inputs, damaged: c.damaged, set: c.set ?? '' })),
    (floors) => fitFusion(checks, features, ridge, { floors, multipliers: { damage: 1, comparison: 1 }, sets: [] }),
  );
  const guard = guarded?.guard ?? null;
  const fusion = guarded?.fusion ?? fitFusion(checks, features, ridge);
  if (guard) {
    for (const e of guard.sets.filter((x) => x.fusedAuc < x.bestInputAuc - 0.005)) {
      warnings.push(`on "${e.set}" the fused score ranks worse (ROC-AUC ${e.fusedAuc.toFixed(3)}) than ${e.bestInput} alone (${e.bestInputAuc.toFixed(3)}): no weighting of the inputs avoids it`);
    }
  }
  const z = crossValidate
    ? outOfFoldLogits(checks, features, folds, ridge, guard, (f) => progress(`cross-validating (fold ${f + 1} of ${folds})`))
    : checks.map((c) => fusedLogit(fusion, c.inputs));
  const evaluation: DecisionModel['evaluation'] = crossValidate ? { method: 'cross-validated', folds } : { method: 'in-sample' };
  if (!crossValidate) {
    warnings.push(`too few items (${nGood} good, ${nDamaged} damaged) to cross-validate: the figures are measured on the data the fusion was fitted to and are optimistic`);
  }

  const y = labels.map((l) => (l ? 1 : 0) as 0 | 1);
  const method = options.calibration === 'auto' || options.calibration === undefined
    ? (checks.length >= 1000 && Math.min(nGood, nDamaged) >= 50 ? 'isotonic' : 'platt')
    : options.calibration;
  progress('calibrating and choosing thresholds');
  const calibration: Calibrator = method === 'isotonic' ? fitIsotonic(z, y) : fitPlatt(z, y);

  const goodZ = z.filter((_, i) => !labels[i]);
  const damagedZ = z.filter((_, i) => labels[i]);
  const global = chooseThreshold(goodZ, damagedZ, { targetFpr, confidence, mode });

  const minGood = options.minCategoryGood ?? trialsToDemonstrate(targetFpr, confidence);
  const minDamaged = options.minCategoryDamaged ?? 10;
  const categories: Record<string, CategoryThreshold> = {};
  const names = [...new Set(checks.map((c) => c.category).filter((c): c is string => !!c))].sort();
  for (const name of names) {
    const g = z.filter((_, i) => checks[i].category === name && !labels[i]);
    const d = z.filter((_, i) => checks[i].category === name && labels[i]);
    if (g.length === 0) {
      categories[name] = noGoodItemsReport(name, global.logit, d, confidence);
      continue;
    }
    if (g.length >= minGood && d.length >= minDamaged) {
      categories[name] = { ...chooseThreshold(g, d, { targetFpr, confidence, mode }), ownThreshold: true };
    } else {
      const report = evaluateThreshold(global.logit, g, d, targetFpr, confidence);
      report.warnings.unshift(`uses the global threshold: ${g.length} good and ${d.length} damaged items (needs ${minGood} and ${minDamaged} for its own)`);
      categories[name] = { ...report, ownThreshold: false };
    }
  }

  progress('drawing the curves');
  const points = operatingPoints(z.map((score, i) => ({ score, damaged: labels[i] })));
  warnings.push(...global.warnings);
  return {
    schema: THRESHOLDS_SCHEMA,
    createdAt: (options.now ?? new Date()).toISOString(),
    source: { description: options.description ?? 'labelled checks', n: checks.length, nGood, nDamaged, prevalence: nDamaged / checks.length, ...(options.model ? { model: options.model } : {}) },
    fusion,
    ...(guard ? { fusionGuard: guard } : {}),
    calibration,
    targetFpr,
    confidence,
    mode,
    evaluation,
    global: { ...global, score: applyCalibrator(calibration, global.logit) },
    categories,
    curves: {
      auc: rocAuc(points),
      averagePrecision: averagePrecision(points),
      roc: thinCurve(rocPolyline(points)),
      pr: thinCurve(prPolyline(points)),
    },
    histogram: histogram(z, labels),
    warnings,
  };
}
