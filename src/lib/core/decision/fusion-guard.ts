// The fused score must never rank a kind of case worse than its best single input does: on a set
// of logical anomalies (a broken set, a spill beside the item) the comparison with references
// alone may rank far better than the damage model, and a logistic fitted on everything lets the
// damage model's noise drown it. When the labelled data names its sets (a `set` column), two
// things are chosen to maximise the worst set's margin over that set's best single input (the
// overall ROC-AUC breaking ties):
//  - a floor per evidence group: scores below it all count as "nothing seen". A damage model
//    that says 0.001 on one intact item and 0.05 on another has seen nothing on either, but in
//    log-odds the two are 4 apart, enough to drown the comparison's evidence of a missing unit;
//  - a multiplier per group on the weights fitted with those floors: an uninformative group is
//    turned down, even to zero.
import { featureValue, type FeatureName, type FusionInputs } from './features.ts';
import { fusedLogit, type FusionModel } from './model.ts';
import { operatingPoints, rocAuc } from './roc.ts';

export const EVIDENCE_GROUPS = {
  damage: ['damage', 'topType'] as readonly FeatureName[],
  comparison: ['anomaly', 'anomalyMissing'] as readonly FeatureName[],
};
type Group = keyof typeof EVIDENCE_GROUPS;

const MULTIPLIERS = [0, 0.125, 0.25, 0.5, 1, 2, 4, 8];
/** Floors tried per group, as probabilities (null: none); the features are log-odds. */
const FLOORS = [null, 0.02, 0.05, 0.1, 0.2];

export interface GuardedItem {
  inputs: FusionInputs;
  damaged: boolean;
  set: string;
}

export interface SetEvidence {
  set: string;
  good: number;
  damaged: number;
  /** ROC-AUC of the fused score on this set, and of its best single input. */
  fusedAuc: number;
  bestInput: FeatureName;
  bestInputAuc: number;
}

export interface FusionGuard {
  multipliers: Record<Group, number>;
  /** The group's floor as a probability; null: none. */
  floors: Record<Group, number | null>;
  sets: SetEvidence[];
}

const groupOf = (f: FeatureName): Group => (EVIDENCE_GROUPS.damage.includes(f) ? 'damage' : 'comparison');
const logOdds = (p: number) => Math.log(p / (1 - p));
const auc = (items: readonly { score: number; damaged: boolean }[]) => rocAuc(operatingPoints(items));

/** Per feature, its group's floor in log-odds; anomalyMissing is 0/1, not log-odds, and never gets one. */
export function featureFloors(features: readonly FeatureName[], floors: Record<Group, number | null>): (number | null)[] {
  return features.map((f) => {
    const p = floors[groupOf(f)];
    return p === null || f === 'anomalyMissing' ? null : logOdds(p);
  });
}

const scaled = (fusion: FusionModel, m: Record<Group, number>): FusionModel => ({ ...fusion, weights: fusion.weights.map((w, j) => w * m[groupOf(fusion.features[j])]) });

/** Sets with both good and damaged items; the others cannot be ranked. */
function rankableSets(items: readonly GuardedItem[]): Map<string, GuardedItem[]> {
  const sets = new Map<string, GuardedItem[]>();
  for (const it of items) sets.set(it.set, [...(sets.get(it.set) ?? []), it]);
  return new Map([...sets].filter(([, xs]) => xs.some((x) => x.damaged) && xs.some((x) => !x.damaged)));
}

/** Each set's best single input: the feature whose raw value alone ranks it best. */
function bestInputs(features: readonly FeatureName[], impute: readonly number[], sets: Map<string, GuardedItem[]>) {
  const out = new Map<string, { feature: FeatureName; auc: number }>();
  for (const [name, xs] of sets) {
    let best = { feature: features[0], auc: -Infinity };
    features.forEach((f, j) => {
      const a = auc(xs.map((x) => {
        const v = featureValue(f, x.inputs);
        return { score: Number.isNaN(v) ? impute[j] : v, damaged: x.damaged };
      }));
      if (a > best.auc) best = { feature: f, auc: a };
    });
    out.set(name, best);
  }
  return out;
}

/**
 * Chooses the floors and multipliers (see the header); `fitWithFloors` fits the logistic fusion on
 * the features raised to the given floors. Null when fewer than two sets can be ranked.
 */
export function guardFusion(
  items: readonly GuardedItem[],
  fitWithFloors: (floors: Record<Group, number | null>) => FusionModel,
): { fusion: FusionModel; guard: FusionGuard } | null {
  const sets = rankableSets(items);
  if (sets.size < 2) return null;
  let best: { key: [number, number]; fusion: FusionModel; guard: FusionGuard } | null = null;
  let inputs: ReturnType<typeof bestInputs> | null = null;
  for (const damageFloor of FLOORS) {
    for (const comparisonFloor of FLOORS) {
      const floors = { damage: damageFloor, comparison: comparisonFloor };
      const fitted = fitWithFloors(floors);
      inputs ??= bestInputs(fitted.features, fitted.impute, sets);
      for (const damage of MULTIPLIERS) {
        for (const comparison of MULTIPLIERS) {
          if (damage === 0 && comparison === 0) continue;
          const multipliers = { damage, comparison };
          const candidate = scaled(fitted, multipliers);
          const score = (x: GuardedItem) => ({ score: fusedLogit(candidate, x.inputs), damaged: x.damaged });
          const evidence = [...sets].map(([set, xs]) => ({
            set,
            good: xs.filter((x) => !x.damaged).length,
            damaged: xs.filter((x) => x.damaged).length,
            fusedAuc: auc(xs.map(score)),
            bestInput: inputs!.get(set)!.feature,
            bestInputAuc: inputs!.get(set)!.auc,
          }));
          const key: [number, number] = [Math.min(...evidence.map((e) => e.fusedAuc - e.bestInputAuc)), auc(items.map(score))];
          if (!best || key[0] > best.key[0] + 1e-12 || (Math.abs(key[0] - best.key[0]) <= 1e-12 && key[1] > best.key[1] + 1e-12)) {
            best = { key, fusion: candidate, guard: { multipliers, floors, sets: evidence } };
          }
        }
      }
    }
  }
  return best && { fusion: best.fusion, guard: best.guard };
}

/** The guard's floors and multipliers applied to a fusion fitted with those floors (cross-validation folds). */
export const applyGuard = (fusion: FusionModel, guard: FusionGuard): FusionModel => scaled(fusion, guard.multipliers);
