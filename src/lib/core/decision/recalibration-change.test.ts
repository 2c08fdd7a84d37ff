// What a recalibration would change, on synthetic checks with a known answer.
import { describe, expect, it } from 'vitest';
import { fitDecisionModel, type LabelledCheck } from './fit.ts';
import { fusedLogit, thresholdFor } from './model.ts';
import { recalibrationChange } from './recalibration-change.ts';
import { binormalLogits, toProbability } from './synthetic.ts';

function checks(good: number, damaged: number, separation: number, seed: number): LabelledCheck[] {
  const z = binormalLogits(good, damaged, separation, seed);
  const item = (v: number, isDamaged: boolean, i: number): LabelledCheck => {
    const p = toProbability(v);
    return { id: String(i), damaged: isDamaged, inputs: { damage: p, types: { crush: p }, anomaly: null } };
  };
  return [...z.good.map((v, i) => item(v, false, i)), ...z.damaged.map((v, i) => item(v, true, good + i))];
}

describe('recalibrationChange', () => {
  const shipped = fitDecisionModel(checks(3000, 600, 1.5, 11), { targetFpr: 0.001 });
  const feedback = checks(400, 80, 2.5, 12);

  it('counts, per model, the good items sidelined and damaged caught on the same checks', () => {
    const proposed = fitDecisionModel(feedback, { targetFpr: 0.05 });
    const change = recalibrationChange(shipped, proposed, feedback);
    const by = (model: typeof shipped, damaged: boolean) => feedback.filter((c) => c.damaged === damaged && fusedLogit(model.fusion, c.inputs) > thresholdFor(model, c.category).logit).length;

    expect(change.nGood).toBe(400);
    expect(change.nDamaged).toBe(80);
    expect(change.current).toMatchObject({ goodSidelined: by(shipped, false), damagedCaught: by(shipped, true) });
    expect(change.proposed).toMatchObject({ goodSidelined: by(proposed, false), damagedCaught: by(proposed, true) });
    // A 5 % target on better-separated data catches more than the shipped 0.1 %, at the cost of some good items.
    expect(change.proposed.damagedCaught).toBeGreaterThan(change.current.damagedCaught);
    expect(change.proposed.goodSidelined).toBeGreaterThan(change.current.goodSidelined);
    // Flips add up to the difference in totals.
    expect(change.goodNowSidelined - change.goodNowPassed).toBe(change.proposed.goodSidelined - change.current.goodSidelined);
    expect(change.damagedNowCaught - change.damagedNowMissed).toBe(change.proposed.damagedCaught - change.current.damagedCaught);
    expect(change.proposed.thresholdScore).toBeGreaterThan(0);
    expect(change.proposed.thresholdScore).toBeLessThan(1);
  });

  it('changes nothing when the proposal is the model in use', () => {
    const change = recalibrationChange(shipped, shipped, feedback);
    expect(change.current).toEqual(change.proposed);
    expect([change.goodNowSidelined, change.goodNowPassed, change.damagedNowCaught, change.damagedNowMissed]).toEqual([0, 0, 0, 0]);
  });
});
