// The inference module in Node, on a real (tiny, random-weight) ONNX model that follows the
// model I/O contract: integrity checks, provider reporting, serialised runs, parity with torch.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ModelEntry } from '../../src/lib/core/model-manifest.ts';
import { configureOrt, ModelError, ModelHost, ModelSession } from '../../src/lib/inference/index.ts';

const dir = new URL('../fixtures/tiny-model/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('reference-io.json', dir), 'utf8'));
const bytes = new Uint8Array(readFileSync(new URL('tiny.onnx', dir)));

const entry: ModelEntry = {
  id: 'tiny', version: '1', roles: ['damage', 'embedding'], precision: 'fp32', file: 'tiny.onnx',
  sha256: reference.sha256, bytes: reference.bytes, default: true,
  input: { name: 'input', size: 32, layout: 'NCHW', mean: [0, 0, 0], std: [1, 1, 1] },
  outputs: { damage: 'damage', types: 'types', heatmap: 'heatmap', embedding: 'embedding', patches: 'patches' },
  embedding: { dim: 8, patchDim: 8, patchGrid: [4, 4] },
};

const fixedInput = () => {
  const n = 3 * 32 * 32;
  return Float32Array.from({ length: n }, (_, i) => -2 + (4 * i) / (n - 1));
};

configureOrt({ numThreads: 1 });

describe('inference (onnxruntime-web in Node)', () => {
  it('reproduces torch outputs on a fixed input and reports the provider it actually got', async () => {
    const session = await ModelSession.create(bytes, ['webgpu', 'wasm']);
    expect(session.provider).toBe('wasm');
    expect(session.fallbacks).toEqual([{ provider: 'webgpu', error: 'not available here' }]);
    const out = await session.run(fixedInput(), [1, 3, 32, 32]);
    for (const [name, want] of Object.entries(reference.outputs) as [string, { dims: number[]; data: number[] }][]) {
      expect(out[name].dims).toEqual(want.dims);
      let maxErr = 0;
      want.data.forEach((v, i) => (maxErr = Math.max(maxErr, Math.abs(v - out[name].data[i]))));
      expect(maxErr, name).toBeLessThan(1e-4);
    }
    await session.release();
  });

  it('counts a provider that creates the session but cannot run it as failed, and says why', async () => {
    const err = await ModelSession.create(bytes, ['wasm'], [1, 3, 16, 16]).catch((e) => e);
    expect(err.message).toMatch(/^no execution provider could run the model: wasm: .+/);
  });

  it('runs one inference at a time and cancels queued runs whose signal aborted', async () => {
    const session = await ModelSession.create(bytes, ['wasm']);
    const order: string[] = [];
    const controller = new AbortController();
    const a = session.run(fixedInput(), [1, 3, 32, 32]).then(() => order.push('a'));
    const b = session.run(fixedInput(), [1, 3, 32, 32], controller.signal).then(() => order.push('b'), (e) => order.push(`b:${e.name}`));
    const c = session.run(new Float32Array(3 * 32 * 32), [1, 3, 32, 32]).then(() => order.push('c'));
    controller.abort();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['a', 'b:AbortError', 'c']);
    await session.release();
  });

  it('rejects tampered bytes with a clear message and keeps the previous model in service', async () => {
    const host = new ModelHost(async () => bytes, ['wasm']);
    const first = await host.load(entry);
    expect(first.session.warmupMs).toBeGreaterThan(0);

    const tampered = bytes.slice();
    tampered[tampered.length - 20] ^= 0xff;
    const err = await host.load({ ...entry, version: '2' }, tampered).catch((e) => e);
    expect(err).toBeInstanceOf(ModelError);
    expect(err.code).toBe('integrity');
    expect(err.message).toMatch(/tiny\.onnx failed its integrity check .*corrupt or was replaced/);

    const truncated = await host.load({ ...entry, version: '3' }, bytes.slice(0, 100)).catch((e) => e);
    expect(truncated.code).toBe('size');
    expect(truncated.message).toMatch(/is 100 bytes, the manifest says 7464/);

    expect(host.require('damage')).toBe(first);
    expect(host.status()).toEqual([expect.objectContaining({ id: 'tiny', version: '1', provider: 'wasm' })]);
    const out = await host.require('embedding').session.run(fixedInput(), [1, 3, 32, 32]);
    expect(out.embedding.data[0]).toBeCloseTo(reference.outputs.embedding.data[0], 4);
    await host.releaseAll();
  });

  it('reports an unreadable model file as a load error', async () => {
    const host = new ModelHost(async () => {
      throw new Error('ENOENT: no such file');
    }, ['wasm']);
    await expect(host.load(entry)).rejects.toThrow(/cannot read model file tiny\.onnx: ENOENT/);
  });
});
