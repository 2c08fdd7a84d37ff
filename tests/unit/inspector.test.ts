// The pipeline end to end on the tiny fixture model (random weights, real onnxruntime-web):
// what is checked is the plumbing — shapes, identification, comparison, verdict rules —
// not the model's judgement, which the released-model tests cover.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RgbaImage } from '../../src/lib/core/image.ts';
import type { ModelManifest } from '../../src/lib/core/model-manifest.ts';
import { productId } from '../../src/lib/core/types.ts';
import { decide } from '../../src/lib/core/decision/decide.ts';
import { DEFAULT_UNIT_COUNT_OPTIONS } from '../../src/lib/core/unit-count.ts';
import { configureOrt } from '../../src/lib/inference/index.ts';
import { colourSignature } from '../../src/lib/core/colour-signature.ts';
import { centreCrop, combineDescriptor, descriptorKey } from '../../src/lib/core/global-descriptor.ts';
import { Inspector, UnknownProductError } from '../../src/lib/pipeline/inspector.ts';

const dir = new URL('../fixtures/tiny-model/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('reference-io.json', dir), 'utf8'));
const manifest: ModelManifest = {
  schema: 1,
  models: [{
    id: 'tiny', version: '1', roles: ['damage', 'embedding'], precision: 'fp32', file: 'tiny.onnx',
    sha256: reference.sha256, bytes: reference.bytes, default: true,
    input: { name: 'input', size: 32, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    outputs: { damage: 'damage', types: 'types', heatmap: 'heatmap', embedding: 'embedding', patches: 'patches' },
    embedding: { dim: 8, patchDim: 8, patchGrid: [4, 4] },
  }],
};
const readFile = async (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));

/** Distinct synthetic "products": stripes of a product-specific colour and period. */
function productImage(kind: number, variant: number, width = 96, height = 96): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  const colours = [[200, 40, 40], [40, 180, 60], [50, 60, 210]];
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const on = Math.floor((x + kind * y) / (4 + 3 * kind)) % 2 === 0;
    const [r, g, b] = on ? colours[kind] : [235, 235, 225];
    const n = ((x * 7 + y * 13 + variant * 31) % 9) - 4;
    data.set([r + n, g + n, b + n, 255], (y * width + x) * 4);
  }
  return { width, height, data };
}

/** A 2×2 pack of one product's units; `empty` slots show a flat grey tray. */
function multipack(kind: number, variant: number, empty: number[]): RgbaImage {
  const unit = productImage(kind, variant, 48, 48);
  const out = new Uint8ClampedArray(96 * 96 * 4);
  for (let y = 0; y < 96; y++) for (let x = 0; x < 96; x++) {
    const slot = (y >= 48 ? 2 : 0) + (x >= 48 ? 1 : 0);
    const px = empty.includes(slot) ? [128, 126, 120, 255] : unit.data.subarray(((y % 48) * 48 + (x % 48)) * 4, ((y % 48) * 48 + (x % 48)) * 4 + 4);
    out.set(px, (y * 96 + x) * 4);
  }
  return { width: 96, height: 96, data: out };
}

configureOrt({ numThreads: 1 });

/** Valid EAN-13s (GS1 check digit), one per fixture product. */
const BARCODES = ['7394376616037', '5411188112709', '9780201379624'];

describe('Inspector on the fixture model', async () => {
  const inspector = await Inspector.create({ manifest, readFile, providers: ['wasm'] });
  const gallery = inspector.createGallery();
  for (const kind of [0, 1, 2]) {
    gallery.addProduct({ id: productId(`p${kind}`) });
    for (const variant of [0, 1, 2]) {
      const e = await inspector.embed(productImage(kind, variant));
      gallery.addReference({ id: `p${kind}-${variant}` as never, product: productId(`p${kind}`), ...e }, e.model);
    }
  }

  it('reports the loaded model and the provider it runs on', () => {
    expect(inspector.status()).toEqual([expect.objectContaining({ id: 'tiny', sha256: reference.sha256, provider: 'wasm' })]);
  });

  it('embeds to the manifest sizes with unit-length vectors', async () => {
    const e = await inspector.embed(productImage(1, 5));
    expect(e.embedding.length).toBe(8);
    expect(e.patches.length).toBe(16 * 8);
    expect(Math.hypot(...e.embedding)).toBeCloseTo(1, 4);
    expect(e.imageCells.every(Boolean)).toBe(true);
    const wide = await inspector.embed(productImage(1, 5, 192, 48));
    expect(wide.imageCells.filter(Boolean).length).toBeLessThan(16);
  });

  it('identifies an unseen capture of each product', async () => {
    for (const kind of [0, 1, 2]) {
      const { matches } = await inspector.identify(productImage(kind, 9), { gallery, top: 3 });
      expect(matches[0].product).toBe(`p${kind}`);
      expect(matches).toHaveLength(3);
    }
    const narrowed = await inspector.identify(productImage(0, 9), { gallery, candidates: [productId('p1'), productId('p2')] });
    expect(narrowed.matches.map((m) => m.product).sort()).toEqual(['p1', 'p2']);
  });

  it('inspects: a complete result whose verdict follows the shipped decision', async () => {
    const r = await inspector.inspect(productImage(2, 9), { gallery });
    expect(r.product).toBe('p2');
    expect(r.anomaly).not.toBeNull();
    expect(r.anomalyMap?.values.length).toBe(16);
    expect(r.heatmap.width * r.heatmap.height).toBe(16);
    expect(Object.keys(r.types)).toEqual(['crush', 'tear', 'hole', 'deconstruction', 'spill']);
    expect(r.quality.ok).toBe(true);
    const d = decide({ quality: r.quality, damage: r.damage, types: r.types, topType: r.topType, anomaly: r.anomaly });
    expect(r.score).toBeCloseTo(d.score, 6);
    expect(r.verdict).toBe(d.fusedLogit > d.threshold ? 'sideline' : 'pass');
    expect(r.timings.total).toBeGreaterThan(0);
  });

  it('asks for a retake on a 1×1 image instead of failing', async () => {
    const r = await inspector.inspect({ width: 1, height: 1, data: new Uint8Array([1, 2, 3, 255]) }, { gallery });
    expect(r.verdict).toBe('retake');
    expect(r.reasons[0]).toMatch(/too small/);
  });

  it('checks without a gallery (no identification, no anomaly)', async () => {
    const r = await inspector.inspect(productImage(0, 1));
    expect(r.product).toBeNull();
    expect(r.anomaly).toBeNull();
    expect(r.score).toBeCloseTo(decide({ quality: r.quality, damage: r.damage, types: r.types, topType: r.topType, anomaly: null }).score, 6);
  });

  it('rejects an unknown --product and honours an aborted signal', async () => {
    await expect(inspector.inspect(productImage(0, 1), { gallery, product: productId('nope') })).rejects.toBeInstanceOf(UnknownProductError);
    const controller = new AbortController();
    controller.abort();
    await expect(inspector.inspect(productImage(0, 1), { gallery, signal: controller.signal })).rejects.toThrow(/cancelled/);
  });

  it('sidelines an item whose barcode names another product than the picture shows', async () => {
    const products = [0, 1, 2].map((kind) => ({ id: productId(`p${kind}`), name: `Product ${kind}`, barcodes: [BARCODES[kind]] }));
    products.forEach((p) => gallery.addProduct(p));
    const image = productImage(1, 9);
    const { matches } = await inspector.identify(image, { gallery, top: 3 });
    // The fixture's identification must be clear-cut for this to test the pipeline's wiring.
    expect(matches[0].product).toBe('p1');
    expect(matches[0].score).toBeGreaterThanOrEqual(inspector.scoring.identity.mismatchAt);

    const agreed = await inspector.inspect(image, { gallery, barcode: BARCODES[1] });
    expect(agreed.barcode).toEqual({ code: BARCODES[1], product: 'p1', mismatch: false });
    expect(agreed.reasons).not.toContain('label does not match barcode');

    const wrong = await inspector.inspect(image, { gallery, barcode: BARCODES[0] });
    expect(wrong.barcode).toEqual({ code: BARCODES[0], product: 'p0', mismatch: true });
    expect(wrong.verdict).toBe('sideline');
    expect(wrong.reasons[0]).toBe('label does not match barcode');
    expect(wrong.reasons).toContain('the barcode is Product 0, the picture shows Product 1');
    expect(wrong.product).toBe('p1');

    const unknown = await inspector.inspect(image, { gallery, barcode: '4006381333931' });
    expect(unknown.barcode).toEqual({ code: '4006381333931', product: null, mismatch: false });
    expect(unknown.reasons).toContain('barcode 4006381333931 is not in the gallery');
    expect(unknown.verdict).toBe(agreed.verdict);
  });

  it('compares with the barcode product when the picture cannot tell the two apart', async () => {
    const lookalike = inspector.createGallery();
    const twins = [productId('twin-a'), productId('twin-b')];
    twins.forEach((id, k) => lookalike.addProduct({ id, name: `Twin ${k}`, barcodes: [BARCODES[k]] }));
    for (const [k, id] of twins.entries()) {
      const e = await inspector.embed(productImage(2, k));
      lookalike.addReference({ id: `${id}-ref` as never, product: id, ...e }, e.model);
    }
    const image = productImage(2, 7);
    const { matches } = await inspector.identify(image, { gallery: lookalike });
    const runnerUp = matches[1].product;
    expect(matches[0].score).toBeLessThan(inspector.scoring.identity.mismatchAt);
    const r = await inspector.inspect(image, { gallery: lookalike, barcode: BARCODES[twins.indexOf(runnerUp)] });
    expect(r.product).toBe(runnerUp);
    expect(r.barcode?.mismatch).toBe(false);
    expect(r.reasons.some((t) => t.startsWith(`compared with Twin ${twins.indexOf(runnerUp)}, as the barcode says`))).toBe(true);
  });

  it('counts the units of a multipack against its references and says how many are missing', async () => {
    // The fixture's random-weight features barely vary within a unit, so the released model's
    // thresholds would never count here; these fit the fixture, the plumbing is what is tested.
    const unitCount = { ...DEFAULT_UNIT_COUNT_OPTIONS, emptyBelow: 0.6, minRepeat: -1 };
    const counting = await Inspector.create({ manifest, readFile, providers: ['wasm'], unitCount });
    const packs = counting.createGallery();
    const fourPack = productId('four-pack');
    packs.addProduct({ id: fourPack, units: 4 });
    for (const variant of [0, 1, 2]) {
      const e = await counting.embed(multipack(0, variant, []));
      packs.addReference({ id: `pack-${variant}` as never, product: fourPack, ...e }, e.model);
    }
    const complete = await counting.inspect(multipack(0, 9, []), { gallery: packs, product: fourPack });
    expect(complete.units).toEqual({ expected: 4, counted: 4 });
    const broken = await counting.inspect(multipack(0, 9, [3]), { gallery: packs, product: fourPack });
    expect(broken.units).toEqual({ expected: 4, counted: 3 });
    expect(broken.verdict).toBe('sideline');
    expect(broken.reasons[0]).toBe('1 of 4 units missing');
    // A product without units (a single item) is not counted.
    expect((await counting.inspect(productImage(0, 9), { gallery })).units).toBeNull();
    await counting.dispose();
  });

  it('says the gallery is being prepared when the app says so', async () => {
    const r = await inspector.inspect(productImage(0, 1), { galleryPreparing: true });
    expect(r.reasons).toContain('not compared with reference photos yet: the gallery is still being prepared');
  });

  it('searches references set from the app (setReferences)', async () => {
    const refs = await Promise.all([0, 1].map(async (kind) => ({ product: productId(`q${kind}`), ...(await inspector.embed(productImage(kind, 0))) })));
    inspector.setReferences(refs);
    const { matches } = await inspector.identify(productImage(1, 7));
    expect(matches[0].product).toBe('q1');
  });

  it('with a descriptor recipe, embeds whole image + centre crop + colour under the recipe key, and refuses a key that does not match', async () => {
    const entry = manifest.models[0];
    const recipe = {
      centreCrop: 0.8,
      colour: { hueBins: 6, saturationBins: 2, valueBins: 2, greyBins: 4, margin: 0.1, minSaturation: 0.2, weight: 0.5 },
      dim: 8 + 28,
      key: '',
    };
    recipe.key = await descriptorKey(entry.sha256, recipe);
    const withRecipe: ModelManifest = { schema: 1, models: [{ ...entry, embedding: { ...entry.embedding!, global: recipe } }] };
    const described = await Inspector.create({ manifest: withRecipe, readFile, providers: ['wasm'] });
    const image = productImage(2, 3);
    const e = await described.embed(image);
    expect(e.model).toBe(recipe.key);
    expect(e.embedding).toHaveLength(recipe.dim);
    const plain = await inspector.embed(image);
    const centre = await inspector.embed(centreCrop(image, recipe.centreCrop));
    const expected = combineDescriptor(plain.embedding, centre.embedding, colourSignature(image, recipe.colour), recipe.colour.weight);
    e.embedding.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(Array.from(e.patches)).toEqual(Array.from(plain.patches));
    // The gallery it makes holds descriptor-length vectors under the key, and inspect uses them.
    const g = described.createGallery();
    expect(g.spec).toMatchObject({ model: recipe.key, dim: recipe.dim });
    g.addReference({ id: 'r' as never, product: productId('p'), ...e }, e.model);
    expect((await described.inspect(image, { gallery: g })).matches[0].product).toBe('p');
    await described.dispose();

    const tampered: ModelManifest = { schema: 1, models: [{ ...entry, embedding: { ...entry.embedding!, global: { ...recipe, centreCrop: 0.7 } } }] };
    await expect(Inspector.create({ manifest: tampered, readFile, providers: ['wasm'] })).rejects.toThrow(/embedding.global.key does not match/);
  });
});
