// `intact calibrate --scores <jsonl> --labels <csv> [--target-fpr 0.001] -o thresholds.json`
// Fits the decision (fusion, calibration, thresholds) to labelled `intact inspect` output and
// writes the thresholds file atomically. Scores: the JSON Lines `intact inspect` prints. Labels:
// CSV `image,label[,category]` with label good|damaged|0|1 and an optional header row; image
// paths match the scores' paths exactly or as their trailing folders/name. stdout gets one JSON
// line summarising the result; warnings (too little data for the target…) go to stderr too.
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { parseArgs, stringFlag, type ParsedArgs } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import { CalibrationInputError } from '../../lib/core/decision/errors.ts';
import { DEFAULT_TARGET_FPR, fitDecisionModel, type FitOptions } from '../../lib/core/decision/fit.ts';
import { joinScoresAndLabels, parseLabelsCsv, parseScoreLines } from '../../lib/core/decision/labelled-data.ts';
import { serializeDecisionModel } from '../../lib/core/decision/model.ts';
import { percent } from '../../lib/core/decision/threshold.ts';
import type { ScoringModel } from '../../lib/core/decision/model.ts';
import { manifestPath } from '../paths.ts';
import { writeFileAtomically } from '../write-atomically.ts';

const USAGE =
  'intact calibrate --scores <inspect.jsonl> --labels <labels.csv> [--target-fpr 0.001] [--confidence 0.95] [--guarantee] [--calibration auto|platt|isotonic] [--min-category-good N] [--min-category-damaged N] [--categories labels|product] [--description TEXT] [--model-manifest <manifest.json>] -o <thresholds.json>';

function numberFlag(args: ParsedArgs, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${v}"`);
  return n;
}

async function readInput(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(code === 'ENOENT' ? `${what} file not found: ${path}` : `cannot read ${what} file ${path}: ${code ?? (e as Error).message}`);
  }
}

/** Refuses a missing output folder with a clear reason, then writes atomically. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new UsageError(`output folder does not exist: ${dir}`);
  await writeFileAtomically(path, text);
}

/**
 * The default damage model of the manifest the scores were (presumably) made with, to stamp the
 * file: thresholds fitted to one model's scores mean nothing for another's.
 */
async function scoringModel(path: string): Promise<ScoringModel | undefined> {
  let manifest: { models?: { id?: unknown; version?: unknown; sha256?: unknown; default?: unknown; roles?: unknown }[] };
  try {
    manifest = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return undefined;
  }
  const m = manifest.models?.find((e) => e.default === true && Array.isArray(e.roles) && e.roles.includes('damage'));
  if (!m || typeof m.id !== 'string' || typeof m.version !== 'string' || typeof m.sha256 !== 'string') return undefined;
  return { id: m.id, version: m.version, sha256: m.sha256 };
}

export const command: CliCommand = {
  summary: 'fit the fused score and sideline thresholds to labelled inspect results',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, {
      valued: ['scores', 'labels', 'target-fpr', 'confidence', 'calibration', 'min-category-good', 'min-category-damaged', 'categories', 'description', 'model-manifest', 'o', 'output'],
      boolean: ['guarantee'],
    });
    if (args.positional.length) throw new UsageError(`unexpected argument "${args.positional[0]}" (usage: ${USAGE})`);
    const scoresPath = stringFlag(args, 'scores');
    const labelsPath = stringFlag(args, 'labels');
    const output = stringFlag(args, 'o') ?? stringFlag(args, 'output');
    if (!scoresPath) throw new UsageError('--scores <inspect.jsonl> is required');
    if (!labelsPath) throw new UsageError('--labels <labels.csv> is required');
    if (!output) throw new UsageError('-o <thresholds.json> is required');
    const calibration = stringFlag(args, 'calibration') ?? 'auto';
    if (calibration !== 'auto' && calibration !== 'platt' && calibration !== 'isotonic') throw new UsageError(`--calibration must be auto, platt or isotonic, got "${calibration}"`);
    const categories = stringFlag(args, 'categories') ?? 'labels';
    if (categories !== 'labels' && categories !== 'product') throw new UsageError(`--categories must be labels or product, got "${categories}"`);
    const count = (n: number) => Number.isInteger(n) && n >= 1;
    const options: FitOptions = {
      targetFpr: numberFlag(args, 'target-fpr', (n) => n > 0 && n < 1, 'a rate between 0 and 1, e.g. 0.001') ?? DEFAULT_TARGET_FPR,
      confidence: numberFlag(args, 'confidence', (n) => n > 0 && n < 1, 'between 0 and 1, e.g. 0.95'),
      mode: args.flags.has('guarantee') ? 'guarantee' : 'estimate',
      calibration,
      minCategoryGood: numberFlag(args, 'min-category-good', count, 'a whole number ≥ 1'),
      minCategoryDamaged: numberFlag(args, 'min-category-damaged', count, 'a whole number ≥ 1'),
      description: stringFlag(args, 'description') ?? `intact calibrate on ${basename(scoresPath)} with labels ${basename(labelsPath)}`,
    };

    const [scoresText, labelsText] = await Promise.all([readInput(scoresPath, 'scores'), readInput(labelsPath, 'labels')]);
    const modelManifest = stringFlag(args, 'model-manifest') ?? manifestPath();
    options.model = await scoringModel(modelManifest);
    let model;
    let skippedRetakes;
    try {
      const joined = joinScoresAndLabels(parseScoreLines(scoresText), parseLabelsCsv(labelsText), categories);
      skippedRetakes = joined.skippedRetakes;
      if (skippedRetakes) io.log.info(`left out ${skippedRetakes} image(s) the quality check sent to retake`);
      model = fitDecisionModel(joined.checks, options);
    } catch (e) {
      if (e instanceof CalibrationInputError) throw new UsageError(e.message);
      throw e;
    }
    if (skippedRetakes) model.warnings.push(`${skippedRetakes} labelled image(s) were left out because the quality check asked for a retake`);
    await writeAtomically(resolve(output), serializeDecisionModel(model));

    // Logged only on success: bad input gets exactly one line on stderr.
    io.log.info(options.model ? `stamping the thresholds for ${options.model.id} ${options.model.version} (from ${modelManifest})` : `no model manifest at ${modelManifest}: the thresholds are not tied to a model`);
    const g = model.global;
    io.log.info(
      `threshold ${g.logit.toFixed(3)} (score ${percent(g.score)}): ${g.falseSidelines} of ${g.nGood} good sidelined (${percent(g.achievedFpr)}, ≤ ${percent(g.fprUpperBound)} at ${Math.round(model.confidence * 100)} %), recall ${g.recall === null ? 'n/a' : percent(g.recall)}, AUC ${model.curves.auc.toFixed(3)}`,
    );
    for (const w of model.warnings) io.log.info(`warning: ${w}`);
    io.out(
      JSON.stringify({
        output,
        targetFpr: model.targetFpr,
        threshold: g.logit,
        score: g.score,
        nGood: g.nGood,
        nDamaged: g.nDamaged,
        falseSidelines: g.falseSidelines,
        achievedFpr: g.achievedFpr,
        fprUpperBound: g.fprUpperBound,
        recall: g.recall,
        auc: model.curves.auc,
        ownCategoryThresholds: Object.entries(model.categories).filter(([, c]) => c.ownThreshold).map(([name]) => name),
        warnings: model.warnings,
      }),
    );
    return 0;
  },
};
