// The fitter the calibration worker exposes, called in-process: real parsing and fitting of
// synthetic score sets, and the messages for data that cannot give a threshold.
import { describe, expect, it } from 'vitest';
import { fitDecisionModel, type FitProgress, type LabelledCheck } from '../core/decision/fit.ts';
import { binormalLogits, toProbability } from '../core/decision/synthetic.ts';
import { joinScoresAndLabels, parseLabelsCsv, parseScoreLines } from '../core/decision/labelled-data.ts';
import { MIN_DAMAGED, MIN_GOOD, createCalibrationFitter } from './calibration-fitter.ts';

const settings = { targetFpr: 0.01, mode: 'estimate' as const, description: 'test data', now: new Date(0) };

function checks(good: number, damaged: number, separation = 2): LabelledCheck[] {
  const z = binormalLogits(good, damaged, separation, 7);
  const item = (logit: number, isDamaged: boolean, i: number): LabelledCheck => {
    const p = toProbability(logit);
    return { id: `${i}.jpg`, damaged: isDamaged, inputs: { damage: p, types: { crush: p }, anomaly: null } };
  };
  return [...z.good.map((v, i) => item(v, false, i)), ...z.damaged.map((v, i) => item(v, true, good + i))];
}

function files(items: LabelledCheck[]): { scores: string; labels: string } {
  const scores = items.map((c) => JSON.stringify({ image: `photos/${c.id}`, product: null, damage: c.inputs.damage, types: c.inputs.types, anomaly: null, score: 0, verdict: 'pass' }));
  const labels = ['image,label', ...items.map((c) => `${c.id},${c.damaged ? 'damaged' : 'good'}`)];
  return { scores: scores.join('\n'), labels: labels.join('\n') };
}

describe('calibration fitter', () => {
  const calibrationFitter = createCalibrationFitter();

  it('fits files exactly as the core fit does, reporting each step in order', async () => {
    const items = checks(2000, 500);
    const seen: FitProgress[] = [];
    const text = files(items);
    const outcome = await calibrationFitter.fitFiles(text, settings, (p) => seen.push(p));
    if (!outcome.ok) throw new Error(outcome.error);
    const direct = fitDecisionModel(joinScoresAndLabels(parseScoreLines(text.scores), parseLabelsCsv(text.labels)).checks, settings);
    expect(outcome.value.model).toEqual(direct);
    expect(outcome.value.model.source.n).toBe(2500);
    expect(outcome.value.model.curves.auc).toBeGreaterThan(0.85);

    // "reading the files", then the fit's own steps 0..steps-1 (5 folds: fusion, 5 folds, calibration, curves).
    expect(seen[0].stage).toBe('reading the files');
    const fitSteps = seen.slice(1);
    expect(fitSteps.map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(fitSteps.every((p) => p.steps === 8)).toBe(true);
    expect(fitSteps[2].stage).toBe('cross-validating (fold 2 of 5)');
  });

  it('refits the same files for another target, and other files afresh', async () => {
    const text = files(checks(1000, 300));
    const strict = await calibrationFitter.fitFiles(text, { ...settings, targetFpr: 0.001 });
    const loose = await calibrationFitter.fitFiles({ ...text }, { ...settings, targetFpr: 0.05 });
    if (!strict.ok || !loose.ok) throw new Error('fit failed');
    expect(loose.value.model.global.logit).toBeLessThan(strict.value.model.global.logit);
    const other = await calibrationFitter.fitFiles(files(checks(500, 100)), settings);
    if (!other.ok) throw new Error(other.error);
    expect(other.value.model.source.n).toBe(600);
  });

  it('refits checks for another target', async () => {
    const items = checks(1000, 300);
    const strict = await calibrationFitter.fitChecks(items, { ...settings, targetFpr: 0.001 });
    const loose = await calibrationFitter.fitChecks(items, { ...settings, targetFpr: 0.05 });
    if (!strict.ok || !loose.ok) throw new Error('fit failed');
    expect(loose.value.global.logit).toBeLessThan(strict.value.global.logit);
    expect(loose.value.global.recall!).toBeGreaterThan(strict.value.global.recall!);
  });

  it('answers degenerate data with a message, never a throw', async () => {
    const allGood = checks(50, 0);
    const allDamaged = checks(0, 50);
    expect(await calibrationFitter.fitChecks(allGood, settings)).toEqual({ ok: false, error: 'all 50 items are labelled good: need damaged items to measure recall' });
    expect(await calibrationFitter.fitChecks(allDamaged, settings)).toEqual({ ok: false, error: 'all 50 items are labelled damaged: need good items to measure false sidelines' });

    const few = checks(MIN_GOOD - 1, MIN_DAMAGED);
    const little = await calibrationFitter.fitChecks(few, settings);
    expect(little).toEqual({ ok: false, error: `too little labelled data: ${MIN_GOOD - 1} good and ${MIN_DAMAGED} damaged items; a threshold needs at least ${MIN_GOOD} good and ${MIN_DAMAGED} damaged` });
    expect((await calibrationFitter.fitChecks(checks(MIN_GOOD, MIN_DAMAGED), settings)).ok).toBe(true);

    const nan = checks(30, 30);
    nan[3] = { ...nan[3], inputs: { ...nan[3].inputs, damage: NaN } };
    expect(await calibrationFitter.fitChecks(nan, settings)).toEqual({ ok: false, error: '3.jpg: damage must be a probability in [0, 1], got NaN' });

    const text = files(checks(30, 30));
    const nanLine = { ...text, scores: text.scores.replace(/"damage":[0-9.e-]+/, '"damage":NaN') };
    const parsed = await calibrationFitter.fitFiles(nanLine, settings);
    expect(parsed).toEqual({ ok: false, error: 'scores line 1: a score is NaN' });

    const tied = checks(40, 40).map((c) => ({ ...c, inputs: { damage: 0.5, types: { crush: 0.5 }, anomaly: null } }));
    expect(await calibrationFitter.fitChecks(tied, settings)).toEqual({ ok: false, error: 'every item has the same scores: nothing separates good from damaged' });
  });

  it('packs the feedback export, and answers a broken one with a message', async () => {
    const record = { id: 'a', at: '2026-11-25T21:00:00.000Z', product: null, category: null, verdict: 'pass' as const, score: 0.1, damage: 0.1, types: {}, anomaly: null, label: 'good' as const, damageType: null, region: null, image: { fileName: 'a.jpg', width: 2, height: 2 } };
    const packed = await calibrationFitter.zipFeedback([{ record, photo: new Uint8Array([0xff, 0xd8, 0xff, 0xd9]) }]);
    expect(packed.ok && packed.value.images).toBe(1);
    const twice = await calibrationFitter.zipFeedback([{ record, photo: new Uint8Array(4) }, { record, photo: new Uint8Array(4) }]);
    expect(twice).toEqual({ ok: false, error: 'the export could not be made: Error: two feedback records share the photo name a.jpg' });
  });
});
