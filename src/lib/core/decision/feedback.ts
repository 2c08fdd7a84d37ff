// An associate's word on a verdict: "yes, damaged" / "no, it is fine", optionally with the damage
// type and the region (a box on the photo). These records are the labelled data for the next
// calibration on this device and, exported, for the next training run.
import { DAMAGE_TYPES, type DamageType, type Verdict } from '../types.ts';
import { DecisionConfigError } from './errors.ts';
import type { LabelledCheck } from './fit.ts';

/** A box in normalised image coordinates (0..1, origin top left). */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FeedbackRecord {
  id: string;
  /** ISO time of the feedback. */
  at: string;
  product: string | null;
  category: string | null;
  /** What the device said. */
  verdict: Verdict;
  score: number;
  damage: number;
  types: Partial<Record<DamageType, number>>;
  anomaly: number | null;
  /** What the associate says the item is. */
  label: 'good' | 'damaged';
  damageType: DamageType | null;
  region: Region | null;
  /** The photo's file name in an export, and its size in pixels (for COCO boxes). */
  image: { fileName: string; width: number; height: number } | null;
}

/** Whether the associate agreed with the device. Retakes are neither. */
export function agreement(r: FeedbackRecord): 'confirmed' | 'overruled' | null {
  if (r.verdict === 'retake') return null;
  return (r.verdict === 'sideline') === (r.label === 'damaged') ? 'confirmed' : 'overruled';
}

const isUnit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Validates a record before it is stored, so the training export never holds nonsense. */
export function checkFeedback(r: FeedbackRecord): FeedbackRecord {
  if (!r.id) throw new DecisionConfigError('feedback needs an id');
  if (Number.isNaN(Date.parse(r.at))) throw new DecisionConfigError(`feedback time is not a date: ${r.at}`);
  if (r.label !== 'good' && r.label !== 'damaged') throw new DecisionConfigError(`label must be good or damaged, got ${JSON.stringify(r.label)}`);
  if (!['pass', 'sideline', 'retake'].includes(r.verdict)) throw new DecisionConfigError(`verdict must be pass, sideline or retake, got ${JSON.stringify(r.verdict)}`);
  if (!isUnit(r.score) || !isUnit(r.damage)) throw new DecisionConfigError('score and damage must be probabilities');
  if (r.anomaly !== null && !isUnit(r.anomaly)) throw new DecisionConfigError('anomaly must be a probability or null');
  if (r.damageType !== null && !(DAMAGE_TYPES as readonly string[]).includes(r.damageType)) throw new DecisionConfigError(`unknown damage type ${JSON.stringify(r.damageType)}`);
  if (r.label === 'good' && (r.damageType !== null || r.region !== null)) throw new DecisionConfigError('a good item has no damage type or region');
  if (r.image) {
    const { fileName, width, height } = r.image;
    // The name becomes a path in the export zip: a plain file name, never a folder or "..".
    if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(fileName)) throw new DecisionConfigError(`photo file name must be a plain file name, got ${JSON.stringify(fileName)}`);
    if (![width, height].every((v) => Number.isInteger(v) && v > 0)) throw new DecisionConfigError(`photo size must be whole pixels, got ${width}×${height}`);
  }
  if (r.region) {
    const { x, y, width, height } = r.region;
    if (![x, y, width, height].every(isUnit) || width === 0 || height === 0 || x + width > 1 + 1e-9 || y + height > 1 + 1e-9) {
      throw new DecisionConfigError('region must be a non-empty box inside the photo (normalised 0..1)');
    }
  }
  return r;
}

/** Feedback as labelled checks for `fitDecisionModel` (retakes carry no verdict to learn from). */
export function feedbackToLabelledChecks(records: readonly FeedbackRecord[]): LabelledCheck[] {
  return records
    .filter((r) => r.verdict !== 'retake')
    .map((r) => ({ id: r.id, damaged: r.label === 'damaged', category: r.category, inputs: { damage: r.damage, types: r.types, anomaly: r.anomaly } }));
}

export interface RecalibrationReadiness {
  ready: boolean;
  good: number;
  damaged: number;
  /** Feedback on retakes: stored, but there was no verdict to learn from. */
  retakes: number;
  minGood: number;
  minDamaged: number;
  message: string;
}

/** Enough labelled checks to refit? Never refit silently: the caller shows this and asks. */
export function recalibrationReadiness(records: readonly FeedbackRecord[], minGood = 200, minDamaged = 30): RecalibrationReadiness {
  const checks = feedbackToLabelledChecks(records);
  const damaged = checks.filter((c) => c.damaged).length;
  const good = checks.length - damaged;
  const retakes = records.length - checks.length;
  const ready = good >= minGood && damaged >= minDamaged;
  const missing = [good < minGood ? `${minGood - good} more good` : null, damaged < minDamaged ? `${minDamaged - damaged} more damaged` : null].filter(Boolean);
  const retakeNote = retakes ? ` (${retakes} on retakes not counted)` : '';
  return {
    ready,
    good,
    damaged,
    retakes,
    minGood,
    minDamaged,
    message: ready
      ? `${good} good and ${damaged} damaged checks confirmed on this device${retakeNote}: enough to recalibrate`
      : `${good} good and ${damaged} damaged checks confirmed so far${retakeNote}; recalibrating needs at least ${minGood} good and ${minDamaged} damaged (${missing.join(' and ')})`,
  };
}
