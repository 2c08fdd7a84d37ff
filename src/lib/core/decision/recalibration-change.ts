// What a recalibration would change, said before anyone applies it: the thresholds in use and the
// proposed ones, each run over the same labelled checks (this device's feedback), counting the
// good items each would sideline and the damaged items each would catch, and the checks whose
// verdict flips. Judged by the fused score against the threshold, as decide() does before the
// severity policy and barcode/unit findings.
import type { LabelledCheck } from './fit.ts';
import { calibratedScore, fusedLogit, thresholdFor, type DecisionModel } from './model.ts';

export interface ModelOnChecks {
  goodSidelined: number;
  damagedCaught: number;
  /** The calibrated score at the global threshold (what "sideline above" means to a person). */
  thresholdScore: number;
}

export interface RecalibrationChange {
  nGood: number;
  nDamaged: number;
  current: ModelOnChecks;
  proposed: ModelOnChecks;
  /** Good items the proposal would newly sideline, and ones it would newly pass. */
  goodNowSidelined: number;
  goodNowPassed: number;
  /** Damaged items the proposal would newly catch, and ones it would newly miss. */
  damagedNowCaught: number;
  damagedNowMissed: number;
}

const sidelines = (model: DecisionModel, check: LabelledCheck): boolean => fusedLogit(model.fusion, check.inputs) > thresholdFor(model, check.category).logit;

export function recalibrationChange(current: DecisionModel, proposed: DecisionModel, checks: readonly LabelledCheck[]): RecalibrationChange {
  const change: RecalibrationChange = {
    nGood: 0,
    nDamaged: 0,
    current: { goodSidelined: 0, damagedCaught: 0, thresholdScore: calibratedScore(current, current.global.logit) },
    proposed: { goodSidelined: 0, damagedCaught: 0, thresholdScore: calibratedScore(proposed, proposed.global.logit) },
    goodNowSidelined: 0,
    goodNowPassed: 0,
    damagedNowCaught: 0,
    damagedNowMissed: 0,
  };
  for (const check of checks) {
    const before = sidelines(current, check);
    const after = sidelines(proposed, check);
    if (check.damaged) {
      change.nDamaged++;
      if (before) change.current.damagedCaught++;
      if (after) change.proposed.damagedCaught++;
      if (after && !before) change.damagedNowCaught++;
      if (before && !after) change.damagedNowMissed++;
    } else {
      change.nGood++;
      if (before) change.current.goodSidelined++;
      if (after) change.proposed.goodSidelined++;
      if (after && !before) change.goodNowSidelined++;
      if (before && !after) change.goodNowPassed++;
    }
  }
  return change;
}
