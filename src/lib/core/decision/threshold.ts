// Choosing the sideline threshold from the good items' scores so that at most a target fraction
// of good items is sidelined, and saying how sure that is. With n good items and k of them
// sidelined, the exact 95 % upper bound on the true rate is the Clopper–Pearson bound; with k = 0
// it is about 3 / n, so a 0.1 % target needs roughly 3 000 good items before it can be shown.
import { clopperPearsonInterval, clopperPearsonUpper, trialsToDemonstrate } from './stats.ts';

export type ThresholdMode =
  /** The largest recall whose observed false-sideline rate is at most the target. */
  | 'estimate'
  /** The largest recall whose upper confidence bound on the false-sideline rate is at most the target. */
  | 'guarantee';

export interface ThresholdOptions {
  targetFpr: number;
  /** Confidence for the one-sided upper bound (and the two-sided recall interval). */
  confidence?: number;
  mode?: ThresholdMode;
}

export interface ThresholdReport {
  /** Items whose fused logit is strictly above this are sidelined. */
  logit: number;
  nGood: number;
  nDamaged: number;
  falseSidelines: number;
  /** falseSidelines / nGood on the labelled data. */
  achievedFpr: number;
  /** One-sided Clopper–Pearson upper bound on the true false-sideline rate. */
  fprUpperBound: number;
  /** Damaged items sidelined / nDamaged; null when there are no damaged items to measure it on. */
  recall: number | null;
  recallInterval: [number, number] | null;
  /** Whether the data shows (at `confidence`) that the rate is at or below the target. */
  meetsTarget: boolean;
  warnings: string[];
}

/** A rate as a percentage with two significant digits ("0.1 %", "0.99 %", "25 %"). */
export const percent = (r: number): string => `${r === 0 ? 0 : Number((r * 100).toPrecision(2))} %`;

export function checkTarget(targetFpr: number, confidence: number): void {
  if (!(targetFpr > 0 && targetFpr < 1)) throw new RangeError(`target false-sideline rate must be between 0 and 1 (exclusive), got ${targetFpr}`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be between 0 and 1 (exclusive), got ${confidence}`);
}

/** How the given threshold performs on labelled scores (fused logits). */
export function evaluateThreshold(
  threshold: number,
  good: readonly number[],
  damaged: readonly number[],
  targetFpr: number,
  confidence = 0.95,
): ThresholdReport {
  checkTarget(targetFpr, confidence);
  if (good.length === 0) throw new RangeError('need at least one good item to measure false sidelines');
  const falseSidelines = good.filter((z) => z > threshold).length;
  const caught = damaged.filter((z) => z > threshold).length;
  const fprUpperBound = clopperPearsonUpper(falseSidelines, good.length, confidence);
  const warnings: string[] = [];
  const needed = trialsToDemonstrate(targetFpr, confidence);
  const conf = `${Math.round(confidence * 100)} %`;
  if (good.length < needed) {
    warnings.push(
      `only ${good.length} good items: even with no false sidelines the rate can only be shown below ${percent(clopperPearsonUpper(0, good.length, confidence))} at ${conf} confidence; ${needed} good items are needed to show ${percent(targetFpr)}`,
    );
  } else if (fprUpperBound > targetFpr) {
    warnings.push(`the false-sideline rate is ${percent(falseSidelines / good.length)} on this data, but only shown below ${percent(fprUpperBound)} at ${conf} confidence (target ${percent(targetFpr)})`);
  }
  if (damaged.length > 0 && damaged.length < 20) warnings.push(`only ${damaged.length} damaged items: the recall figure is rough`);
  return {
    logit: threshold,
    nGood: good.length,
    nDamaged: damaged.length,
    falseSidelines,
    achievedFpr: falseSidelines / good.length,
    fprUpperBound,
    recall: damaged.length ? caught / damaged.length : null,
    recallInterval: damaged.length ? clopperPearsonInterval(caught, damaged.length, confidence) : null,
    meetsTarget: fprUpperBound <= targetFpr,
    warnings,
  };
}

/**
 * The lowest threshold (most damage caught) whose false sidelines on the good items stay within the
 * target: at most ⌊target·n⌋ of them in 'estimate' mode, or few enough that the upper confidence
 * bound stays within it in 'guarantee' mode (when no count is, nothing good may be sidelined).
 */
export function chooseThreshold(good: readonly number[], damaged: readonly number[], options: ThresholdOptions): ThresholdReport {
  const confidence = options.confidence ?? 0.95;
  checkTarget(options.targetFpr, confidence);
  if (good.length === 0) throw new RangeError('need at least one good item to set a threshold');
  const n = good.length;
  let allowed = Math.floor(options.targetFpr * n);
  if (options.mode === 'guarantee') {
    while (allowed > 0 && clopperPearsonUpper(allowed, n, confidence) > options.targetFpr) allowed--;
  }
  const sorted = [...good].sort((a, b) => b - a);
  // Sidelining strictly above the (allowed+1)-th highest good score sidelines at most `allowed`.
  return evaluateThreshold(sorted[allowed], good, damaged, options.targetFpr, confidence);
}
