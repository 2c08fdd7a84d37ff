// What the fusion sees of one check. Probabilities enter as logits (clipped away from 0 and 1) so
// a logistic combination of them is a weighted vote of log-odds, the natural scale for stacking.
import { DAMAGE_TYPES, type DamageType } from '../types.ts';

export const FEATURE_NAMES = ['damage', 'anomaly', 'anomalyMissing', 'topType'] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** The numbers fusion needs from one check; the CLI's `inspect` line carries all of them. */
export interface FusionInputs {
  damage: number;
  types: Partial<Record<DamageType, number>>;
  /** null when there were no references to compare with, or identification was too unsure to trust them. */
  anomaly: number | null;
}

const LOGIT_CLIP = 1e-6;
export function logit(p: number): number {
  const q = Math.min(1 - LOGIT_CLIP, Math.max(LOGIT_CLIP, p));
  return Math.log(q / (1 - q));
}

export function topDamageType(types: Partial<Record<DamageType, number>>): { type: DamageType; p: number } {
  let best: DamageType = DAMAGE_TYPES[0];
  let p = -Infinity;
  for (const t of DAMAGE_TYPES) {
    const v = types[t];
    if (v !== undefined && v > p) {
      best = t;
      p = v;
    }
  }
  return { type: best, p: Number.isFinite(p) ? p : 0 };
}

/** A feature's value, or NaN where it is missing (the fitted model imputes its training mean). */
export function featureValue(name: FeatureName, input: FusionInputs): number {
  switch (name) {
    case 'damage':
      return logit(input.damage);
    case 'anomaly':
      return input.anomaly === null ? NaN : logit(input.anomaly);
    case 'anomalyMissing':
      return input.anomaly === null ? 1 : 0;
    case 'topType':
      return logit(topDamageType(input.types).p);
  }
}

/** Throws a RangeError naming the first value that is not a number in [0, 1]. */
export function checkFusionInputs(input: FusionInputs): void {
  const bad = (v: unknown) => typeof v !== 'number' || !(v >= 0 && v <= 1);
  if (bad(input.damage)) throw new RangeError(`damage must be a probability in [0, 1], got ${input.damage}`);
  if (input.anomaly !== null && bad(input.anomaly)) throw new RangeError(`anomaly must be a probability in [0, 1] or null, got ${input.anomaly}`);
  for (const t of DAMAGE_TYPES) {
    const v = input.types[t];
    if (v !== undefined && bad(v)) throw new RangeError(`types.${t} must be a probability in [0, 1], got ${v}`);
  }
}
