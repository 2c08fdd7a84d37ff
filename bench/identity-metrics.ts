// Figures of the calibrated identity (core/identity.ts) over ranked dev-set queries: accuracy,
// log-loss, open-set ROC-AUC, the claim check; and the fit of its numbers.
import { operatingPoints, rocAuc } from '../src/lib/core/decision/roc.ts';
import { identify, productProbabilities, type IdentityScoring } from '../src/lib/core/identity.ts';
import type { ClaimCase, RankedQuery } from './identity-data.ts';

const PROBABILITY_FLOOR = 1e-4;

export function accuracy(queries: readonly RankedQuery[], scoring: IdentityScoring) {
  let top1 = 0, top5 = 0;
  for (const q of queries) {
    const ids = productProbabilities(q.ranked, scoring).matches.map((m) => m.product);
    if (ids[0] === q.truth) top1++;
    if (ids.slice(0, 5).includes(q.truth!)) top5++;
  }
  return { n: queries.length, top1: top1 / queries.length, top5: top5 / queries.length };
}

/** Mean negative log-likelihood of the right outcome: the product, or "unknown" when truth is null. */
export function logLoss(queries: readonly RankedQuery[], scoring: IdentityScoring): number {
  let sum = 0;
  for (const q of queries) {
    const { matches, unknown } = productProbabilities(q.ranked, scoring);
    const p = q.truth === null ? unknown : (matches.find((m) => m.product === q.truth)?.score ?? 0);
    sum -= Math.log(Math.max(PROBABILITY_FLOOR, p));
  }
  return sum / queries.length;
}

/** ROC-AUC of p(unknown) for queries of products not in the gallery against those in it. */
export function openSetAuc(queries: readonly RankedQuery[], scoring: IdentityScoring): number {
  const items = queries.map((q) => ({ id: q.photo.path, damaged: q.truth === null, score: productProbabilities(q.ranked, scoring).unknown }));
  return rocAuc(operatingPoints(items));
}

/** Share of queries called unknown (or no item) by the identity rules. */
export function unknownRate(queries: readonly RankedQuery[], scoring: IdentityScoring): number {
  return queries.filter((q) => ['unknown', 'no-item'].includes(identify(q.ranked, scoring).status)).length / Math.max(1, queries.length);
}

/** How often the named product (status identified) is right, and how often one is named. */
export function namedAccuracy(queries: readonly RankedQuery[], scoring: IdentityScoring) {
  let named = 0, right = 0, lookalikes = 0, lookalikeRight = 0;
  for (const q of queries) {
    const id = identify(q.ranked, scoring);
    if (id.status === 'identified') {
      named++;
      if (id.product === q.truth) right++;
    } else if (id.status === 'lookalikes') {
      lookalikes++;
      if (id.lookalikes.some((m) => m.product === q.truth)) lookalikeRight++;
    }
  }
  return { named: named / queries.length, namedRight: named ? right / named : null, lookalikes: lookalikes / queries.length, lookalikeHolds: lookalikes ? lookalikeRight / lookalikes : null };
}

/** Expected calibration error of the top product's probability (10 equal-width bins). */
export function calibrationError(queries: readonly RankedQuery[], scoring: IdentityScoring): number {
  const bins = Array.from({ length: 10 }, () => ({ n: 0, p: 0, hit: 0 }));
  for (const q of queries) {
    const top = productProbabilities(q.ranked, scoring).matches[0];
    if (!top) continue;
    const b = bins[Math.min(9, Math.floor(top.score * 10))];
    b.n++;
    b.p += top.score;
    b.hit += top.product === q.truth ? 1 : 0;
  }
  return bins.reduce((s, b) => s + (b.n ? Math.abs(b.p - b.hit) : 0), 0) / Math.max(1, queries.length);
}

/** The claim check's evidence: p(another product) for each claim case. */
export function claimWrongness(cases: readonly ClaimCase[], scoring: IdentityScoring): number[] {
  return cases.map((c) => productProbabilities(c.ranked, scoring).matches.find((m) => m.product !== c.claimed)?.score ?? 0);
}

export function claimFigures(cases: readonly ClaimCase[], scores: readonly number[], threshold: number) {
  const impostors = cases.map((c, i) => ({ c, s: scores[i] })).filter(({ c }) => !c.genuine);
  const genuine = cases.map((c, i) => ({ c, s: scores[i] })).filter(({ c }) => c.genuine);
  const auc = rocAuc(operatingPoints(cases.map((c, i) => ({ id: `${c.photo}:${c.claimed}`, damaged: !c.genuine, score: scores[i] }))));
  return {
    impostors: impostors.length,
    genuine: genuine.length,
    auc,
    impostorsSidelined: impostors.filter(({ s }) => s >= threshold).length / Math.max(1, impostors.length),
    genuineSidelined: genuine.filter(({ s }) => s >= threshold).length / Math.max(1, genuine.length),
  };
}

/**
 * Temperature, unknown similarity and its rise per log reference by minimum log-loss on a grid
 * (coarse, then fine around the best): three smooth numbers, a grid is enough and deterministic.
 */
export function fitTemperature(queries: readonly RankedQuery[], start: IdentityScoring): IdentityScoring {
  const search = (temps: number[], bars: number[], rises: number[], from: IdentityScoring) => {
    let best = { loss: Infinity, scoring: from };
    for (const temperature of temps) {
      for (const unknownSimilarity of bars) {
        for (const unknownPerLogReference of rises) {
          const scoring = { ...from, temperature, unknownSimilarity, unknownPerLogReference };
          const loss = logLoss(queries, scoring);
          if (loss < best.loss) best = { loss, scoring };
        }
      }
    }
    return best.scoring;
  };
  const range = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Number((from + i * step).toFixed(4)));
  const coarse = search(range(Math.log(0.004), Math.log(0.3), 0.15).map(Math.exp), range(-0.2, 1, 0.02), range(0, 0.12, 0.02), start);
  const t = Math.log(coarse.temperature);
  const fine = search(
    range(t - 0.15, t + 0.15, 0.03).map(Math.exp),
    range(coarse.unknownSimilarity - 0.02, coarse.unknownSimilarity + 0.02, 0.004),
    range(Math.max(0, coarse.unknownPerLogReference - 0.02), coarse.unknownPerLogReference + 0.02, 0.004),
    coarse,
  );
  return { ...fine, temperature: Number(fine.temperature.toPrecision(4)), unknownSimilarity: Number(fine.unknownSimilarity.toFixed(3)), unknownPerLogReference: Number(fine.unknownPerLogReference.toFixed(3)) };
}
