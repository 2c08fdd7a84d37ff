// The Calibrate screen's state on real files (Node's File) and the real fit: nothing is mocked.
import { describe, expect, it } from 'vitest';
import { serializeDecisionModel } from '../core/decision/model.ts';
import { binormalLogits, toProbability } from '../core/decision/synthetic.ts';
import type { FeedbackRecord } from '../core/decision/feedback.ts';
import { createCalibrationFitter } from '../worker/calibration-fitter.ts';
import type { Fitter } from '../worker/calibration-client.ts';
import { CalibrationState } from './calibration.svelte.ts';

/** The worker's fitter, run in this process (the worker itself is exercised by the e2e tests). */
const inProcess: Fitter = { ...createCalibrationFitter(), cancel: () => undefined };

function labelledFiles(n: number, d: number): File[] {
  const { good, damaged } = binormalLogits(n, n, d, 5);
  const lines: string[] = [];
  const csv = ['image,label'];
  [...good.map((z) => [z, 'good'] as const), ...damaged.map((z) => [z, 'damaged'] as const)].forEach(([z, label], i) => {
    lines.push(JSON.stringify({ image: `photos/${i}.jpg`, product: null, damage: toProbability(z), types: {}, anomaly: null, score: 0, verdict: 'pass' }));
    csv.push(`${i}.jpg,${label}`);
  });
  return [new File([lines.join('\n')], 'inspect.jsonl'), new File([csv.join('\n')], 'labels.csv')];
}

describe('CalibrationState', () => {
  it('fits imported results and refits when the target changes', async () => {
    const state = new CalibrationState(inProcess);
    await state.importFiles(labelledFiles(1000, 2));
    expect(state.error).toBeNull();
    expect(state.model?.source.nGood).toBe(1000);
    expect(state.canRetarget).toBe(true);
    const strict = state.model!.global.logit;
    await state.setTarget(0.05);
    expect(state.model!.targetFpr).toBe(0.05);
    expect(state.model!.global.logit).toBeLessThan(strict);
    expect(state.model!.global.recall!).toBeGreaterThan(0.5);
  });

  it('shows a thresholds file on its own, without allowing a new target', async () => {
    const fitted = new CalibrationState(inProcess);
    await fitted.importFiles(labelledFiles(300, 2));
    const state = new CalibrationState(inProcess);
    await state.importFiles([new File([serializeDecisionModel(fitted.model!)], 'thresholds.json')]);
    expect(state.model?.global.logit).toBe(fitted.model!.global.logit);
    expect(state.canRetarget).toBe(false);
  });

  it('reports bad or incomplete input in words', async () => {
    const state = new CalibrationState(inProcess);
    await state.importFiles([labelledFiles(10, 2)[0]]);
    expect(state.error).toMatch(/choose both the inspect results/);
    await state.importFiles([new File(['{'], 'thresholds.json')]);
    expect(state.error).toMatch(/not valid JSON/);
    await state.importFiles([new File(['x'], 'photo.jpg')]);
    expect(state.error).toMatch(/photo\.jpg: choose inspect results/);
    const [scores] = labelledFiles(20, 2);
    await state.importFiles([scores, new File(['image,label\n' + Array.from({ length: 40 }, (_, i) => `${i}.jpg,good`).join('\n')], 'labels.csv')]);
    expect(state.error).toMatch(/all 40 items are labelled good/);
    expect(state.model).toBeNull();
  });

  it('refuses to recalibrate from too little feedback', async () => {
    const state = new CalibrationState(inProcess);
    const one: FeedbackRecord = { id: 'a', at: new Date(0).toISOString(), product: null, category: null, verdict: 'pass', score: 0.1, damage: 0.1, types: {}, anomaly: null, label: 'good', damageType: null, region: null, image: null };
    await state.useFeedback([one]);
    expect(state.error).toMatch(/1 good and 0 damaged checks confirmed so far/);
    expect(state.model).toBeNull();
  });
});
