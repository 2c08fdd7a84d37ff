// Ridge-penalised logistic regression by Newton's method (IRLS), for stacking a few model scores
// into one. With 2–5 features a full Newton step is cheap and converges in a handful of
// iterations; the ridge keeps weights finite when the classes are perfectly separable, which
// small labelled sets often are.
import { solveSpd } from './linear-algebra.ts';

export interface LogisticModel {
  weights: number[];
  bias: number;
}

export interface LogisticOptions {
  /** L2 penalty on the weights of standardised features (not on the bias). */
  ridge?: number;
  /** Per-sample weights (e.g. to balance classes); default 1. */
  sampleWeights?: readonly number[];
  maxIterations?: number;
}

export const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** log(1 + e^z) without overflow. */
export const softplus = (z: number): number => (z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z)));

export function linearPredictor(model: LogisticModel, x: readonly number[]): number {
  let z = model.bias;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j] * x[j];
  return z;
}

/**
 * Fits p(y = 1 | x) = σ(w·x + b). Features are standardised internally (so one ridge value suits
 * features of any scale) and the weights are returned in the original units.
 */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly (0 | 1)[], options: LogisticOptions = {}): LogisticModel {
  const n = x.length;
  if (n === 0 || n !== y.length) throw new RangeError(`need as many labels as rows (rows=${n}, labels=${y.length})`);
  const d = x[0].length;
  const ridge = options.ridge ?? 1;
  const sw = options.sampleWeights ?? new Array<number>(n).fill(1);
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const row of x) for (let j = 0; j < d; j++) mean[j] += row[j] / n;
  for (const row of x) for (let j = 0; j < d; j++) scale[j] += (row[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]) || 1;
  // Standardised design matrix with a leading 1 for the bias, flat for speed: this loop runs
  // over every item several times per fit and dominates calibration time on large sets.
  const p1 = d + 1;
  const xs = new Float64Array(n * p1);
  for (let i = 0; i < n; i++) {
    xs[i * p1] = 1;
    for (let j = 0; j < d; j++) xs[i * p1 + j + 1] = (x[i][j] - mean[j]) / scale[j];
  }
  const linear = (b: ArrayLike<number>, i: number): number => {
    let z = 0;
    for (let a = 0; a < p1; a++) z += b[a] * xs[i * p1 + a];
    return z;
  };

  // beta[0] is the bias, beta[1..d] the standardised weights.
  let beta = new Array<number>(p1).fill(0);
  const objective = (b: number[]): number => {
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const z = linear(b, i);
      loss += sw[i] * (softplus(z) - y[i] * z);
    }
    for (let j = 1; j <= d; j++) loss += 0.5 * ridge * b[j] * b[j];
    return loss;
  };
  let current = objective(beta);
  for (let iter = 0; iter < (options.maxIterations ?? 100); iter++) {
    const grad = new Array<number>(p1).fill(0);
    const hess = Array.from({ length: p1 }, () => new Array<number>(p1).fill(0));
    for (let i = 0; i < n; i++) {
      const p = sigmoid(linear(beta, i));
      const r = sw[i] * (p - y[i]);
      const w = sw[i] * Math.max(p * (1 - p), 1e-12);
      const row = i * p1;
      for (let a = 0; a < p1; a++) {
        const xa = xs[row + a];
        grad[a] += r * xa;
        const wa = w * xa;
        for (let c = 0; c <= a; c++) hess[a][c] += wa * xs[row + c];
      }
    }
    for (let j = 1; j <= d; j++) {
      grad[j] += ridge * beta[j];
      hess[j][j] += ridge;
    }
    hess[0][0] += 1e-9; // keeps the bias row SPD when every weight is zero
    for (let a = 0; a < p1; a++) for (let c = a + 1; c < p1; c++) hess[a][c] = hess[c][a];
    const step = solveSpd(hess, grad);
    if (!step) break;
    // Damped Newton: halve the step until the penalised loss does not increase.
    let t = 1;
    let next = beta;
    let nextLoss = current;
    for (let k = 0; k < 30; k++) {
      const candidate = beta.map((v, j) => v - t * step[j]);
      const loss = objective(candidate);
      if (loss <= current) {
        next = candidate;
        nextLoss = loss;
        break;
      }
      t /= 2;
    }
    const moved = Math.max(...next.map((v, j) => Math.abs(v - beta[j])));
    beta = next;
    const improved = current - nextLoss;
    current = nextLoss;
    if (moved < 1e-10 || improved < 1e-12 * Math.max(1, Math.abs(current))) break;
  }
  const weights = beta.slice(1).map((w, j) => w / scale[j]);
  let bias = beta[0];
  for (let j = 0; j < d; j++) bias -= weights[j] * mean[j];
  return { weights, bias };
}
