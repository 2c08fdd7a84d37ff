// The CLI contract of DESIGN.md, exercised by spawning `node bin/intact.mjs` with the tiny
// fixture model (so it runs on a fresh clone without the released models): JSON Lines on
// stdout, logs on stderr, exit 0 / 2 with a one-line reason, nothing written half-way.
// cli-real-model.test.ts repeats the key checks with the released model.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtures, intact } from './cli-helpers.ts';

const tmp = mkdtempSync(join(tmpdir(), 'intact-cli-'));
const reference = JSON.parse(readFileSync(join(fixtures, 'tiny-model/reference-io.json'), 'utf8'));
const manifestFile = join(tmp, 'manifest.json');
writeFileSync(manifestFile, JSON.stringify({
  schema: 1,
  models: [{
    id: 'tiny', version: '1', roles: ['damage', 'embedding'], precision: 'fp32', file: join(fixtures, 'tiny-model/tiny.onnx'),
    sha256: reference.sha256, bytes: reference.bytes, default: true,
    input: { name: 'input', size: 32, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25] },
    outputs: { damage: 'damage', types: 'types', heatmap: 'heatmap', embedding: 'embedding', patches: 'patches' },
    embedding: { dim: 8, patchDim: 8, patchGrid: [4, 4] },
  }],
}));
const env = { INTACT_MODELS: manifestFile, INTACT_CACHE_DIR: join(tmp, 'cache') };
const run = (args: string[]) => intact(args, env);
const gallery = join(fixtures, 'grocery-mini/gallery');
const queries = join(fixtures, 'grocery-mini/queries');
const products = ['Alpro-Blueberry-Soyghurt', 'Arla-Standard-Milk', 'Bravo-Orange-Juice', 'Oatly-Oat-Milk'];
const unit = (x: unknown) => typeof x === 'number' && x >= 0 && x <= 1;

const bad = {
  nonImage: join(tmp, 'notes.txt'),
  truncated: join(tmp, 'truncated.jpg'),
  tiny: join(tmp, 'one-pixel.png'),
  huge: join(tmp, 'huge.jpg'),
};

beforeAll(async () => {
  writeFileSync(bad.nonImage, 'not an image\n');
  const jpeg = readFileSync(join(queries, 'Oatly-Oat-Milk/Oatly-Oat-Milk_001.jpg'));
  writeFileSync(bad.truncated, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  await sharp({ create: { width: 1, height: 1, channels: 3, background: '#808080' } }).png().toFile(bad.tiny);
  // 8000×7000 = 56 MP: shrunk while decoding to the 2048-px side the app also uses.
  await sharp({ create: { width: 8000, height: 7000, channels: 3, background: '#a0a0a0', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 50 }).toFile(bad.huge);
}, 120_000);

describe('intact identify', () => {
  it('prints one contract line per image, with logs on stderr only', () => {
    const r = run(['identify', '--gallery', gallery, '--top', '3', queries]);
    expect(r.stderr).not.toMatch(/Error|at .*\.ts/);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(8);
    for (const line of r.lines) {
      expect(Object.keys(line)).toEqual(['image', 'matches', 'unknown', 'ms']);
      expect(typeof line.unknown).toBe('boolean');
      expect(String(line.image)).toMatch(/grocery-mini\/queries\/[^/]+\/[^/]+\.jpg$/);
      const matches = line.matches as { product: string; score: number }[];
      expect(matches).toHaveLength(3);
      for (const m of matches) {
        expect(Object.keys(m)).toEqual(['product', 'score']);
        expect(products).toContain(m.product);
        expect(unit(m.score)).toBe(true);
      }
      expect(matches[0].score).toBeGreaterThanOrEqual(matches[1].score);
      expect(line.ms).toBeGreaterThan(0);
    }
    expect(r.stderr).toMatch(/gallery .*4 products, 12 references/);
  });

  it('serves reference embeddings from the cache on the next run', () => {
    const r = run(['identify', '--gallery', gallery, join(queries, 'Oatly-Oat-Milk')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/\(0 embedded, 12 from cache\)/);
  });

  it('narrows to --candidates', () => {
    const r = run(['identify', '--gallery', gallery, '--candidates', 'Oatly-Oat-Milk,Arla-Standard-Milk', join(queries, 'Bravo-Orange-Juice')]);
    expect(r.code).toBe(0);
    for (const line of r.lines) {
      expect((line.matches as { product: string }[]).map((m) => m.product).sort()).toEqual(['Arla-Standard-Milk', 'Oatly-Oat-Milk']);
    }
  });
});

describe('--gallery <pack>', () => {
  it('identifies from a pack built by `intact gallery build` as from the folder it came from', () => {
    const pack = join(tmp, 'mini.intactpack');
    expect(run(['gallery', 'build', gallery, '-o', pack]).code).toBe(0);
    const fromPack = run(['identify', '--gallery', pack, '--top', '4', queries]);
    const fromFolder = run(['identify', '--gallery', gallery, '--top', '4', queries]);
    expect(fromPack.code).toBe(0);
    expect(fromPack.lines).toHaveLength(8);
    // The pack may store int8 vectors: scores agree to quantisation error, not bit for bit.
    fromPack.lines.forEach((line, i) => {
      const a = line.matches as { product: string; score: number }[];
      const b = fromFolder.lines[i].matches as { product: string; score: number }[];
      for (const m of a) expect(m.score).toBeCloseTo(b.find((x) => x.product === m.product)!.score, 2);
    });
  });

  it('refuses a truncated pack with exit 2', () => {
    const pack = join(tmp, 'mini.intactpack');
    const truncated = join(tmp, 'truncated.intactpack');
    writeFileSync(truncated, readFileSync(pack).subarray(0, 1000));
    const r = run(['identify', '--gallery', truncated, queries]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^intact: bad gallery: .*truncated\.intactpack: pack is truncated/);
  });
});

describe('intact inspect', () => {
  it('with a gallery: identifies, compares, and gives a verdict per image', () => {
    const r = run(['inspect', '--gallery', gallery, join(queries, 'Arla-Standard-Milk')]);
    expect(r.code).toBe(0);
    expect(r.lines).toHaveLength(2);
    for (const line of r.lines) {
      expect(Object.keys(line)).toEqual(['image', 'product', 'identified', 'mismatch', 'damage', 'types', 'anomaly', 'score', 'verdict', 'ms']);
      expect(products).toContain(line.product);
      expect(line.identified).toMatchObject({ product: line.product });
      expect(line.mismatch).toBeNull();
      expect(unit(line.damage) && unit(line.anomaly) && unit(line.score)).toBe(true);
      expect(Object.keys(line.types as object)).toEqual(['crush', 'tear', 'hole', 'deconstruction', 'spill']);
      expect(Object.values(line.types as object).every(unit)).toBe(true);
      expect(['pass', 'sideline', 'retake']).toContain(line.verdict);
    }
  });

  it('with --product: compares with that product', () => {
    const r = run(['inspect', '--gallery', gallery, '--product', 'Oatly-Oat-Milk', join(queries, 'Arla-Standard-Milk/Arla-Standard-Milk_001.jpg')]);
    expect(r.code).toBe(0);
    expect(r.lines[0].product).toBe('Oatly-Oat-Milk');
  });

  it('without a gallery: no product, no anomaly', () => {
    const r = run(['inspect', join(queries, 'Oatly-Oat-Milk/Oatly-Oat-Milk_001.jpg')]);
    expect(r.code).toBe(0);
    expect(r.lines[0]).toMatchObject({ product: null, anomaly: null });
  });

  it('asks for a retake on a 1×1 image and copes with a 56-megapixel photo', () => {
    const r = run(['inspect', bad.tiny, bad.huge]);
    expect(r.code).toBe(0);
    expect(r.lines.map((l) => l.verdict)).toEqual(['retake', expect.stringMatching(/pass|sideline|retake/)]);
  });
});

describe('bad input: exit 2, a one-line reason, nothing on stdout', () => {
  const emptyGallery = join(tmp, 'empty-gallery');
  const badJsonGallery = join(tmp, 'bad-json-gallery');
  mkdirSync(emptyGallery);
  cpSync(gallery, badJsonGallery, { recursive: true });
  writeFileSync(join(badJsonGallery, 'Oatly-Oat-Milk/product.json'), '{ "name": "Oatly", ');

  it.each([
    ['a non-image file', ['inspect', bad.nonImage], /notes\.txt: not an image/],
    ['a missing path', ['inspect', join(tmp, 'missing.jpg')], /cannot read .*missing\.jpg: no such file/],
    ['a truncated JPEG after a good image', ['inspect', join(queries, 'Oatly-Oat-Milk/Oatly-Oat-Milk_001.jpg'), bad.truncated], /truncated\.jpg: unreadable or corrupt image/],
    ['a gallery folder without products', ['identify', '--gallery', emptyGallery, queries], /bad gallery: .* has no product folders/],
    ['a missing gallery', ['identify', '--gallery', join(tmp, 'nope'), queries], /bad gallery: .*nope does not exist/],
    ['a broken product.json', ['identify', '--gallery', badJsonGallery, queries], /bad gallery: .*product\.json is not valid JSON/],
    ['identify without --gallery', ['identify', queries], /identify needs --gallery/],
    ['an unknown option', ['inspect', '--galery', gallery, queries], /unknown option --galery/],
    ['a bad --top', ['identify', '--gallery', gallery, '--top', 'x', queries], /--top must be a whole number/],
    ['an unknown --product', ['inspect', '--gallery', gallery, '--product', 'Nope', queries], /--product Nope has no references/],
  ])('%s', (_, args, reason) => {
    const r = run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const last = r.stderr.trim().split('\n').pop() ?? '';
    expect(last).toMatch(/^intact: /);
    expect(last).toMatch(reason as RegExp);
  });
});
