// The released models (models/manifest.json) through this project's own inference module in
// Node: every file matches its manifest hash, and each graph reproduces the outputs recorded
// for fixed inputs in models/released/reference-io.json (parity with the models pipeline).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/lib/core/image.ts';
import { parseManifest } from '../../src/lib/core/manifest-parse.ts';
import { preprocess } from '../../src/lib/core/preprocess.ts';
import { configureOrt, ModelError, ModelHost, ModelSession, verifyModelBytes } from '../../src/lib/inference/index.ts';
import { manifestPath } from '../../src/cli/paths.ts';

// INTACT_MODELS points the test at a candidate release (the same variable the CLI reads).
const modelsDir = dirname(manifestPath());
const manifest = parseManifest(JSON.parse(readFileSync(manifestPath(), 'utf8')));
const reference = JSON.parse(readFileSync(join(modelsDir, 'released', 'reference-io.json'), 'utf8')) as ReferenceIo;
const bytesOf = (file: string) => new Uint8Array(readFileSync(join(modelsDir, file)));

interface ReferenceIo {
  inputs: ({ name: string; kind: 'formula'; k: number } | { name: string; kind: 'png'; file: string })[];
  expected: Record<string, ExpectedRow[]>;
  tolerances: { damage: number; types: number; heatmap: number; embeddingMinCosine: number; embeddingMaxAbs: number; patchesRow0MaxAbs: number; patchesMeanAbs: number };
}
interface ExpectedRow {
  input: string;
  damage: number;
  types: number[];
  heatmap: number[];
  embedding: number[];
  patchesRow0: number[];
  patchesMeanAbs: number;
}

/** reference-io.json's formula image: round(255·(0.5 + 0.5·sin(x(k+1)·0.07 + y(c+2)·0.05 + 1.3k + c))). */
function formulaImage(k: number, size = 224): RgbaImage {
  const data = new Uint8ClampedArray(size * size * 4);
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    for (let c = 0; c < 3; c++) data[(y * size + x) * 4 + c] = Math.round(255 * (0.5 + 0.5 * Math.sin(x * (k + 1) * 0.07 + y * (c + 2) * 0.05 + k * 1.3 + c)));
    data[(y * size + x) * 4 + 3] = 255;
  }
  return { width: size, height: size, data };
}

async function inputImage(input: ReferenceIo['inputs'][number]): Promise<RgbaImage> {
  if (input.kind === 'formula') return formulaImage(input.k);
  const { data, info } = await sharp(join(modelsDir, 'released', input.file)).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data };
}

const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};
const cosine = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let d = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    d += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return d / Math.sqrt(na * nb);
};

configureOrt({ numThreads: 1 });

describe('released models', () => {
  it('has a default model for both roles', () => {
    const defaults = manifest.models.filter((m) => m.default);
    expect(defaults.flatMap((m) => m.roles).sort()).toEqual(['damage', 'embedding']);
  });

  it.each(manifest.models.map((m) => [m.id, m] as const))('%s matches its manifest sha256 and size', async (_, entry) => {
    await expect(verifyModelBytes(entry, bytesOf(entry.file))).resolves.toBeUndefined();
  });

  it('rejects the default model with one flipped byte, keeping the loaded one', async () => {
    const entry = manifest.models.find((m) => m.default)!;
    const host = new ModelHost(async (file) => bytesOf(file), ['wasm']);
    const good = await host.load(entry);
    const tampered = bytesOf(entry.file);
    tampered[tampered.length >> 1] ^= 1;
    const err = await host.load(entry, tampered).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err.message).toMatch(/failed its integrity check/);
    expect(host.require('damage')).toBe(good);
    await host.releaseAll();
  });

  for (const entry of manifest.models) {
    const rows = reference.expected[entry.id];
    it(`${entry.id} reproduces the recorded outputs on ${rows?.length ?? 0} fixed inputs`, async () => {
      expect(rows, `reference-io.json has no outputs for ${entry.id}`).toBeDefined();
      const t = reference.tolerances;
      const session = await ModelSession.create(bytesOf(entry.file), ['wasm']);
      const o = entry.outputs;
      try {
        for (const row of rows) {
          const input = reference.inputs.find((i) => i.name === row.input)!;
          const tensor = preprocess(await inputImage(input), entry.input);
          const out = await session.run(tensor.data, tensor.dims);
          const where = `${entry.id} on ${row.input}`;
          expect(Math.abs(out[o.damage!].data[0] - row.damage), `${where}: damage`).toBeLessThanOrEqual(t.damage);
          expect(maxAbs(out[o.types!].data, row.types), `${where}: types`).toBeLessThanOrEqual(t.types);
          expect(maxAbs(out[o.heatmap!].data, row.heatmap), `${where}: heatmap`).toBeLessThanOrEqual(t.heatmap);
          const emb = out[o.embedding!].data;
          expect(cosine(emb, row.embedding), `${where}: embedding cosine`).toBeGreaterThanOrEqual(t.embeddingMinCosine);
          expect(maxAbs(emb, row.embedding), `${where}: embedding`).toBeLessThanOrEqual(t.embeddingMaxAbs);
          const patches = out[o.patches!].data;
          const patchDim = entry.embedding!.patchDim;
          expect(maxAbs(patches.subarray(0, patchDim), row.patchesRow0), `${where}: patches row 0`).toBeLessThanOrEqual(t.patchesRow0MaxAbs);
          const meanAbs = patches.reduce((a, v) => a + Math.abs(v), 0) / patches.length;
          expect(Math.abs(meanAbs - row.patchesMeanAbs), `${where}: patches mean |v|`).toBeLessThanOrEqual(t.patchesMeanAbs);
        }
      } finally {
        await session.release();
      }
    });
  }
});
