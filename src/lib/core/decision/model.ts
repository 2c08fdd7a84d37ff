// The thresholds file (`intact calibrate -o thresholds.json`, the Calibrate screen's "save"): the
// fitted fusion, its calibration and the sideline thresholds, together with the evidence behind
// them. One JSON document so the device and the CLI decide identically from the same file.
import { applyCalibrator, type Calibrator } from './calibration.ts';
import { DecisionConfigError } from './errors.ts';
import { FEATURE_NAMES, featureValue, type FeatureName, type FusionInputs } from './features.ts';
import type { FusionGuard } from './fusion-guard.ts';
import type { ThresholdReport } from './threshold.ts';

export const THRESHOLDS_SCHEMA = 'intact-thresholds/1';

export interface ScoringModel {
  id: string;
  version: string;
  sha256: string;
}

/** Why these thresholds may not fit the running model, or null when they do (or cannot be told). */
export function modelMismatch(model: DecisionModel, running: { id: string; sha256: string }[]): string | null {
  const fitted = model.source.model;
  if (!fitted || running.length === 0) return null;
  if (running.some((m) => m.sha256 === fitted.sha256)) return null;
  return `these thresholds were fitted to scores of ${fitted.id} ${fitted.version} (${fitted.sha256.slice(0, 12)}), but this device runs ${running.map((m) => `${m.id} (${m.sha256.slice(0, 12)})`).join(', ')}: recalibrate`;
}

export interface FusionModel {
  features: FeatureName[];
  weights: number[];
  bias: number;
  /** Value used for a feature missing at decision time (its mean over the training data). */
  impute: number[];
  /**
   * Per feature, a floor its value is raised to before weighting (null: none): below it a score
   * says "nothing seen", and the differences between one quiet score and another are noise that
   * would otherwise move the fused score (see fusion-guard.ts). Absent in older files.
   */
  floors?: (number | null)[];
}

export interface CategoryThreshold extends ThresholdReport {
  /** false: too little data for this category, so the global threshold applies (this report evaluates it). */
  ownThreshold: boolean;
}

export interface DecisionModel {
  schema: typeof THRESHOLDS_SCHEMA;
  createdAt: string;
  /** Where the labelled data came from, in words, and what it held. */
  source: {
    description: string;
    n: number;
    nGood: number;
    nDamaged: number;
    prevalence: number;
    /** The damage model whose scores these are: thresholds do not carry over to another model. */
    model?: ScoringModel;
  };
  fusion: FusionModel;
  /** How each evidence group was weighted so no labelled set ranks worse than its best input (fusion-guard.ts). */
  fusionGuard?: FusionGuard;
  calibration: Calibrator;
  targetFpr: number;
  confidence: number;
  mode: 'estimate' | 'guarantee';
  /** How the figures below were measured: out-of-fold predictions, or in-sample when data is too small. */
  evaluation: { method: 'cross-validated'; folds: number } | { method: 'in-sample' };
  global: ThresholdReport & { score: number };
  categories: Record<string, CategoryThreshold>;
  curves: { auc: number; averagePrecision: number; roc: [number, number][]; pr: [number, number][] };
  histogram: { edges: number[]; good: number[]; damaged: number[] };
  warnings: string[];
}

/** A feature's value as the fusion weighs it: imputed when missing, raised to its floor. */
export function fusionValue(fusion: FusionModel, j: number, inputs: FusionInputs): number {
  const v = featureValue(fusion.features[j], inputs);
  const value = Number.isNaN(v) ? fusion.impute[j] : v;
  const floor = fusion.floors?.[j];
  return floor == null ? value : Math.max(floor, value);
}

export function fusedLogit(fusion: FusionModel, inputs: FusionInputs): number {
  let z = fusion.bias;
  for (let j = 0; j < fusion.features.length; j++) z += fusion.weights[j] * fusionValue(fusion, j, inputs);
  return z;
}

export const calibratedScore = (model: DecisionModel, z: number): number => applyCalibrator(model.calibration, z);

/** The threshold (fused logit) that applies to an item of this category. */
export function thresholdFor(model: DecisionModel, category: string | null | undefined): { logit: number; category: string | null } {
  const own = category ? model.categories[category] : undefined;
  return own?.ownThreshold ? { logit: own.logit, category: category ?? null } : { logit: model.global.logit, category: null };
}

// ---- validation of a file read from disk or imported on the device -------------------------------

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function numberArray(v: unknown, where: string, length?: number): number[] {
  if (!Array.isArray(v) || !v.every(isFiniteNumber)) throw new DecisionConfigError(`${where} must be an array of numbers`);
  if (length !== undefined && v.length !== length) throw new DecisionConfigError(`${where} must have ${length} entries, has ${v.length}`);
  return v;
}

function unitNumber(v: unknown, where: string): number {
  if (!isFiniteNumber(v) || v < 0 || v > 1) throw new DecisionConfigError(`${where} must be a number in [0, 1]`);
  return v;
}

function checkReport(v: unknown, where: string): void {
  if (!isObject(v)) throw new DecisionConfigError(`${where} is missing`);
  // The threshold may be ±Infinity in memory; JSON stores those as null, so accept both.
  if (!(isFiniteNumber(v.logit) || v.logit === null)) throw new DecisionConfigError(`${where}.logit must be a number`);
  if (v.logit === null) v.logit = Infinity;
  for (const k of ['nGood', 'nDamaged', 'falseSidelines']) {
    if (!Number.isInteger(v[k]) || (v[k] as number) < 0) throw new DecisionConfigError(`${where}.${k} must be a count`);
  }
  unitNumber(v.achievedFpr, `${where}.achievedFpr`);
  unitNumber(v.fprUpperBound, `${where}.fprUpperBound`);
  if (v.recall !== null) unitNumber(v.recall, `${where}.recall`);
  if (!Array.isArray(v.warnings)) v.warnings = [];
}

function checkCalibrator(v: unknown): Calibrator {
  if (!isObject(v)) throw new DecisionConfigError('calibration is missing');
  if (v.method === 'platt') {
    if (!isFiniteNumber(v.a) || !isFiniteNumber(v.b)) throw new DecisionConfigError('calibration.a and calibration.b must be numbers');
    return { method: 'platt', a: v.a, b: v.b };
  }
  if (v.method === 'isotonic') {
    const x = numberArray(v.x, 'calibration.x');
    const y = numberArray(v.y, 'calibration.y', x.length);
    if (x.length < 2) throw new DecisionConfigError('calibration.x needs at least 2 points');
    for (let i = 1; i < x.length; i++) {
      if (!(x[i] > x[i - 1])) throw new DecisionConfigError('calibration.x must be strictly increasing');
      if (!(y[i] >= y[i - 1])) throw new DecisionConfigError('calibration.y must be non-decreasing');
    }
    y.forEach((p, i) => unitNumber(p, `calibration.y[${i}]`));
    return { method: 'isotonic', x, y };
  }
  throw new DecisionConfigError(`calibration.method must be "platt" or "isotonic", got ${JSON.stringify(v.method)}`);
}

/** Checks a parsed thresholds file and returns it typed; throws DecisionConfigError naming the bad field. */
export function parseDecisionModel(v: unknown): DecisionModel {
  if (!isObject(v)) throw new DecisionConfigError('thresholds file must be a JSON object');
  if (v.schema !== THRESHOLDS_SCHEMA) throw new DecisionConfigError(`thresholds file schema must be "${THRESHOLDS_SCHEMA}", got ${JSON.stringify(v.schema)}`);
  const fusion = v.fusion;
  if (!isObject(fusion)) throw new DecisionConfigError('fusion is missing');
  if (!Array.isArray(fusion.features) || !fusion.features.every((f) => (FEATURE_NAMES as readonly unknown[]).includes(f))) {
    throw new DecisionConfigError(`fusion.features must list names from ${FEATURE_NAMES.join(', ')}`);
  }
  numberArray(fusion.weights, 'fusion.weights', fusion.features.length);
  numberArray(fusion.impute, 'fusion.impute', fusion.features.length);
  if (fusion.floors !== undefined) {
    if (!Array.isArray(fusion.floors) || fusion.floors.length !== fusion.features.length || !fusion.floors.every((f) => f === null || isFiniteNumber(f))) {
      throw new DecisionConfigError('fusion.floors must list a number or null per feature');
    }
  }
  if (!isFiniteNumber(fusion.bias)) throw new DecisionConfigError('fusion.bias must be a number');
  v.calibration = checkCalibrator(v.calibration);
  const target = v.targetFpr;
  if (!isFiniteNumber(target) || target <= 0 || target >= 1) throw new DecisionConfigError('targetFpr must be a number between 0 and 1');
  if (!isFiniteNumber(v.confidence) || v.confidence <= 0 || v.confidence >= 1) throw new DecisionConfigError('confidence must be a number between 0 and 1');
  if (v.mode !== 'estimate' && v.mode !== 'guarantee') throw new DecisionConfigError('mode must be "estimate" or "guarantee"');
  checkReport(v.global, 'global');
  if (!isObject(v.categories)) throw new DecisionConfigError('categories must be an object');
  for (const [name, report] of Object.entries(v.categories)) {
    checkReport(report, `categories.${name}`);
    if (typeof (report as Json).ownThreshold !== 'boolean') throw new DecisionConfigError(`categories.${name}.ownThreshold must be true or false`);
  }
  if (!isObject(v.source) || typeof v.source.description !== 'string') throw new DecisionConfigError('source.description must say where the data came from');
  const scoring = v.source.model;
  if (scoring !== undefined && !(isObject(scoring) && typeof scoring.id === 'string' && typeof scoring.version === 'string' && typeof scoring.sha256 === 'string')) {
    throw new DecisionConfigError('source.model must have id, version and sha256');
  }
  if (!Array.isArray(v.warnings)) throw new DecisionConfigError('warnings must be an array');
  return v as unknown as DecisionModel;
}

/** JSON for the file: ±Infinity thresholds (nothing/everything sidelined) become null and are read back as Infinity. */
export const serializeDecisionModel = (model: DecisionModel): string =>
  JSON.stringify(model, (_k, value) => (typeof value === 'number' && !Number.isFinite(value) ? null : value), 2) + '\n';
