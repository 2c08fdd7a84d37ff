// The worker's engine in Node, on the real pipeline and onnxruntime-web with the tiny fixture
// model, its files served over HTTP as the app serves them. What is checked: the gallery crosses
// as an int8 batch and is searchable, and vectors never outlive the embedding model they came from.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { float32Tensor } from '../core/gallery-pack/tensor.ts';
import type { RgbaImage } from '../core/image.ts';
import type { ModelManifest } from '../core/model-manifest.ts';
import { productId } from '../core/types.ts';
import { configureOrt } from '../inference/index.ts';
import { Inspector } from '../pipeline/inspector.ts';
import { InferenceEngine } from './engine.ts';
import { batchTransferables, packReferences, type ReferenceBatch } from './reference-batch.ts';

const tiny = readFileSync(new URL('../../../tests/fixtures/tiny-model/tiny.onnx', import.meta.url));
// The same network with one unknown protobuf field appended (which parsers skip): another file,
// so another sha256, so another embedding model as far as any gallery is concerned.
const tinyV2 = Buffer.concat([tiny, Buffer.from([0xc2, 0x3e, 0x01, 0x62])]);

function manifestFor(bytes: Buffer, version: string): ModelManifest {
  return {
    schema: 1,
    models: [{
      id: 'tiny', version, roles: ['damage', 'embedding'], precision: 'fp32', file: 'tiny.onnx',
      sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, default: true,
      input: { name: 'input', size: 32, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
      outputs: { damage: 'damage', types: 'types', heatmap: 'heatmap', embedding: 'embedding', patches: 'patches' },
      embedding: { dim: 8, patchDim: 8, patchGrid: [4, 4] },
    }],
  } as ModelManifest;
}

const served: Record<string, Buffer> = {
  '/v1/manifest.json': Buffer.from(JSON.stringify(manifestFor(tiny, '1'))),
  '/v1/tiny.onnx': tiny,
  '/v2/manifest.json': Buffer.from(JSON.stringify(manifestFor(tinyV2, '2'))),
  '/v2/tiny.onnx': tinyV2,
};

/** Stripes of a product-specific colour and period (as in the pipeline's tests). */
function productImage(kind: number, variant: number, size = 96): RgbaImage {
  const data = new Uint8ClampedArray(size * size * 4);
  const colours = [[200, 40, 40], [40, 180, 60], [50, 60, 210]];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
    const on = Math.floor((x + kind * y) / (4 + 3 * kind)) % 2 === 0;
    const [r, g, b] = on ? colours[kind] : [235, 235, 225];
    const n = ((x * 7 + y * 13 + variant * 31) % 9) - 4;
    data.set([r + n, g + n, b + n, 255], (y * size + x) * 4);
  }
  return { width: size, height: size, data };
}

/** Three products, three references each, embedded by `pipeline`, packed as the app packs them. */
async function galleryBatch(pipeline: Inspector): Promise<ReferenceBatch> {
  const references = [];
  for (const kind of [0, 1, 2]) {
    for (const variant of [0, 1, 2]) {
      const e = await pipeline.embed(productImage(kind, variant));
      references.push({ product: `p${kind}`, reference: `p${kind}-${variant}`, embedding: float32Tensor(e.embedding, 1, 8), patches: float32Tensor(e.patches, 16, 8) });
    }
  }
  const products = [0, 1, 2].map((k) => ({ id: productId(`p${k}`), name: `Product ${k}`, barcodes: [] }));
  return packReferences(pipeline.embeddingModel.sha256, { dim: 8, patchDim: 8, cells: 16 }, references, products);
}

/** As postMessage delivers it: the buffers moved, the sender's copy emptied. */
const transferred = (batch: ReferenceBatch) => structuredClone(batch, { transfer: batchTransferables(batch) });

describe('InferenceEngine gallery hand-over', () => {
  let server: Server;
  let base = '';
  const pipelines: Inspector[] = [];
  // A worker's global; the engine reports self.crossOriginIsolated.
  (globalThis as { self?: unknown }).self ??= globalThis;
  const engine = new InferenceEngine({
    configure: () => configureOrt({ numThreads: 1 }),
    createPipeline: async (options) => {
      const pipeline = await Inspector.create(options);
      pipelines.push(pipeline);
      return pipeline;
    },
    isIntegrityFailure: () => false,
  });
  /** Made while the first model was loaded (it is disposed when replaced). */
  let staleBatch: ReferenceBatch | null = null;
  const config = (version: string) => ({ modelBaseUrl: `${base}/${version}/`, numThreads: 1, providers: ['wasm' as const] });

  beforeAll(async () => {
    server = createServer((req, res) => {
      const body = served[req.url ?? ''];
      res.writeHead(body ? 200 : 404).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('installs an int8 batch the pipeline then searches, and refuses one made by another model', async () => {
    const v1 = await engine.init(config('v1'));
    expect(v1.ok).toBe(true);
    const pipeline = pipelines[0];
    const batch = await galleryBatch(pipeline);
    staleBatch = await galleryBatch(pipeline);

    const foreign = await engine.setReferences(transferred({ ...(await galleryBatch(pipeline)), model: 'f'.repeat(64) }));
    expect(foreign).toMatchObject({ ok: false, error: { code: 'references-refused' } });

    const installed = await engine.setReferences(transferred(batch));
    expect(installed).toMatchObject({ ok: true, value: { references: 9, products: 3 } });
    for (const kind of [0, 1, 2]) {
      const { matches } = await pipeline.identify(productImage(kind, 9));
      expect(matches[0].product).toBe(`p${kind}`);
    }
  });

  it('drops the vectors when another embedding model is loaded, and takes that model’s', async () => {
    const v2 = await engine.init(config('v2'));
    expect(v2.ok && v2.value.embedding?.sha256).toBe(manifestFor(tinyV2, '2').models[0].sha256);
    const pipeline = pipelines[1];
    // Same network, so the old vectors would even "work": only the model's identity keeps them out.
    expect((await pipeline.identify(productImage(0, 9))).matches).toEqual([]);

    const stale = await engine.setReferences(transferred(staleBatch!));
    expect(stale).toMatchObject({ ok: false, error: { code: 'references-refused' } });
    expect((await pipeline.identify(productImage(0, 9))).matches).toEqual([]);

    expect(await engine.setReferences(transferred(await galleryBatch(pipeline)))).toMatchObject({ ok: true, value: { references: 9 } });
    expect((await pipeline.identify(productImage(2, 9))).matches[0].product).toBe('p2');
  });
});
