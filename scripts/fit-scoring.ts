// Fits the default embedding model's identity numbers (the manifest's scoring.identity, see
// src/lib/core/identity.ts) on the SELECTION split of the dev photos, through the CLI's own
// Inspector, and writes them into models/manifest.json. The report split is never read here.
//   temperature, unknownSimilarity, unknownPerLogReference: minimum log-loss over selection queries
//     of enrolled products (truth: their product) and the same queries with their product taken
//     out of the gallery (truth: unknown), so "unknown" is learned against look-alike siblings, the
//     hard case; against the full train gallery and against 1, 3, 5 and 10 photos per product;
//   unknownAt: the lowest p(unknown) that calls at most UNKNOWN_ON_ENROLLED of enrolled queries unknown;
//   mismatchAt: the lowest p(another product) that sidelines at most GENUINE_SIDELINED of genuine claims.
// usage: npx tsx scripts/fit-scoring.ts [path/to/grocery-dev] [--dry-run]
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadInspector } from '../src/cli/load-inspector.ts';
import { manifestPath } from '../src/cli/paths.ts';
import { writeFileAtomically } from '../src/cli/write-atomically.ts';
import { DEFAULT_IDENTITY_SCORING, type IdentityScoring } from '../src/lib/core/identity.ts';
import { benchLog } from '../bench/dev-set.ts';
import { identityScenarios } from '../bench/identity-data.ts';
import { claimFigures, claimWrongness, fitTemperature, logLoss, unknownRate } from '../bench/identity-metrics.ts';

const UNKNOWN_ON_ENROLLED = 0.05;
const GENUINE_SIDELINED = 0.02;

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const data = resolve(args.find((a) => !a.startsWith('--')) ?? '../shared/data/grocery-dev');

const inspector = await loadInspector(benchLog);
const s = await identityScenarios(inspector, data);
const selection = <T extends { role: string }>(xs: T[]) => xs.filter((x) => x.role === 'selection');
const known = selection(s.closed);
const fitSet = [...known, ...selection(s.leaveProductOut), ...selection(s.fewReferences)];
let scoring: IdentityScoring = fitTemperature(fitSet, { ...DEFAULT_IDENTITY_SCORING, ...(inspector.scoring.identity ?? {}) });
benchLog.info(`temperature ${scoring.temperature}, unknownSimilarity ${scoring.unknownSimilarity} + ${scoring.unknownPerLogReference} ln n: log-loss ${logLoss(fitSet, scoring).toFixed(3)} on ${fitSet.length} selection queries`);

// The unknown threshold: as low as the enrolled queries allow (a grid of probabilities).
for (let at = 0.3; at <= 0.99; at += 0.01) {
  scoring = { ...scoring, unknownAt: Number(at.toFixed(2)) };
  if (unknownRate(known, scoring) <= UNKNOWN_ON_ENROLLED) break;
}
const claims = selection(s.claims);
const wrongness = claimWrongness(claims, scoring);
for (let at = 0.3; at <= 0.99; at += 0.01) {
  scoring = { ...scoring, mismatchAt: Number(at.toFixed(2)) };
  if (claimFigures(claims, wrongness, scoring.mismatchAt).genuineSidelined <= GENUINE_SIDELINED) break;
}
const fit = claimFigures(claims, wrongness, scoring.mismatchAt);
const unknownOnEnrolled = unknownRate(known, scoring);
if (unknownOnEnrolled > UNKNOWN_ON_ENROLLED) benchLog.info(`warning: no unknownAt keeps enrolled queries at ≤ ${100 * UNKNOWN_ON_ENROLLED} % unknown with this model`);
if (fit.genuineSidelined > GENUINE_SIDELINED) benchLog.info(`warning: no mismatchAt keeps genuine claims at ≤ ${100 * GENUINE_SIDELINED} % sidelined with this model`);
benchLog.info(`unknownAt ${scoring.unknownAt} (unknown on enrolled selection queries ${(100 * unknownOnEnrolled).toFixed(1)} %), mismatchAt ${scoring.mismatchAt} (selection: ${(100 * fit.impostorsSidelined).toFixed(1)} % of ${fit.impostors} impostors, ${(100 * fit.genuineSidelined).toFixed(1)} % of ${fit.genuine} genuine claims sidelined)`);

const path = manifestPath();
const manifest = JSON.parse(readFileSync(path, 'utf8'));
const entry = manifest.models.find((m: { default: boolean; roles: string[] }) => m.default && m.roles.includes('embedding'));
entry.scoring = { ...(entry.scoring ?? {}), identity: scoring };
process.stdout.write(`${JSON.stringify({ model: `${entry.id}@${entry.version}`, identity: scoring }, null, 1)}\n`);
if (!dryRun) {
  await writeFileAtomically(path, `${JSON.stringify(manifest, null, 2)}\n`);
  benchLog.info(`wrote scoring.identity of ${entry.id} into ${path}`);
}
await inspector.dispose();
