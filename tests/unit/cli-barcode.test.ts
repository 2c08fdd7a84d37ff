// `intact inspect --barcode`: the code read from the item, looked up in the gallery's
// product.json barcodes. Runs the real CLI with the tiny fixture model (as cli.test.ts does);
// what is tested is the plumbing from the flag to the verdict, not the model's judgement.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, intact } from './cli-helpers.ts';

const MISMATCH_AT = 0.95;
const tmp = mkdtempSync(join(tmpdir(), 'intact-cli-barcode-'));
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
    // The random-weight fixture's probabilities mean little: a barcode overrules it below 0.95.
    scoring: { identity: { mismatchAt: MISMATCH_AT } },
  }],
}));
const run = (args: string[]) => intact(args, { INTACT_MODELS: manifestFile, INTACT_CACHE_DIR: join(tmp, 'cache') });

// The mini gallery with a valid EAN-13 per product.
const gallery = join(tmp, 'gallery');
cpSync(join(fixtures, 'grocery-mini/gallery'), gallery, { recursive: true });
const CODES: Record<string, string> = {
  'Alpro-Blueberry-Soyghurt': '5411188112709',
  'Arla-Standard-Milk': '7310865004703',
  'Bravo-Orange-Juice': '7310867001823',
  'Oatly-Oat-Milk': '7394376616037',
};
for (const [id, code] of Object.entries(CODES)) writeFileSync(join(gallery, id, 'product.json'), JSON.stringify({ barcodes: [code] }));
const photo = join(fixtures, 'grocery-mini/queries/Oatly-Oat-Milk/Oatly-Oat-Milk_001.jpg');

describe('intact inspect --barcode', () => {
  const plain = run(['inspect', '--gallery', gallery, photo]);
  const ranked = run(['identify', '--gallery', gallery, '--top', '4', photo]).lines[0].matches as { product: string; score: number }[];

  it('keeps the contract line, and an agreeing or unknown code changes nothing', () => {
    expect(plain.code, plain.stderr).toBe(0);
    const agreeing = run(['inspect', '--gallery', gallery, '--barcode', CODES[ranked[0].product], photo]);
    expect(agreeing.code).toBe(0);
    expect(Object.keys(agreeing.lines[0])).toEqual(['image', 'product', 'identified', 'mismatch', 'damage', 'types', 'anomaly', 'score', 'verdict', 'ms']);
    expect(agreeing.lines[0]).toMatchObject({ product: plain.lines[0].product, verdict: plain.lines[0].verdict });
    const unknown = run(['inspect', '--gallery', gallery, '--barcode', '4006381333931', photo]);
    expect(unknown.lines[0]).toMatchObject({ product: plain.lines[0].product, verdict: plain.lines[0].verdict });
    expect(unknown.stderr).toMatch(/barcode 4006381333931 is not in the gallery/);
  });

  it('lets the code settle which product a close call is compared with', () => {
    // The fixture model is not confident about this photo's product (the mismatch side is
    // covered in tests/unit/inspector.test.ts, where the picture is clear-cut).
    const runnerUp = ranked[1];
    expect(ranked[0].score).toBeLessThan(MISMATCH_AT);
    const r = run(['inspect', '--gallery', gallery, '--barcode', CODES[runnerUp.product], photo]);
    expect(r.code).toBe(0);
    expect(r.lines[0].product).toBe(runnerUp.product);
    expect(r.stderr).toContain(`compared with ${runnerUp.product.replace(/-/g, ' ')}, as the barcode says`);
    expect(r.stderr).not.toMatch(/label does not match barcode/);
  });

  it.each([
    ['a code with spaces', ['--gallery', gallery, '--barcode', '73 94'], /--barcode must be the code read from the item/],
    ['a code without a gallery', ['--barcode', '7394376616037'], /--barcode needs --gallery/],
  ])('rejects %s: exit 2, nothing on stdout', (_, args, reason) => {
    const r = run(['inspect', ...(args as string[]), photo]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').pop()).toMatch(reason as RegExp);
  });
});
