// Exact binomial statistics for small counts. A false-sideline rate of 0.1 % is estimated from a
// handful of events (often zero), where normal approximations are wrong; everything here is exact
// (Clopper–Pearson, binomial tail sums) so the bounds shown to an operations manager hold.

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

// Continued fraction for the incomplete beta function (modified Lentz); converges fast for
// x < (a + 1) / (a + b + 2), the caller uses the symmetry relation otherwise.
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return h;
}

/** Regularised incomplete beta I_x(a, b), the CDF of Beta(a, b) at x. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0)) throw new RangeError(`beta parameters must be positive (a=${a}, b=${b})`);
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lnFront) * betaContinuedFraction(x, a, b)) / a;
  return 1 - (Math.exp(lnFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The p-quantile of Beta(a, b), by bisection: slow-ish but cannot fail to converge. */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile level must be in [0, 1], got ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 200 && hi - lo > 1e-15; i++) {
    const mid = (lo + hi) / 2;
    if (regularizedBeta(mid, a, b) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

function checkCounts(k: number, n: number): void {
  if (!Number.isInteger(k) || !Number.isInteger(n) || n <= 0 || k < 0 || k > n) {
    throw new RangeError(`need integer counts with 0 ≤ k ≤ n and n > 0 (k=${k}, n=${n})`);
  }
}

/** One-sided exact (Clopper–Pearson) upper bound on a rate after k events in n trials. */
export function clopperPearsonUpper(k: number, n: number, confidence = 0.95): number {
  checkCounts(k, n);
  if (k === n) return 1;
  return betaQuantile(confidence, k + 1, n - k);
}

/** One-sided exact (Clopper–Pearson) lower bound on a rate after k events in n trials. */
export function clopperPearsonLower(k: number, n: number, confidence = 0.95): number {
  checkCounts(k, n);
  if (k === 0) return 0;
  return betaQuantile(1 - confidence, k, n - k + 1);
}

/** Two-sided exact interval with the given coverage (e.g. 0.95 → 2.5 % in each tail). */
export function clopperPearsonInterval(k: number, n: number, coverage = 0.95): [number, number] {
  const tail = (1 - coverage) / 2;
  return [clopperPearsonLower(k, n, 1 - tail), clopperPearsonUpper(k, n, 1 - tail)];
}

/**
 * Fewest trials that can show a rate is below `rate` with the given confidence: even zero events
 * in fewer trials leave an upper bound above it. About 3 / rate at 95 % (the "rule of three").
 */
export function trialsToDemonstrate(rate: number, confidence = 0.95): number {
  if (!(rate > 0 && rate < 1)) throw new RangeError(`rate must be in (0, 1), got ${rate}`);
  return Math.ceil(Math.log(1 - confidence) / Math.log1p(-rate));
}

/** The smallest rate n trials with zero events can demonstrate (the upper bound at k = 0). */
export function smallestDemonstrableRate(n: number, confidence = 0.95): number {
  return clopperPearsonUpper(0, n, confidence);
}

/** ln P(X = k) for X ~ Binomial(n, p). */
export function binomialLogPmf(k: number, n: number, p: number): number {
  if (p === 0) return k === 0 ? 0 : -Infinity;
  if (p === 1) return k === n ? 0 : -Infinity;
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p);
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialUpperTail(k: number, n: number, p: number): number {
  checkCounts(k, n);
  if (k === 0) return 1;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return regularizedBeta(p, k, n - k + 1);
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialLowerTail(k: number, n: number, p: number): number {
  checkCounts(k, n);
  if (k === n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  return 1 - regularizedBeta(p, k + 1, n - k);
}

/**
 * Exact two-sided binomial test p-value: the total probability of outcomes no more likely than the
 * one observed (the same definition as R's binom.test and SciPy's binomtest).
 */
export function binomialTestTwoSided(k: number, n: number, p: number): number {
  checkCounts(k, n);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be in [0, 1], got ${p}`);
  const observed = binomialLogPmf(k, n, p);
  const slack = Math.log1p(1e-7);
  let total = 0;
  for (let i = 0; i <= n; i++) {
    const lp = binomialLogPmf(i, n, p);
    if (lp <= observed + slack) total += Math.exp(lp);
  }
  return Math.min(1, total);
}

/** Standard normal CDF Φ(x), via erfc with ~1e-7 relative accuracy (Numerical Recipes' erfcc). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z - 1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 +
        t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, ~1e-9 relative error). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normal quantile needs p in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
