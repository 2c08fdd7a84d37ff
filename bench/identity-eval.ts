// Identification as a check reports it (calibrated, with "unknown" and the claim check), on the dev
// photos through the CLI's Inspector, for the SELECTION split (where scripts/fit-scoring.ts chose
// the numbers) and the REPORT split (never chosen on) side by side. Writes bench/identity-eval.json.
//   closed: val vs the train gallery; iconic: vs catalogue images only; narrowed: vs a tote of 20;
//   unseen: products held out of training, enrolled with 5 photos; open set: held-out products
//   against a gallery without them vs enrolled ones (ROC-AUC of p(unknown), and how often enrolled
//   ones are called unknown); claims: each photo claimed as itself and as each look-alike (same
//   kind of product), ROC-AUC of the sideline score and the share sidelined at the shipped threshold.
// usage: npx tsx bench/identity-eval.ts [path/to/grocery-dev] [--out bench/identity-eval.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadInspector } from '../src/cli/load-inspector.ts';
import { decodeImage } from '../src/cli/decode-image.ts';
import { sidelineScore } from '../src/lib/core/decision/decide.ts';
import { clopperPearsonInterval } from '../src/lib/core/decision/stats.ts';
import { benchLog } from './dev-set.ts';
import { identityScenarios, type RankedQuery } from './identity-data.ts';
import { accuracy, calibrationError, claimFigures, claimWrongness, namedAccuracy, openSetAuc, unknownRate } from './identity-metrics.ts';
import type { SplitRole } from './splits.ts';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args.splice(outIndex, 2)[1] : 'bench/identity-eval.json';
const data = resolve(args[0] ?? '../shared/data/grocery-dev');

const inspector = await loadInspector(benchLog);
const entry = inspector.embeddingModel;
const scoring = inspector.scoring.identity;
const s = await identityScenarios(inspector, data);

// The fused damage/comparison score of each val photo as a check of the claimed product gives
// it; the claim's own evidence joins it through the same sidelineScore as in decide().
benchLog.info('inspecting the val photos for their fused scores');
const fused: number[] = [];
for (const p of s.val) {
  const image = await decodeImage(readFileSync(p.path), p.path);
  fused.push((await inspector.inspect(image, { product: p.product })).score);
}

const round = (x: number | null) => (x === null ? null : Number(x.toFixed(3)));
const withInterval = (rate: number, n: number) => ({ rate: round(rate), ci95: clopperPearsonInterval(Math.round(rate * n), n).map(round) });

function figures(role: SplitRole) {
  const of = (qs: RankedQuery[]) => qs.filter((q) => q.role === role);
  const top = (qs: RankedQuery[]) => {
    const a = accuracy(of(qs), scoring);
    return { n: a.n, top1: withInterval(a.top1, a.n), top5: round(a.top5) };
  };
  const known = of(s.openSet).filter((q) => q.truth !== null);
  const claims = s.claims.filter((c) => c.role === role);
  const wrong = claimWrongness(claims, scoring);
  const claimScores = claims.map((c, i) => sidelineScore(fused[c.photo], { claimedName: '', looksLikeName: null, otherProbability: wrong[i], mismatch: false }));
  const claimAt = (scores: number[]) => {
    const f = claimFigures(claims, scores, scoring.mismatchAt);
    return { impostors: f.impostors, genuine: f.genuine, auc: round(f.auc), impostorsSidelined: round(f.impostorsSidelined), genuineSidelined: round(f.genuineSidelined) };
  };
  return {
    closed: { ...top(s.closed), named: namedAccuracy(of(s.closed), scoring), calibrationError: round(calibrationError(of(s.closed), scoring)) },
    iconic: top(s.iconic),
    narrowed: top(s.narrowed),
    unseen: top(s.unseen),
    openSet: {
      unknownQueries: of(s.openSet).length - known.length,
      knownQueries: known.length,
      auc: round(openSetAuc(of(s.openSet), scoring)),
      unknownOnEnrolled: round(unknownRate(known, scoring)),
      heldOutCalledUnknown: round(unknownRate(of(s.openSet).filter((q) => q.truth === null), scoring)),
    },
    claimsIdentityAlone: claimAt(wrong),
    claimsFusedScore: claimAt(claimScores),
  };
}

const results = {
  date: new Date().toISOString(),
  model: `${entry.id}@${entry.version} (${entry.precision}, ${entry.sha256.slice(0, 12)})`,
  scoring,
  note: 'selection = the split scripts/fit-scoring.ts fitted on; report = never chosen on (bench/splits.ts)',
  selection: figures('selection'),
  report: figures('report'),
};
await inspector.dispose();
writeFileSync(outFile, `${JSON.stringify(results, null, 1)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
