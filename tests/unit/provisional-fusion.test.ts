import { describe, expect, it } from 'vitest';
import { decide } from '../../src/lib/core/provisional-fusion.ts';
import { probability, type DamageTypeScores } from '../../src/lib/core/types.ts';

const types: DamageTypeScores = { crush: probability(0.7), tear: probability(0.1), hole: probability(0), deconstruction: probability(0), spill: probability(0) };
const good = { ok: true, problems: [], sharpness: 500, meanLuma: 120 };

describe('provisional fusion', () => {
  it('asks for a retake when the frame is unusable, whatever the scores', () => {
    const d = decide({ quality: { ok: false, problems: ['image too blurry: hold still'], sharpness: 3, meanLuma: 120 }, damage: 0.99, types, topType: 'crush', anomaly: 0.9 });
    expect(d.verdict).toBe('retake');
    expect(d.reasons).toEqual(['image too blurry: hold still']);
  });

  it('fuses damage and anomaly as a weighted noisy-OR', () => {
    const d = decide({ quality: good, damage: 0.2, types, topType: 'crush', anomaly: 0.6 }, { sideline: 0.5, anomalyWeight: 0.5 });
    expect(d.score).toBeCloseTo(1 - 0.8 * 0.7, 10);
    expect(d.verdict).toBe('pass');
  });

  it('sidelines at the threshold read from the thresholds object, and says why', () => {
    const input = { quality: good, damage: 0.3, types, topType: 'crush' as const, anomaly: 0.9 };
    expect(decide(input, { sideline: 0.5, anomalyWeight: 0.5 }).verdict).toBe('sideline');
    expect(decide(input, { sideline: 0.7, anomalyWeight: 0.5 }).verdict).toBe('pass');
    expect(decide(input, { sideline: 0.5, anomalyWeight: 0.5 }).reasons[0]).toMatch(/differs from the product's references/);
  });

  it('uses the damage probability alone without references', () => {
    const d = decide({ quality: good, damage: 0.8, types, topType: 'crush', anomaly: null });
    expect(d.score).toBeCloseTo(0.8, 10);
    expect(d.verdict).toBe('sideline');
    expect(d.reasons[0]).toMatch(/looks damaged \(crush, 80 %\)/);
  });
});
