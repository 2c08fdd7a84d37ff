// Numbers that turn one model's raw outputs into decisions: they are fitted on that model's
// outputs, so they travel with it in the manifest's per-model `scoring` block (written by the
// model build, models/pipeline/release.py + scripts/fit-scoring.ts), and core takes them as
// parameters. A model released without a block (or without one part of it) gets the defaults
// below, which are those of the model the code was first written for.
import { DEFAULT_IDENTITY_SCORING, type IdentityScoring } from './identity.ts';
import { DEFAULT_ANOMALY_SCORING, type AnomalyScoring } from './patch-anomaly.ts';
import { DEFAULT_RERANK_SCORING, type RerankScoring } from './rerank.ts';
import { DEFAULT_UNIT_COUNT_OPTIONS, type UnitCountOptions } from './unit-count.ts';

export interface ModelScoring {
  identity: IdentityScoring;
  rerank: RerankScoring;
  anomaly: AnomalyScoring;
  unitCount: UnitCountOptions;
}

export const DEFAULT_MODEL_SCORING: ModelScoring = {
  identity: DEFAULT_IDENTITY_SCORING,
  rerank: DEFAULT_RERANK_SCORING,
  anomaly: DEFAULT_ANOMALY_SCORING,
  unitCount: DEFAULT_UNIT_COUNT_OPTIONS,
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fills a part's missing numbers from `defaults`; throws naming the first bad value. */
function numbers<T extends object>(part: unknown, defaults: T, where: string, check: (key: string, v: number) => boolean = () => true): T {
  if (part === undefined) return defaults;
  if (!isObject(part)) throw new RangeError(`${where} must be an object`);
  const out: Record<string, number | number[]> = { ...(defaults as Record<string, number>) };
  for (const [key, value] of Object.entries(part)) {
    if (!(key in out)) throw new RangeError(`${where}.${key} is not a known setting`);
    const values = Array.isArray(out[key]) ? value : [value];
    if (!Array.isArray(values) || (Array.isArray(out[key]) && values.length !== (out[key] as number[]).length)
      || !values.every((v) => typeof v === 'number' && Number.isFinite(v) && check(key, v))) {
      throw new RangeError(`${where}.${key} is out of range (${JSON.stringify(value)})`);
    }
    out[key] = value as number | number[];
  }
  return out as T;
}

const positive = (_: string, v: number) => v > 0;

const PROBABILITY_KEYS = new Set(['confident', 'lookalikeMass', 'unknownAt', 'itemFloor', 'mismatchAt']);

export function parseModelScoring(json: unknown, where = 'scoring'): ModelScoring {
  if (json === undefined) return DEFAULT_MODEL_SCORING;
  if (!isObject(json)) throw new RangeError(`${where} must be an object`);
  return {
    identity: numbers(json.identity, DEFAULT_IDENTITY_SCORING, `${where}.identity`, (key, v) => {
      if (key === 'temperature') return v > 0;
      if (key === 'unknownSimilarity') return v >= -1 && v <= 1;
      if (key === 'unknownPerLogReference') return v >= 0 && v <= 0.5;
      return PROBABILITY_KEYS.has(key) ? v >= 0 && v <= 1 : true;
    }),
    rerank: numbers(json.rerank, DEFAULT_RERANK_SCORING, `${where}.rerank`, (key, v) => (key === 'patchWeight' ? v >= 0 : Number.isInteger(v) && v > 0)),
    anomaly: numbers(json.anomaly, DEFAULT_ANOMALY_SCORING, `${where}.anomaly`, (key, v) => (key === 'relativeWeight' ? v >= 0 && v <= 1 : key === 'colourWeights' ? v >= 0 : positive(key, v))),
    unitCount: numbers(json.unitCount, DEFAULT_UNIT_COUNT_OPTIONS, `${where}.unitCount`, (key, v) => (key === 'maxReferences' ? Number.isInteger(v) && v > 0 : v >= 0)),
  };
}
