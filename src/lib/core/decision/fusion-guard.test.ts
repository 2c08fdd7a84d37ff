import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.ts';
import { fitDecisionModel, type LabelledCheck } from './fit.ts';
import { operatingPoints, rocAuc } from './roc.ts';
import { fusedLogit } from './model.ts';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/**
 * Two kinds of case: damage renders, where the damage model sees the damage (p ≈ 0.5 and up)
 * and the comparison a little; and logical anomalies (a missing unit), where only the comparison
 * sees anything and the damage model says "nothing" (p between 0.0005 and 0.05) on every item,
 * damaged or not. Most items are renders, so a plain logistic fit leans on the damage model, and
 * its quiet scores, 4 apart in log-odds, drown the comparison on the logical set.
 */
function cases(seed: number): LabelledCheck[] {
  const random = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const out: LabelledCheck[] = [];
  for (let i = 0; i < 1200; i++) {
    const damaged = i % 2 === 0;
    out.push({ id: `r${i}`, damaged, set: 'renders', inputs: { damage: sigmoid((damaged ? 0.5 : -5) + 1.2 * normal()), anomaly: sigmoid((damaged ? 0.5 : 0) + normal()), types: {} } });
  }
  for (let i = 0; i < 300; i++) {
    const damaged = i % 2 === 0;
    out.push({ id: `l${i}`, damaged, set: 'logical', inputs: { damage: sigmoid(-5 + 1.2 * normal()), anomaly: sigmoid((damaged ? 3 : 0) + normal()), types: {} } });
  }
  return out;
}

const aucOf = (checks: LabelledCheck[], score: (c: LabelledCheck) => number) => rocAuc(operatingPoints(checks.map((c) => ({ score: score(c), damaged: c.damaged }))));

describe('fusion guard', () => {
  it('keeps the fused score at least as good as the best single input on every named set', () => {
    const checks = cases(3);
    const model = fitDecisionModel(checks, { targetFpr: 0.01 });
    const logical = checks.filter((c) => c.set === 'logical');
    const anomalyAlone = aucOf(logical, (c) => c.inputs.anomaly!);
    const fused = aucOf(logical, (c) => fusedLogit(model.fusion, c.inputs));
    expect(fused).toBeGreaterThanOrEqual(anomalyAlone - 0.01);
    expect(model.fusionGuard?.sets.map((s) => s.set).sort()).toEqual(['logical', 'renders']);
    // and on the renders, no worse than the damage model alone
    const renders = checks.filter((c) => c.set === 'renders');
    expect(aucOf(renders, (c) => fusedLogit(model.fusion, c.inputs))).toBeGreaterThanOrEqual(aucOf(renders, (c) => c.inputs.damage) - 0.01);

    // Without set names the same data gets the plain fit, which lets the damage noise in.
    const plain = fitDecisionModel(checks.map(({ set: _set, ...c }) => c), { targetFpr: 0.01 });
    expect(plain.fusionGuard).toBeUndefined();
    expect(aucOf(logical, (c) => fusedLogit(plain.fusion, c.inputs))).toBeLessThan(anomalyAlone - 0.02);
  });
});
