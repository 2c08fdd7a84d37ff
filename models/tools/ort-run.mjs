// Runs released ONNX graphs in onnxruntime-web (WASM, one thread) under Node: the same engine
// the app and CLI use. Modes:
//   bench <model.onnx>... : median latency per model on the formula inputs (side by side)
//   infer <model.onnx> <inputs.f32> <n> <out.f32> : batch inference over a raw float32 NCHW file,
//                                                   writing all outputs concatenated per image
import * as ort from 'onnxruntime-web';
import { readFileSync, writeFileSync } from 'node:fs';

ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';

const [mode, ...args] = process.argv.slice(2);
const SIZE = 224;

function formulaInput(k) {
  // Same formula as pipeline/reference_inputs.py, laid out NCHW and normalised (p - 0.5) / 0.5.
  const data = new Float32Array(3 * SIZE * SIZE);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < SIZE; y++)
      for (let x = 0; x < SIZE; x++) {
        const v = 0.5 + 0.5 * Math.sin(x * (k + 1) * 0.07 + y * (c + 2) * 0.05 + k * 1.3 + c);
        data[c * SIZE * SIZE + y * SIZE + x] = (Math.round(v * 255) / 255 - 0.5) / 0.5;
      }
  return new ort.Tensor('float32', data, [1, 3, SIZE, SIZE]);
}

async function bench(paths) {
  const sessions = [];
  for (const p of paths) sessions.push(await ort.InferenceSession.create(readFileSync(p), { executionProviders: ['wasm'] }));
  const input = formulaInput(0);
  const times = paths.map(() => []);
  for (let round = 0; round < 12; round++) {
    for (let i = 0; i < sessions.length; i++) {
      const t0 = performance.now();
      await sessions[i].run({ [sessions[i].inputNames[0]]: input });
      if (round >= 2) times[i].push(performance.now() - t0);
    }
  }
  const result = paths.map((p, i) => {
    const sorted = times[i].sort((a, b) => a - b);
    return { model: p, medianMs: sorted[Math.floor(sorted.length / 2)], minMs: sorted[0] };
  });
  console.log(JSON.stringify(result));
}

async function infer(path, inputFile, n, outFile) {
  const session = await ort.InferenceSession.create(readFileSync(path), { executionProviders: ['wasm'] });
  const raw = readFileSync(inputFile);
  const all = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  const per = 3 * SIZE * SIZE;
  if (all.length !== n * per) throw new Error(`${inputFile}: expected ${n * per} floats, got ${all.length}`);
  const chunks = [];
  const names = session.outputNames;
  const shapes = {};
  for (let i = 0; i < n; i++) {
    const input = new ort.Tensor('float32', all.slice(i * per, (i + 1) * per), [1, 3, SIZE, SIZE]);
    const out = await session.run({ [session.inputNames[0]]: input });
    for (const name of names) {
      chunks.push(out[name].data);
      shapes[name] = out[name].dims;
    }
  }
  const total = chunks.reduce((s, c) => s + c.length, 0);
  const flat = new Float32Array(total);
  let o = 0;
  for (const c of chunks) {
    flat.set(c, o);
    o += c.length;
  }
  writeFileSync(outFile, Buffer.from(flat.buffer));
  console.log(JSON.stringify({ names, shapes }));
}

if (mode === 'bench') await bench(args);
else if (mode === 'infer') await infer(args[0], args[1], Number(args[2]), args[3]);
else {
  console.error('usage: ort-run.mjs bench <model.onnx>... | infer <model> <inputs.f32> <n> <out.f32>');
  process.exit(2);
}
