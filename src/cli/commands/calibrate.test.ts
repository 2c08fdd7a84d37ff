// Runs the real CLI (bin/intact.mjs → main.ts → calibrate) on synthetic labelled scores whose
// separation is known, and on broken inputs that must exit 2 with one line and write nothing.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDecisionModel } from '../../lib/core/decision/model.ts';
import { binormalAuc, binormalLogits, toProbability } from '../../lib/core/decision/synthetic.ts';

const bin = new URL('../../../bin/intact.mjs', import.meta.url).pathname;

function intact(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { env: { ...process.env, INTACT_QUIET: '0' } }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

function inspectLine(image: string, damage: number, anomaly: number | null): string {
  return JSON.stringify({ image, product: 'Oatly-Oat-Milk', damage, types: { crush: damage, tear: 0.01, hole: 0.01, deconstruction: 0.01, spill: 0.01 }, anomaly, score: damage, verdict: 'pass', ms: 12 });
}

/** A folder with scores.jsonl and labels.csv: n good and n damaged images with logit separation d. */
function dataset(n: number, d: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'intact-calibrate-'));
  const { good, damaged } = binormalLogits(n, n, d, 99);
  const lines: string[] = [];
  const labels = ['image,label,category'];
  good.forEach((z, i) => {
    lines.push(inspectLine(`/photos/good/${i}.jpg`, toProbability(z), null));
    labels.push(`good/${i}.jpg,good,${i % 2 ? 'Milk' : 'Juice'}`);
  });
  damaged.forEach((z, i) => {
    lines.push(inspectLine(`/photos/damaged/${i}.jpg`, toProbability(z), null));
    labels.push(`damaged/${i}.jpg,damaged,${i % 2 ? 'Milk' : 'Juice'}`);
  });
  writeFileSync(join(dir, 'scores.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'labels.csv'), labels.join('\n') + '\n');
  return dir;
}

describe('intact calibrate', () => {
  it('fits and writes a thresholds file that meets the contract', async () => {
    const dir = dataset(1500, 2.5);
    const out = join(dir, 'thresholds.json');
    const manifest = join(dir, 'manifest.json');
    writeFileSync(manifest, JSON.stringify({ schema: 1, models: [{ id: 'm', version: '2', sha256: 'f'.repeat(64), default: true, roles: ['damage', 'embedding'] }] }));
    const r = await intact(['calibrate', '--scores', join(dir, 'scores.jsonl'), '--labels', join(dir, 'labels.csv'), '--target-fpr', '0.01', '--model-manifest', manifest, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim());
    const model = parseDecisionModel(JSON.parse(readFileSync(out, 'utf8')));
    expect(summary.nGood).toBe(1500);
    expect(summary.falseSidelines).toBeLessThanOrEqual(15);
    expect(model.global.achievedFpr).toBeLessThanOrEqual(0.01);
    expect(model.global.fprUpperBound).toBeGreaterThan(model.global.achievedFpr);
    expect(Math.abs(model.curves.auc - binormalAuc(2.5))).toBeLessThan(0.02);
    expect(Object.keys(model.categories)).toEqual(['Juice', 'Milk']);
    expect(model.source.model).toEqual({ id: 'm', version: '2', sha256: 'f'.repeat(64) });
    expect(r.stderr).toMatch(/threshold .* of 1500 good sidelined/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('warns when there are too few good items for the target', async () => {
    const dir = dataset(200, 3);
    const r = await intact(['calibrate', '--scores', join(dir, 'scores.jsonl'), '--labels', join(dir, 'labels.csv'), '-o', join(dir, 't.json')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).warnings.join('\n')).toMatch(/only 200 good items.*2995 good items are needed to show 0\.1 %/);
    expect(r.stderr).toMatch(/warning: only 200 good items/);
  });

  describe('bad input exits 2 with a one-line reason and writes nothing', () => {
    const dir = dataset(50, 2);
    const scores = join(dir, 'scores.jsonl');
    const labels = join(dir, 'labels.csv');
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const allGood = write('all-good.csv', readFileSync(labels, 'utf8').replace(/damaged\/(\d+)\.jpg,damaged/g, 'damaged/$1.jpg,good'));
    const allDamaged = write('all-damaged.csv', readFileSync(labels, 'utf8').replace(/good\/(\d+)\.jpg,good/g, 'good/$1.jpg,damaged'));
    const nanScores = write('nan.jsonl', readFileSync(scores, 'utf8').replace(/"damage":[0-9.e-]+/, '"damage":NaN'));
    const fewerLabels = write('fewer.csv', readFileSync(labels, 'utf8').split('\n').slice(0, 40).join('\n'));

    it.each([
      ['missing scores file', ['--scores', join(dir, 'nope.jsonl'), '--labels', labels], /scores file not found: .*nope\.jsonl/],
      ['missing labels flag', ['--scores', scores], /--labels <labels.csv> is required/],
      ['mismatched images', ['--scores', scores, '--labels', fewerLabels], /scored image\(s\) have no label/],
      ['all good', ['--scores', scores, '--labels', allGood], /all 100 items are labelled good/],
      ['all damaged', ['--scores', scores, '--labels', allDamaged], /all 100 items are labelled damaged/],
      ['NaN score', ['--scores', nanScores, '--labels', labels], /scores line 1: a score is NaN/],
      ['bad target', ['--scores', scores, '--labels', labels, '--target-fpr', '5'], /--target-fpr must be a rate between 0 and 1/],
      ['unknown option', ['--scores', scores, '--labels', labels, '--targetfpr', '0.1'], /unknown option --targetfpr/],
    ])('%s', async (_name, args, message) => {
      const out = join(dir, 'out.json');
      const r = await intact(['calibrate', ...args, '-o', out]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(out)).toBe(false);
    });

    it('an output folder that does not exist', async () => {
      const r = await intact(['calibrate', '--scores', scores, '--labels', labels, '-o', join(dir, 'no-such-dir', 't.json')]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/output folder does not exist/);
    });

    it('leaves an existing thresholds file untouched on bad input', async () => {
      const out = write('existing.json', '{"keep": true}');
      const r = await intact(['calibrate', '--scores', scores, '--labels', allGood, '-o', out]);
      expect(r.code).toBe(2);
      expect(readFileSync(out, 'utf8')).toBe('{"keep": true}');
    });
  });
});
