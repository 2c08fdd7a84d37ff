import { describe, expect, it } from 'vitest';
import defaultPolicy from './default-severity-policy.json' with { type: 'json' };
import { describePlace, mapPeak } from './location.ts';
import { assessSeverity, parseSeverityPolicy } from './severity.ts';

describe('places on the item', () => {
  it.each([
    [0.1, 0.1, 'upper left corner'],
    [0.9, 0.1, 'upper right corner'],
    [0.1, 0.9, 'lower left corner'],
    [0.5, 0.05, 'top edge'],
    [0.5, 0.95, 'bottom edge'],
    [0.05, 0.5, 'left side'],
    [0.5, 0.5, 'centre'],
  ])('(%f, %f) is the %s', (x, y, place) => {
    expect(describePlace(x, y).place).toBe(place);
  });

  it('finds the peak cell and the area above the cell threshold', () => {
    const values = new Float32Array(16).fill(0.1);
    values[3] = 0.8; // row 0, col 3
    values[2] = 0.6;
    const peak = mapPeak({ width: 4, height: 4, values })!;
    expect(peak.x).toBeCloseTo(0.875, 12);
    expect(peak.y).toBeCloseTo(0.125, 12);
    expect(peak.place).toBe('upper right corner');
    expect(peak.area).toBe(2 / 16);
  });

  it('gives no peak for an empty or NaN map', () => {
    expect(mapPeak({ width: 0, height: 0, values: new Float32Array(0) })).toBeNull();
    expect(mapPeak({ width: 1, height: 2, values: new Float32Array([0.1, NaN]) })).toBeNull();
  });
});

describe('severity policy', () => {
  const policy = parseSeverityPolicy(defaultPolicy);
  it('applies the first matching rule, falling back to otherwise', () => {
    expect(assessSeverity(policy, null, { type: 'crush', zone: 'corner', area: 0.05 })).toEqual({ severity: 'cosmetic', rule: 3 });
    expect(assessSeverity(policy, null, { type: 'crush', zone: 'centre', area: 0.05 }).severity).toBe('unsellable');
    expect(assessSeverity(policy, null, { type: 'crush', zone: 'edge', area: 0.3 })).toEqual({ severity: 'unsellable', rule: null });
    expect(assessSeverity(policy, null, { type: 'hole', zone: 'edge', area: 0.01 }).severity).toBe('unsellable');
  });

  it('uses a category policy when there is one', () => {
    const p = parseSeverityPolicy({ ...defaultPolicy, categories: { Milk: { rules: [{ type: 'any', severity: 'cosmetic', maxArea: 0.5 }], otherwise: 'unsellable' } } });
    expect(assessSeverity(p, 'Milk', { type: 'hole', zone: 'centre', area: 0.2 }).severity).toBe('cosmetic');
    expect(assessSeverity(p, 'Juice', { type: 'hole', zone: 'centre', area: 0.2 }).severity).toBe('unsellable');
    expect(p.categories.Milk.cosmetic).toBe('sideline');
  });

  it.each([
    [{ ...defaultPolicy, schema: 'v0' }, /schema must be "intact-severity\/1"/],
    [{ ...defaultPolicy, default: { rules: [{ type: 'dent', severity: 'cosmetic' }] } }, /default.rules\[0\].type must be one of any, crush/],
    [{ ...defaultPolicy, default: { rules: [{ type: 'crush', severity: 'fine' }] } }, /default.rules\[0\].severity must be "cosmetic" or "unsellable"/],
    [{ ...defaultPolicy, default: { rules: [{ type: 'crush', severity: 'cosmetic', maxArea: 10 }] } }, /maxArea must be a number from 0 to 1/],
    [{ ...defaultPolicy, default: { rules: [{ type: 'crush', severity: 'cosmetic', minArea: 0.5, maxArea: 0.1 }] } }, /minArea \(0.5\) is larger than maxArea/],
    [{ ...defaultPolicy, default: { rules: [{ type: 'crush', severity: 'cosmetic', where: 'edge' }] } }, /unknown field "where"/],
    [{ ...defaultPolicy, categories: { Milk: { rules: [], cosmetic: 'maybe' } } }, /categories.Milk.cosmetic must be "pass" or "sideline"/],
    [{ ...defaultPolicy, edgeMargin: 0.7 }, /edgeMargin must be at most 0.5/],
  ])('rejects a mistake with a message naming the field (%#)', (bad, message) => {
    expect(() => parseSeverityPolicy(bad)).toThrow(message);
  });
});
