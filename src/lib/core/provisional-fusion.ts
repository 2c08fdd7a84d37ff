// PROVISIONAL score fusion and verdict, until the calibrated decision module
// (src/lib/core/decision/) replaces it: callers only use `decide`, so the swap is one import.
//
// Fusion is a noisy-OR: the item should be sidelined if the damage model fires OR the item
// differs from its pristine references, the latter weighted down because an unusual pose or
// light also raises the anomaly score:  score = 1 − (1 − damage)·(1 − w·anomaly).
// Without references (anomaly null) the score is the damage probability itself.
import type { QualityReport } from './check-result.ts';
import { probability, type DamageType, type DamageTypeScores, type Probability, type Verdict } from './types.ts';

export interface ProvisionalThresholds {
  /** Fused score at or above which the item is sidelined. */
  sideline: number;
  /** Weight w of the anomaly score in the noisy-OR, in [0, 1]. */
  anomalyWeight: number;
}

export const DEFAULT_PROVISIONAL_THRESHOLDS: ProvisionalThresholds = { sideline: 0.5, anomalyWeight: 0.5 };

export interface DecisionInput {
  quality: QualityReport;
  damage: number;
  types: DamageTypeScores;
  topType: DamageType;
  anomaly: number | null;
}

export interface Decision {
  score: Probability;
  verdict: Verdict;
  reasons: string[];
}

export function decide(input: DecisionInput, thresholds: ProvisionalThresholds = DEFAULT_PROVISIONAL_THRESHOLDS): Decision {
  const w = thresholds.anomalyWeight;
  const score = probability(1 - (1 - input.damage) * (1 - w * (input.anomaly ?? 0)));
  if (!input.quality.ok) return { score, verdict: 'retake', reasons: [...input.quality.problems] };
  const reasons: string[] = [];
  const damageShare = input.damage;
  const anomalyShare = w * (input.anomaly ?? 0);
  if (score >= thresholds.sideline) {
    const parts = [
      { share: damageShare, text: `looks damaged (${input.topType}, ${pct(input.damage)})` },
      { share: anomalyShare, text: `differs from the product's references (${pct(input.anomaly ?? 0)})` },
    ].sort((a, b) => b.share - a.share);
    for (const p of parts) if (p.share > 0.1 * score) reasons.push(p.text);
    return { score, verdict: 'sideline', reasons };
  }
  reasons.push(`no damage found (${pct(score)} sideline score)`);
  if (input.anomaly === null) reasons.push('not compared with references (no gallery match)');
  return { score, verdict: 'pass', reasons };
}

const pct = (p: number) => `${Math.round(p * 100)} %`;
