// Validates models/manifest.json before anything trusts it: a manifest that names no default
// model for a role, or an entry without a hash, must fail loudly at start, not at first check.
import type { ModelEntry, ModelManifest, ModelRole, Precision } from './model-manifest.ts';
import { parseModelScoring } from './model-scoring.ts';
import { descriptorLength, type GlobalDescriptorSpec } from './global-descriptor.ts';

export class ManifestError extends Error {
  constructor(message: string) {
    super(`model manifest: ${message}`);
    this.name = 'ManifestError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkEntry(e: unknown, i: number): ModelEntry {
  if (!isObject(e)) throw new ManifestError(`models[${i}] is not an object`);
  const where = `models[${i}] (${String(e.id ?? '?')})`;
  for (const key of ['id', 'version', 'file', 'sha256'] as const) {
    if (typeof e[key] !== 'string' || !e[key]) throw new ManifestError(`${where} lacks "${key}"`);
  }
  if (!/^[0-9a-f]{64}$/i.test(e.sha256 as string)) throw new ManifestError(`${where} has a malformed sha256`);
  if (!(typeof e.bytes === 'number' && e.bytes > 0)) throw new ManifestError(`${where} lacks a positive "bytes"`);
  if (!Array.isArray(e.roles) || e.roles.length === 0 || !e.roles.every((r) => r === 'damage' || r === 'embedding')) {
    throw new ManifestError(`${where} has no valid "roles" (damage, embedding)`);
  }
  const input = e.input;
  if (!isObject(input) || typeof input.name !== 'string' || !(typeof input.size === 'number' && input.size > 0)
    || !Array.isArray(input.mean) || input.mean.length !== 3 || !Array.isArray(input.std) || input.std.length !== 3) {
    throw new ManifestError(`${where} has an invalid "input" spec (name, size, mean[3], std[3])`);
  }
  if (!isObject(e.outputs)) throw new ManifestError(`${where} lacks "outputs"`);
  if ((e.roles as string[]).includes('embedding')) {
    const emb = e.embedding;
    if (!isObject(emb) || !Array.isArray(emb.patchGrid)) {
      throw new ManifestError(`${where} has the embedding role but no "embedding" spec (dim, patchDim, patchGrid)`);
    }
    const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
    if (!positive(emb.dim) || !positive(emb.patchDim) || emb.patchGrid.length !== 2 || !emb.patchGrid.every(positive)) {
      throw new ManifestError(`${where}: embedding dim, patchDim and patchGrid must be positive whole numbers (got ${JSON.stringify({ dim: emb.dim, patchDim: emb.patchDim, patchGrid: emb.patchGrid })})`);
    }
    if (typeof e.outputs.embedding !== 'string' || typeof e.outputs.patches !== 'string') throw new ManifestError(`${where} names no embedding/patches outputs`);
    if (emb.global !== undefined) checkGlobalDescriptor(emb.global, emb.dim as number, where);
  }
  if ((e.roles as string[]).includes('damage') && (typeof e.outputs.damage !== 'string' || typeof e.outputs.types !== 'string')) {
    throw new ManifestError(`${where} names no damage/types outputs`);
  }
  try {
    parseModelScoring(e.scoring, 'scoring');
  } catch (err) {
    throw new ManifestError(`${where}: ${(err as Error).message}`);
  }
  return e as unknown as ModelEntry;
}

export function parseManifest(json: unknown): ModelManifest {
  if (!isObject(json)) throw new ManifestError('not a JSON object');
  if (json.schema !== 1) throw new ManifestError(`unsupported schema ${String(json.schema)} (expected 1)`);
  if (!Array.isArray(json.models)) throw new ManifestError('"models" is not a list');
  return { schema: 1, models: json.models.map(checkEntry) };
}

/** The entry to load for a role: the default one, or the first of the asked precision. */
export function entryFor(manifest: ModelManifest, role: ModelRole, precision?: Precision): ModelEntry {
  const withRole = manifest.models.filter((m) => m.roles.includes(role));
  const found = precision ? withRole.find((m) => m.precision === precision) : withRole.find((m) => m.default);
  if (!found) throw new ManifestError(`no ${precision ?? 'default'} model for the "${role}" role`);
  return found;
}

function checkGlobalDescriptor(g: unknown, embeddingDim: number, where: string): void {
  const bad = (what: string) => new ManifestError(`${where}: embedding.global ${what}`);
  if (!isObject(g) || !isObject(g.colour)) throw bad('must be an object with a "colour" spec');
  const c = g.colour;
  if (!(typeof g.centreCrop === 'number' && g.centreCrop > 0 && g.centreCrop <= 1)) throw bad('centreCrop must be in (0, 1]');
  const bins = ['hueBins', 'saturationBins', 'valueBins', 'greyBins'] as const;
  if (!bins.every((k) => Number.isInteger(c[k]) && (c[k] as number) > 0)) throw bad('colour bins must be positive whole numbers');
  if (!(typeof c.margin === 'number' && c.margin >= 0 && c.margin < 0.5)) throw bad('colour margin must be in [0, 0.5)');
  if (!(typeof c.minSaturation === 'number' && c.minSaturation >= 0 && c.minSaturation < 1)) throw bad('colour minSaturation must be in [0, 1)');
  if (!(typeof c.weight === 'number' && c.weight >= 0)) throw bad('colour weight must be ≥ 0');
  const expected = descriptorLength(embeddingDim, { colour: c as unknown as GlobalDescriptorSpec['colour'] });
  if (g.dim !== expected) throw bad(`dim is ${String(g.dim)}, but embedding dim + colour bins = ${expected}`);
  if (typeof g.key !== 'string' || !/^[0-9a-f]{64}$/.test(g.key)) throw bad('key must be 64 lowercase hex digits');
}
