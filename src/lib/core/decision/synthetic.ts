// Score sets with a known answer, for tests and for the Calibrate screen's demo: good items score
// N(0, 1) and damaged N(d, 1) on the logit scale, so the ROC is known in closed form
// (AUC = Φ(d / √2); at false-positive rate α the recall is 1 − Φ(Φ⁻¹(1 − α) − d)).
import { sigmoid } from './logistic.ts';
import { seededRandom } from '../seeded-random.ts';
import { normalCdf, normalQuantile } from './stats.ts';

/** Standard normal draws by inverting the CDF (one uniform per draw, open interval). */
export function seededNormal(seed: number): () => number {
  const u = seededRandom(seed);
  return () => normalQuantile(Math.min(1 - 1e-12, Math.max(1e-12, u())));
}

export const binormalAuc = (separation: number): number => normalCdf(separation / Math.SQRT2);
export const binormalRecallAt = (fpr: number, separation: number): number => 1 - normalCdf(normalQuantile(1 - fpr) - separation);

/** Scores on the logit scale: `good` from N(0, 1), `damaged` from N(separation, 1). */
export function binormalLogits(good: number, damaged: number, separation: number, seed = 1): { good: number[]; damaged: number[] } {
  const z = seededNormal(seed);
  return {
    good: Array.from({ length: good }, () => z()),
    damaged: Array.from({ length: damaged }, () => separation + z()),
  };
}

export const toProbability = sigmoid;
