// The CLI with the released default model (models/manifest.json), on a few GroceryStore photos:
// the contract holds, identification is far better than chance, and the patch comparison sees
// a tear the damage model was never shown.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, intact, root } from './cli-helpers.ts';

const env = { INTACT_CACHE_DIR: mkdtempSync(join(tmpdir(), 'intact-real-')) };
const gallery = join(fixtures, 'grocery-mini/gallery');
const queries = join(fixtures, 'grocery-mini/queries');

describe('CLI with the released model', () => {
  it('identifies the eight query photos among four products well above chance (1/4)', () => {
    const r = intact(['identify', '--gallery', gallery, '--top', '4', queries], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines).toHaveLength(8);
    const top1 = r.lines.filter((l) => (l.matches as { product: string }[])[0].product === basename(dirname(String(l.image)))).length;
    expect(top1).toBeGreaterThanOrEqual(5);
  });

  it('inspects the bundled samples: identified, and the torn one far more anomalous than the pristine one', () => {
    const samples = join(root, 'public/samples');
    const r = intact(['inspect', '--gallery', gallery, join(samples, 'alpro-blueberry-soyghurt.jpg'), join(samples, 'alpro-blueberry-soyghurt-torn.jpg')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.lines.map((l) => l.product)).toEqual(['Alpro-Blueberry-Soyghurt', 'Alpro-Blueberry-Soyghurt']);
    for (const l of r.lines) expect(['pass', 'sideline', 'retake']).toContain(l.verdict);
    // The tear was drawn onto the pristine photo: only the patch comparison with the product's
    // references can see it without having been trained on it.
    const [pristine, torn] = r.lines.map((l) => l.anomaly as number);
    expect(torn).toBeGreaterThan(pristine + 0.3);
  });
});
