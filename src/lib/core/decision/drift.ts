// Is this device sidelining more (or fewer) items than expected? Over the last N judged checks
// the sideline count is compared with the expected rate by an exact binomial test; a small
// p-value means the difference is unlikely to be chance: new packaging, new lighting, a dirty
// lens or a changed supplier. Retakes are counted apart: they are a photo problem, not a verdict.
import type { Verdict } from '../types.ts';
import { binomialTestTwoSided, clopperPearsonInterval } from './stats.ts';
import { percent } from './threshold.ts';

export interface DriftOptions {
  /** How many of the most recent judged checks to look at. */
  window: number;
  /** The sideline rate the operations manager expects (0..1). */
  expectedRate: number;
  /** Warn when the binomial test's p-value is below this. */
  alpha: number;
  /** Below this many judged checks, say so instead of testing. */
  minChecks: number;
}

export const DEFAULT_DRIFT_OPTIONS: DriftOptions = { window: 200, expectedRate: 0.02, alpha: 0.01, minChecks: 30 };

export interface DriftReport {
  status: 'ok' | 'high' | 'low' | 'too-few';
  /** Judged (pass or sideline) checks in the window. */
  checks: number;
  sidelined: number;
  rate: number | null;
  /** 95 % two-sided exact interval on the true rate. */
  interval: [number, number] | null;
  expectedRate: number;
  pValue: number | null;
  retakes: number;
  message: string;
}

export function checkDriftOptions(o: DriftOptions): void {
  if (!Number.isInteger(o.window) || o.window < 1) throw new RangeError(`window must be a whole number ≥ 1, got ${o.window}`);
  if (!(o.expectedRate > 0 && o.expectedRate < 1)) throw new RangeError(`expected sideline rate must be between 0 and 1, got ${o.expectedRate}`);
  if (!(o.alpha > 0 && o.alpha < 1)) throw new RangeError(`alpha must be between 0 and 1, got ${o.alpha}`);
}

/** `verdicts` oldest first; only the last `window` pass/sideline verdicts count. */
export function driftReport(verdicts: readonly Verdict[], options: DriftOptions = DEFAULT_DRIFT_OPTIONS): DriftReport {
  checkDriftOptions(options);
  const judged: Verdict[] = [];
  let retakes = 0;
  for (let i = verdicts.length - 1; i >= 0 && judged.length < options.window; i--) {
    if (verdicts[i] === 'retake') retakes++;
    else judged.push(verdicts[i]);
  }
  const n = judged.length;
  const k = judged.filter((v) => v === 'sideline').length;
  const expected = options.expectedRate;
  if (n < options.minChecks) {
    return { status: 'too-few', checks: n, sidelined: k, rate: n ? k / n : null, interval: n ? clopperPearsonInterval(k, n) : null, expectedRate: expected, pValue: null, retakes, message: `${n} ${n === 1 ? 'check' : 'checks'} so far: at least ${options.minChecks} are needed before the sideline rate means anything` };
  }
  const rate = k / n;
  const pValue = binomialTestTwoSided(k, n, expected);
  const interval = clopperPearsonInterval(k, n);
  const observed = `${k} of the last ${n} checks sidelined (${percent(rate)}; expected ${percent(expected)})`;
  if (pValue >= options.alpha) return { status: 'ok', checks: n, sidelined: k, rate, interval, expectedRate: expected, pValue, retakes, message: `${observed}: within normal variation` };
  const high = rate > expected;
  const advice = high
    ? 'more than expected: check the lighting, the lens and whether packaging has changed, and confirm or overrule a few verdicts'
    : 'fewer than expected: damage may be slipping through; check the camera position and confirm a few passes by eye';
  return { status: high ? 'high' : 'low', checks: n, sidelined: k, rate, interval, expectedRate: expected, pValue, retakes, message: `${observed}: ${advice} (p = ${pValue < 0.001 ? pValue.toExponential(1) : pValue.toFixed(3)})` };
}
