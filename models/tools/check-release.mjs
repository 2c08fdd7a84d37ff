// Standalone check of models/: every manifest entry's file has the recorded sha256 and size, and
// running it in onnxruntime-web (WASM, Node) on the recorded reference inputs reproduces the
// recorded outputs within the recorded tolerances. Exit 0 ok, 1 mismatch, 2 bad input.
// Usage: node models/tools/check-release.mjs [modelsDir]
import * as ort from 'onnxruntime-web';
import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const modelsDir = process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const released = path.join(modelsDir, 'released');
const manifestPath = path.join(modelsDir, 'manifest.json');
if (!existsSync(manifestPath)) {
  console.error(`no manifest at ${manifestPath}`);
  process.exit(2);
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
const reference = JSON.parse(readFileSync(path.join(released, 'reference-io.json'), 'utf8'));

function formulaRgb(k, size) {
  const rgb = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) {
        const v = 0.5 + 0.5 * Math.sin(x * (k + 1) * 0.07 + y * (c + 2) * 0.05 + k * 1.3 + c);
        rgb[(y * size + x) * 3 + c] = Math.round(v * 255);
      }
  return rgb;
}

async function inputRgb(meta, size) {
  if (meta.kind === 'formula') return formulaRgb(meta.k, size);
  const { data, info } = await sharp(path.join(released, meta.file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== size || info.height !== size) throw new Error(`${meta.file} is ${info.width}x${info.height}, expected ${size}x${size}`);
  return new Uint8Array(data);
}

// Same arithmetic as src/lib/core/preprocess.ts (gain/bias in double, stored as float32): int8
// graphs round the input to 8 bits, so the last bit of the normalised value matters.
function toTensor(rgb, spec) {
  const { size, mean, std } = spec;
  const plane = size * size;
  const data = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const gain = 1 / (255 * std[c]);
    const bias = -mean[c] / std[c];
    for (let i = 0; i < plane; i++) data[c * plane + i] = rgb[i * 3 + c] * gain + bias;
  }
  return new ort.Tensor('float32', data, [1, 3, size, size]);
}

const maxAbs = (a, b) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
const cosine = (a, b) => a.reduce((s, v, i) => s + v * b[i], 0) / Math.sqrt(a.reduce((s, v) => s + v * v, 0) * b.reduce((s, v) => s + v * v, 0));

let failures = 0;
const tol = reference.tolerances;
for (const entry of manifest.models) {
  const file = path.join(modelsDir, entry.file); // entry.file is relative to the manifest's folder
  const bytes = readFileSync(file);
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (digest !== entry.sha256 || bytes.length !== entry.bytes) {
    console.log(`FAIL ${entry.id}: sha256/bytes mismatch (${digest}, ${bytes.length})`);
    failures++;
    continue;
  }
  const expected = reference.expected[entry.id];
  if (!expected) {
    console.log(`FAIL ${entry.id}: no reference outputs recorded`);
    failures++;
    continue;
  }
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  for (const row of expected) {
    const meta = reference.inputs.find((m) => m.name === row.input);
    const out = await session.run({ [entry.input.name]: toTensor(await inputRgb(meta, entry.input.size), entry.input) });
    const o = entry.outputs;
    const got = {
      damage: out[o.damage].data[0],
      types: Array.from(out[o.types].data),
      heatmap: Array.from(out[o.heatmap].data),
      embedding: Array.from(out[o.embedding].data),
      patchesRow0: Array.from(out[o.patches].data.slice(0, entry.embedding.patchDim)),
      patchesMeanAbs: out[o.patches].data.reduce((s, v) => s + Math.abs(v), 0) / out[o.patches].data.length,
      item: o.item ? out[o.item].data[0] : undefined,
    };
    const checks = {
      damage: Math.abs(got.damage - row.damage) <= tol.damage,
      types: maxAbs(got.types, row.types) <= tol.types,
      heatmap: maxAbs(got.heatmap, row.heatmap) <= tol.heatmap,
      embeddingCosine: cosine(got.embedding, row.embedding) >= tol.embeddingMinCosine,
      embeddingMaxAbs: maxAbs(got.embedding, row.embedding) <= tol.embeddingMaxAbs,
      patchesRow0: maxAbs(got.patchesRow0, row.patchesRow0) <= tol.patchesRow0MaxAbs,
      patchesMeanAbs: Math.abs(got.patchesMeanAbs - row.patchesMeanAbs) <= tol.patchesMeanAbs,
      item: row.item === undefined || Math.abs(got.item - row.item) <= tol.item,
    };
    const bad = Object.entries(checks).filter(([, ok]) => !ok).map(([k]) => k);
    const detail = `damage ${got.damage.toFixed(4)} (want ${row.damage.toFixed(4)}), emb cos ${cosine(got.embedding, row.embedding).toFixed(6)}`;
    console.log(`${bad.length ? 'FAIL' : 'ok  '} ${entry.id} ${row.input}: ${detail}${bad.length ? ` — off: ${bad.join(', ')}` : ''}`);
    failures += bad.length ? 1 : 0;
  }
}
process.exit(failures ? 1 : 0);
