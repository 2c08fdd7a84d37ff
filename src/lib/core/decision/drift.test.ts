import { describe, expect, it } from 'vitest';
import type { Verdict } from '../types.ts';
import { driftReport } from './drift.ts';

const run = (sidelined: number, passed: number, retakes = 0): Verdict[] => [
  ...Array<Verdict>(retakes).fill('retake'),
  ...Array<Verdict>(sidelined).fill('sideline'),
  ...Array<Verdict>(passed).fill('pass'),
];

describe('sideline-rate drift', () => {
  const options = { window: 200, expectedRate: 0.02, alpha: 0.01, minChecks: 30 };

  it('calls 5 of 200 at an expected 2 % normal (SciPy p = 0.606)', () => {
    // Retakes among the recent checks are counted apart; older ones are outside the window.
    const r = driftReport([...run(5, 195, 3), ...Array<Verdict>(7).fill('retake')], options);
    expect(r.status).toBe('ok');
    expect(r.pValue).toBeCloseTo(0.606304555643889, 9);
    expect(r.retakes).toBe(7);
    expect(r.message).toMatch(/^5 of the last 200 checks sidelined \(2\.5 %; expected 2 %\): within normal variation/);
  });

  it('warns when 15 of 200 are sidelined against 2 % (SciPy p = 1.49e-5)', () => {
    const r = driftReport(run(15, 185), options);
    expect(r.status).toBe('high');
    expect(r.pValue).toBeCloseTo(1.4857401387301475e-5, 12);
    expect(r.interval![0]).toBeGreaterThan(0.02);
    expect(r.message).toMatch(/more than expected: check the lighting/);
  });

  it('warns when nothing is sidelined for long (0 of 400 against 2 %, p = 5.2e-4)', () => {
    const r = driftReport(run(0, 400), { ...options, window: 400 });
    expect(r.status).toBe('low');
    expect(r.pValue).toBeCloseTo(0.0005210371969693113, 10);
  });

  it('looks only at the most recent window and skips retakes', () => {
    // 50 old sidelines, then 200 passes: the window sees only the passes.
    const r = driftReport([...run(50, 0), ...run(0, 200), 'retake'], options);
    expect(r.sidelined).toBe(0);
    expect(r.checks).toBe(200);
  });

  it('does not test on too few checks', () => {
    const r = driftReport(run(3, 10), options);
    expect(r.status).toBe('too-few');
    expect(r.pValue).toBeNull();
    expect(r.message).toMatch(/13 checks so far/);
    expect(driftReport([], options).rate).toBeNull();
  });

  it('rejects nonsense settings', () => {
    expect(() => driftReport([], { ...options, expectedRate: 0 })).toThrow(/expected sideline rate/);
    expect(() => driftReport([], { ...options, window: 0 })).toThrow(/window/);
  });
});
