// What the picture shows, as calibrated probabilities: one of the gallery's products, one of a
// few look-alikes, none of them ("not in the gallery"), or no item at all.
//
// The gallery ranks products by a cosine-like similarity (global descriptor, re-ranked by
// patches). Similarities are not probabilities: right answers and look-alikes both score high,
// and how high depends on the model. So the ranked products and an "unknown" outcome share one
// softmax with a temperature, where "unknown" has a fixed logit at `unknownSimilarity`: a query
// whose best product sits well above it is that product; one whose best product sits at or
// below it is more likely none of them. Both numbers belong to a model release (the manifest's
// `scoring.identity`), fitted by negative log-likelihood on queries of enrolled products and on
// queries of products left out of the gallery (scripts/fit-scoring.ts).
import type { ProductMatch } from './check-result.ts';
import { probability, type Probability, type ProductId } from './types.ts';

export interface IdentityScoring {
  /** Softmax temperature on similarities (smaller = sharper). */
  temperature: number;
  /**
   * The similarity at which "none of the products" is exactly as likely as one product, for a
   * product with one reference. The best of n references' similarities grows with n, so the
   * bar rises by `unknownPerLogReference` · ln n (n capped at MAX_REFERENCES_FOR_BAR).
   */
  unknownSimilarity: number;
  unknownPerLogReference: number;
  /** A product at least this probable is named as what the picture shows. */
  confident: number;
  /** Otherwise, the few most probable products (at most MAX_LOOKALIKES) holding this share of the products' mass are named as look-alikes. */
  lookalikeMass: number;
  /** "Not in the gallery" when the unknown outcome is at least this probable. */
  unknownAt: number;
  /** Below this p(item in view), nothing to judge is in the frame. */
  itemFloor: number;
  /** A claim (tote list, barcode, a product picked) is contradicted when another product is at least this probable. */
  mismatchAt: number;
}

/** Used when a manifest carries no `scoring.identity` (a model released before it existed). */
export const DEFAULT_IDENTITY_SCORING: IdentityScoring = {
  temperature: 0.02,
  unknownSimilarity: 0.5,
  unknownPerLogReference: 0.03,
  confident: 0.6,
  lookalikeMass: 0.8,
  unknownAt: 0.5,
  itemFloor: 0.5,
  mismatchAt: 0.6,
};

export const MAX_LOOKALIKES = 3;
export const MAX_REFERENCES_FOR_BAR = 32;

/** The unknown outcome's similarity bar when the best product has `references` references. */
export const unknownBar = (scoring: IdentityScoring, references: number): number =>
  scoring.unknownSimilarity + scoring.unknownPerLogReference * Math.log(Math.min(MAX_REFERENCES_FOR_BAR, Math.max(1, references)));

export type IdentityStatus = 'identified' | 'lookalikes' | 'unknown' | 'no-item';

export interface Identity {
  status: IdentityStatus;
  /** The most probable product (also when unknown: the nearest one); null without a gallery match. */
  product: ProductId | null;
  /** Calibrated probability that the item is `product`. */
  probability: Probability;
  /** Probability that the item is none of the gallery's products (or that no item is in view). */
  unknown: Probability;
  /** Products with their calibrated probabilities, most probable first. */
  matches: ProductMatch[];
  /** When status is "lookalikes": the products it could be (2 or more), most probable first. */
  lookalikes: ProductMatch[];
}

export interface RankedSimilarity {
  product: ProductId;
  /** Cosine-like, in [-1, 1]. */
  similarity: number;
  /** References the product has in the gallery (absent: 1). */
  references?: number;
}

/**
 * Calibrated probabilities of the ranked products and of "unknown". Products outside the
 * ranking (not shortlisted) are taken to hold no mass: they ranked below the shortlist.
 */
export function productProbabilities(ranked: readonly RankedSimilarity[], scoring: IdentityScoring): { matches: ProductMatch[]; unknown: number } {
  const t = scoring.temperature;
  const logits = ranked.map((r) => r.similarity / t);
  let best = 0;
  for (let i = 1; i < ranked.length; i++) if (ranked[i].similarity > ranked[best].similarity) best = i;
  const unknownLogit = unknownBar(scoring, ranked[best]?.references ?? 1) / t;
  const top = Math.max(unknownLogit, ...logits);
  const weights = logits.map((l) => Math.exp(l - top));
  const unknownWeight = Math.exp(unknownLogit - top);
  const total = weights.reduce((s, w) => s + w, unknownWeight);
  const matches = ranked
    .map((r, i) => ({ product: r.product, score: weights[i] / total }))
    .sort((a, b) => b.score - a.score);
  return { matches, unknown: unknownWeight / total };
}

/** Identity from the gallery's ranking; `itemProbability` null = not measured (no item check). */
export function identify(ranked: readonly RankedSimilarity[], scoring: IdentityScoring, itemProbability: number | null = null): Identity {
  const { matches, unknown } = productProbabilities(ranked, scoring);
  const best = matches[0] ?? null;
  const base = { product: best?.product ?? null, probability: probability(best?.score ?? 0), matches, lookalikes: [] as ProductMatch[] };
  if (itemProbability !== null && itemProbability < scoring.itemFloor) {
    return { ...base, status: 'no-item', unknown: probability(1) };
  }
  if (!best || unknown >= scoring.unknownAt) return { ...base, status: 'unknown', unknown: probability(unknown) };
  if (best.score >= scoring.confident) return { ...base, status: 'identified', unknown: probability(unknown) };
  // Among the products (given it is one of them), the few most probable that hold lookalikeMass.
  const lookalikes: ProductMatch[] = [];
  let mass = 0;
  for (const m of matches.slice(0, MAX_LOOKALIKES)) {
    lookalikes.push(m);
    mass += m.score;
    if (mass >= scoring.lookalikeMass * (1 - unknown)) break;
  }
  return { ...base, status: 'lookalikes', unknown: probability(unknown), lookalikes: lookalikes.length > 1 ? lookalikes : matches.slice(0, 2) };
}

export interface ClaimCheck {
  claimed: ProductId;
  /** Calibrated probability that the item is the claimed product. */
  probability: Probability;
  /** The picture confidently shows another product. */
  mismatch: boolean;
  /** That other product, when mismatched. */
  looksLike: ProductId | null;
}

/** Checks a claimed identity against what the picture shows. */
export function checkClaim(identity: Identity, claimed: ProductId, scoring: IdentityScoring): ClaimCheck {
  const p = identity.matches.find((m) => m.product === claimed)?.score ?? 0;
  const other = identity.matches.find((m) => m.product !== claimed) ?? null;
  const mismatch = identity.status !== 'no-item' && other !== null && other.score >= scoring.mismatchAt && other.score > p;
  return { claimed, probability: probability(p), mismatch, looksLike: mismatch ? other.product : null };
}
