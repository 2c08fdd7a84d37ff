// Reading labelled results: the scores are the CLI's `intact inspect` output (JSON Lines, one
// object per image) and the labels a CSV with columns `image,label[,category[,set]]`, where label
// is good / damaged (or 0 / 1), set names the kind of case (see fusion-guard.ts), and an optional
// header row names the columns. Used by
// `intact calibrate` and by the Calibrate screen, so both accept exactly the same files.
import { DAMAGE_TYPES, type DamageType } from '../types.ts';
import { CalibrationInputError } from './errors.ts';
import type { LabelledCheck } from './fit.ts';

export interface ScoreLine {
  image: string;
  product: string | null;
  damage: number;
  types: Partial<Record<DamageType, number>>;
  anomaly: number | null;
  verdict?: string;
}

export interface LabelRow {
  image: string;
  damaged: boolean;
  category: string | null;
  /** The kind of case (damage renders, logical anomalies, …), for the fusion guard. */
  set: string | null;
}

const isUnit = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

/** Parses `intact inspect` output; throws CalibrationInputError naming the first bad line. */
export function parseScoreLines(text: string): ScoreLine[] {
  const out: ScoreLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const where = `scores line ${i + 1}`;
    let v: unknown;
    try {
      // NaN is not JSON, but a buggy writer may still print it; say what it is rather than "bad JSON".
      if (/:\s*-?NaN\b/.test(raw)) throw new CalibrationInputError(`${where}: a score is NaN`);
      v = JSON.parse(raw);
    } catch (e) {
      if (e instanceof CalibrationInputError) throw e;
      throw new CalibrationInputError(`${where} is not JSON: ${raw.slice(0, 60)}`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new CalibrationInputError(`${where} is not a JSON object`);
    const o = v as Record<string, unknown>;
    if (typeof o.image !== 'string' || !o.image) throw new CalibrationInputError(`${where} has no "image" path`);
    const at = `${where} (${o.image})`;
    if (!isUnit(o.damage)) throw new CalibrationInputError(`${at}: "damage" must be a number in [0, 1], got ${JSON.stringify(o.damage)}`);
    if (o.anomaly !== null && o.anomaly !== undefined && !isUnit(o.anomaly)) throw new CalibrationInputError(`${at}: "anomaly" must be a number in [0, 1] or null, got ${JSON.stringify(o.anomaly)}`);
    const types: Partial<Record<DamageType, number>> = {};
    if (o.types !== undefined) {
      if (typeof o.types !== 'object' || o.types === null) throw new CalibrationInputError(`${at}: "types" must be an object`);
      for (const t of DAMAGE_TYPES) {
        const p = (o.types as Record<string, unknown>)[t];
        if (p === undefined) continue;
        if (!isUnit(p)) throw new CalibrationInputError(`${at}: "types.${t}" must be a number in [0, 1], got ${JSON.stringify(p)}`);
        types[t] = p;
      }
    }
    out.push({
      image: o.image,
      product: typeof o.product === 'string' ? o.product : null,
      damage: o.damage,
      types,
      anomaly: isUnit(o.anomaly) ? o.anomaly : null,
      verdict: typeof o.verdict === 'string' ? o.verdict : undefined,
    });
  }
  if (out.length === 0) throw new CalibrationInputError('the scores file has no lines');
  return out;
}

/** RFC 4180 fields of one CSV line (quotes may wrap a field containing commas; "" is a quote). */
export function splitCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new CalibrationInputError(`unclosed quote in CSV line: ${line.slice(0, 60)}`);
  fields.push(field);
  return fields.map((f) => f.trim());
}

const LABELS: Record<string, boolean> = { good: false, '0': false, damaged: true, '1': true };

/** Parses the labels CSV; throws CalibrationInputError naming the first bad row. */
export function parseLabelsCsv(text: string): LabelRow[] {
  const rows: LabelRow[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].trim()) continue;
    const [image, label, category, set] = splitCsvLine(lines[i]);
    if (rows.length === 0 && image.toLowerCase() === 'image' && label?.toLowerCase() === 'label') continue;
    const where = `labels line ${i + 1}`;
    if (!image) throw new CalibrationInputError(`${where}: no image path`);
    const damaged = LABELS[(label ?? '').toLowerCase()];
    if (damaged === undefined) throw new CalibrationInputError(`${where} (${image}): label must be good, damaged, 0 or 1, got ${JSON.stringify(label ?? '')}`);
    rows.push({ image, damaged, category: category || null, set: set || null });
  }
  if (rows.length === 0) throw new CalibrationInputError('the labels file has no rows');
  return rows;
}

const normalise = (p: string) => p.replace(/\\/g, '/').replace(/^(\.\/)+/, '');

/**
 * Every k with path.endsWith('/' + k), longest first: looked up in the labels instead of testing
 * every label against every score, which took minutes for 100 000 items.
 */
function trailingPaths(path: string): string[] {
  const out: string[] = [];
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) out.push(path.slice(i + 1));
  return out;
}

/**
 * Pairs scores with labels by image path: the same path, or else the label's path as the trailing
 * folders/name of the score's path (labels are often written relative to the data folder). Every
 * score needs exactly one label and every label one score, or the files describe different sets.
 */
export function joinScoresAndLabels(
  scores: readonly ScoreLine[],
  labels: readonly LabelRow[],
  /** Where an item's category comes from: the CSV's column, or the product the check identified. */
  categories: 'labels' | 'product' = 'labels',
): { checks: LabelledCheck[]; skippedRetakes: number } {
  const byPath = new Map<string, LabelRow>();
  for (const row of labels) {
    const key = normalise(row.image);
    const seen = byPath.get(key);
    if (seen && seen.damaged !== row.damaged) throw new CalibrationInputError(`${row.image} is labelled both good and damaged`);
    byPath.set(key, row);
  }
  const seenScores = new Set<string>();
  const usedLabels = new Set<string>();
  const checks: LabelledCheck[] = [];
  let skippedRetakes = 0;
  const unlabelled: string[] = [];
  for (const s of scores) {
    const path = normalise(s.image);
    if (seenScores.has(path)) throw new CalibrationInputError(`${s.image} is scored twice`);
    seenScores.add(path);
    let key: string | undefined = byPath.has(path) ? path : undefined;
    if (!key) {
      const suffixes = trailingPaths(path).filter((k) => byPath.has(k));
      if (suffixes.length > 1) throw new CalibrationInputError(`${s.image} matches more than one label (${suffixes.slice(0, 2).join(', ')})`);
      key = suffixes[0];
    }
    if (!key) {
      unlabelled.push(s.image);
      continue;
    }
    if (usedLabels.has(key)) throw new CalibrationInputError(`label ${key} matches more than one scored image`);
    usedLabels.add(key);
    // A frame the quality check rejected never reaches the threshold, so it says nothing about it.
    if (s.verdict === 'retake') {
      skippedRetakes++;
      continue;
    }
    const row = byPath.get(key)!;
    const category = categories === 'product' ? s.product : row.category;
    checks.push({ id: s.image, damaged: row.damaged, category, set: row.set, inputs: { damage: s.damage, types: s.types, anomaly: s.anomaly } });
  }
  if (unlabelled.length) throw new CalibrationInputError(`${unlabelled.length} scored image(s) have no label (first: ${unlabelled[0]})`);
  const unscored = [...byPath.keys()].filter((k) => !usedLabels.has(k));
  if (unscored.length) throw new CalibrationInputError(`${unscored.length} labelled image(s) have no score (first: ${unscored[0]})`);
  return { checks, skippedRetakes };
}
