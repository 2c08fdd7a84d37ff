import { describe, expect, it } from 'vitest';
import { MAX_ANALYSIS_SIDE, planDecode } from './decode-plan.ts';

describe('planDecode', () => {
  it('keeps an ordinary photo at its own size', () => {
    expect(planDecode(1280, 720)).toEqual({ ok: true, width: 1280, height: 720, resized: false });
  });

  it('shrinks a 50-megapixel photo to the analysis size, keeping its aspect', () => {
    const plan = planDecode(8660, 5774);
    expect(plan).toMatchObject({ ok: true, resized: true, width: MAX_ANALYSIS_SIDE });
    if (!plan.ok) throw new Error('unreachable');
    expect(plan.height).toBe(Math.round(5774 * (MAX_ANALYSIS_SIDE / 8660)));
  });

  it('refuses a 1×1 image and a sliver as too small', () => {
    expect(planDecode(1, 1)).toEqual({ ok: false, reason: 'too-small' });
    expect(planDecode(4000, 10)).toEqual({ ok: false, reason: 'too-small' });
    expect(planDecode(0, 0)).toEqual({ ok: false, reason: 'too-small' });
  });

  it('refuses an image whose decode alone would exhaust memory', () => {
    expect(planDecode(20_000, 20_000)).toEqual({ ok: false, reason: 'too-large' });
  });
});
