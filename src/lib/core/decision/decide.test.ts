import { describe, expect, it } from 'vitest';
import type { QualityReport, ScoreMap } from '../check-result.ts';
import { probability, type DamageType, type DamageTypeScores } from '../types.ts';
import { DEFAULT_DECISION_CONFIG, decide as decideWith, type DecisionConfig, type DecisionInput } from './decide.ts';
import { parseDecisionModel } from './model.ts';
import defaultPolicy from './default-severity-policy.json' with { type: 'json' };
import { fitDecisionModel, type LabelledCheck } from './fit.ts';
import { parseSeverityPolicy } from './severity.ts';
import { seededNormal, toProbability } from './synthetic.ts';

/**
 * A fixed, hand-set model (the fused score is the damage probability, sidelined above 0.5), so
 * these tests pin the wording and rules, not whatever the shipped defaults were last fitted to.
 */
const HAND_SET: DecisionConfig = {
  ...DEFAULT_DECISION_CONFIG,
  model: parseDecisionModel({
    ...JSON.parse(JSON.stringify(DEFAULT_DECISION_CONFIG.model)),
    fusion: { features: ['damage'], weights: [1], bias: 0, impute: [0] },
    calibration: { method: 'platt', a: 1, b: 0 },
    global: { ...DEFAULT_DECISION_CONFIG.model.global, logit: 0 },
    categories: {},
  }),
};
const decide = (input: DecisionInput, config: DecisionConfig = HAND_SET) => decideWith(input, config);

const goodQuality: QualityReport = { ok: true, problems: [], sharpness: 120, meanLuma: 128 };

function types(top: DamageType, p: number): DamageTypeScores {
  return { crush: probability(0.01), tear: probability(0.01), hole: probability(0.01), deconstruction: probability(0.01), spill: probability(0.01), [top]: probability(p) };
}

/** A 7×7 map that is hot in the cells given as [row, col]. */
function hotMap(cells: [number, number][], value = 0.9): ScoreMap {
  const values = new Float32Array(49).fill(0.05);
  for (const [r, c] of cells) values[r * 7 + c] = value;
  return { width: 7, height: 7, values };
}

const input = (over: Partial<DecisionInput>): DecisionInput => ({
  quality: goodQuality,
  damage: 0.02,
  types: types('crush', 0.02),
  topType: 'crush',
  anomaly: null,
  ...over,
});

describe('decide with a hand-set fusion', () => {
  it('passes a clean item and says why', () => {
    const d = decide(input({}));
    expect(d.verdict).toBe('pass');
    expect(d.reasons[0]).toBe('no damage found (sideline score 2 %)');
    expect(d.score).toBeCloseTo(0.02, 6);
    expect(d.severity).toBeNull();
  });

  it('names the damage and where it is: crush on the upper left corner', () => {
    const d = decide(input({ damage: 0.93, types: types('crush', 0.9), heatmap: hotMap([[0, 0], [0, 1], [1, 0]]) }));
    expect(d.verdict).toBe('sideline');
    expect(d.reasons[0]).toBe('crush on the upper left corner');
    // 3 of 49 cells ≈ 6 % at the edge: cosmetic under the default policy, which still sidelines it.
    expect(d.severity).toBe('cosmetic');
    expect(d.reasons[1]).toBe('cosmetic, about 6 % of the item: check whether it can still be sold');
  });

  it('calls a large crush unsellable', () => {
    const cells: [number, number][] = [];
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) cells.push([r, c]);
    const d = decide(input({ damage: 0.95, types: types('crush', 0.9), heatmap: hotMap(cells) }));
    expect(d.severity).toBe('unsellable');
    expect(d.reasons).toContain('unsellable, about 33 % of the item');
  });

  it('says a spill at the outline is next to the item', () => {
    const d = decide(input({ damage: 0.9, types: types('spill', 0.85), topType: 'spill', heatmap: hotMap([[6, 3]]) }));
    expect(d.reasons[0]).toBe('spill next to item');
    expect(d.severity).toBe('unsellable');
  });

  it('sidelines missing units and a barcode mismatch even when no damage is seen', () => {
    const d = decide(input({ units: { expected: 6, counted: 4 }, barcodeMismatch: true }));
    expect(d.verdict).toBe('sideline');
    expect(d.reasons.slice(0, 2)).toEqual(['label does not match barcode', '2 of 6 units missing']);
    expect(d.severity).toBe('unsellable');
  });

  it('says the gallery is still being prepared rather than that it has nothing for the item', () => {
    expect(decide(input({})).reasons).toContain('not compared with reference photos (none in the gallery for this item)');
    const preparing = decide(input({ galleryPreparing: true }));
    expect(preparing.reasons).toContain('not compared with reference photos yet: the gallery is still being prepared');
    expect(preparing.reasons.join(' ')).not.toMatch(/none in the gallery/);
  });

  it('asks for a retake on a bad photo instead of guessing', () => {
    const d = decide(input({ damage: 0.99, quality: { ok: false, problems: ['image too blurry: hold still and let the camera focus'], sharpness: 3, meanLuma: 120 } }));
    expect(d.verdict).toBe('retake');
    expect(d.reasons).toEqual(['image too blurry: hold still and let the camera focus']);
  });

  it('rejects NaN scores rather than deciding on them', () => {
    expect(() => decide(input({ damage: NaN }))).toThrow(/damage must be a probability/);
  });

  it('lets cosmetic damage pass when the category policy says so', () => {
    const policy = parseSeverityPolicy({ ...defaultPolicy, categories: { Juice: { ...defaultPolicy.default, cosmetic: 'pass' } } });
    const item = input({ damage: 0.97, types: types('crush', 0.9), heatmap: hotMap([[0, 3]]), category: 'Juice' });
    const juice = decide(item, { ...HAND_SET, policy });
    expect(juice.verdict).toBe('pass');
    expect(juice.severity).toBe('cosmetic');
    expect(juice.reasons).toContain('cosmetic only, about 2 % of the item: passes under the packaging policy');
    expect(decide({ ...item, category: 'Milk' }, { ...HAND_SET, policy }).verdict).toBe('sideline');
  });
});

describe('decide with a fitted fusion', () => {
  const z = seededNormal(81);
  const checks: LabelledCheck[] = Array.from({ length: 2000 }, (_, i) => {
    const damaged = i >= 1000;
    return { id: String(i), damaged, inputs: { damage: toProbability((damaged ? 1 : 0) + z()), anomaly: toProbability((damaged ? 3 : 0) + z()), types: {} } };
  });
  const config: DecisionConfig = { ...HAND_SET, model: fitDecisionModel(checks, { targetFpr: 0.01 }) };

  it('credits the anomaly when it is what tipped the verdict', () => {
    const d = decide(input({ damage: 0.3, anomaly: toProbability(6), anomalyMap: hotMap([[3, 6]]) }), config);
    expect(d.verdict).toBe('sideline');
    expect(d.reasons).toContain("differs from the product's reference photos on the right side");
    expect(d.fusedLogit).toBeGreaterThan(d.threshold);
  });

  it('sidelines a claimed item the picture shows to be another product, naming both', () => {
    const d = decide(input({ damage: 0.01, claim: { claimedName: 'Arla Standard Milk', looksLikeName: 'Arla Medium Fat Milk', otherProbability: 0.93, mismatch: true } }), config);
    expect(d.verdict).toBe('sideline');
    expect(d.reasons[0]).toBe('looks like Arla Medium Fat Milk, not Arla Standard Milk');
    expect(d.score).toBeCloseTo(0.93, 6);
    const doubt = decide(input({ damage: 0.01, claim: { claimedName: 'Arla Standard Milk', looksLikeName: 'Arla Medium Fat Milk', otherProbability: 0.3, mismatch: false } }), config);
    expect(doubt.verdict).toBe('pass');
    expect(doubt.score).toBeCloseTo(0.3, 6);
  });

  it('asks for a retake when no item is in view, and says why', () => {
    const d = decide(input({ identity: { status: 'no-item', names: [], probability: 0 } }), config);
    expect(d.verdict).toBe('retake');
    expect(d.reasons).toEqual(['no item in view: point the camera at the item']);
  });

  it('says an unknown product is not in the gallery, and still checks it for damage', () => {
    const unknown = { status: 'unknown' as const, names: ['Arla Standard Milk'], probability: 0.2 };
    expect(decide(input({ damage: 0.01, identity: unknown }), config).reasons).toContain('not in the gallery: not compared with reference photos (enrol it to compare next time)');
    expect(decide(input({ damage: 0.999, types: types('crush', 0.99), identity: unknown }), config).verdict).toBe('sideline');
  });
});

describe('the shipped defaults', () => {
  it('parse, and say where they came from', () => {
    const { model, policy } = DEFAULT_DECISION_CONFIG;
    expect(model.source.description.length).toBeGreaterThan(40);
    expect(model.targetFpr).toBe(0.001);
    expect(policy.default.otherwise).toBe('unsellable');
    expect(decideWith(input({})).verdict).toMatch(/^(pass|sideline)$/);
  });
});
