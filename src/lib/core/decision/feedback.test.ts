import { describe, expect, it } from 'vitest';
import { toCoco } from './coco.ts';
import { agreement, checkFeedback, feedbackToLabelledChecks, recalibrationReadiness, type FeedbackRecord } from './feedback.ts';

const record = (over: Partial<FeedbackRecord>): FeedbackRecord => ({
  id: 'f1',
  at: '2026-11-25T18:00:00.000Z',
  product: 'Oatly-Oat-Milk',
  category: 'Oat-Milk',
  verdict: 'sideline',
  score: 0.9,
  damage: 0.85,
  types: { crush: 0.8 },
  anomaly: 0.4,
  label: 'damaged',
  damageType: 'crush',
  region: { x: 0.1, y: 0.2, width: 0.3, height: 0.25 },
  image: { fileName: 'f1.jpg', width: 640, height: 480 },
  ...over,
});

describe('feedback records', () => {
  it('knows a confirmation from an overrule', () => {
    expect(agreement(record({}))).toBe('confirmed');
    expect(agreement(record({ label: 'good', damageType: null, region: null }))).toBe('overruled');
    expect(agreement(record({ verdict: 'pass' }))).toBe('overruled');
    expect(agreement(record({ verdict: 'retake' }))).toBeNull();
  });

  it.each([
    [{ label: 'maybe' as never }, /label must be good or damaged/],
    [{ label: 'good' as const }, /a good item has no damage type or region/],
    [{ region: { x: 0.9, y: 0, width: 0.2, height: 0.1 } }, /region must be a non-empty box inside the photo/],
    [{ damageType: 'dent' as never }, /unknown damage type "dent"/],
    [{ at: 'yesterday' }, /not a date/],
    [{ damage: NaN }, /score and damage must be probabilities/],
  ])('rejects a bad record (%#)', (over, message) => {
    expect(() => checkFeedback(record(over))).toThrow(message);
  });

  it('becomes labelled checks for recalibration, without retakes', () => {
    const checks = feedbackToLabelledChecks([record({}), record({ id: 'f2', verdict: 'retake' }), record({ id: 'f3', label: 'good', damageType: null, region: null })]);
    expect(checks.map((c) => [c.id, c.damaged])).toEqual([['f1', true], ['f3', false]]);
    expect(checks[0].inputs).toEqual({ damage: 0.85, types: { crush: 0.8 }, anomaly: 0.4 });
  });

  it('says when there is enough feedback to recalibrate, never before', () => {
    const good = Array.from({ length: 199 }, (_, i) => record({ id: `g${i}`, label: 'good', damageType: null, region: null, verdict: 'pass' }));
    const bad = Array.from({ length: 30 }, (_, i) => record({ id: `d${i}` }));
    expect(recalibrationReadiness([...good, ...bad]).ready).toBe(false);
    expect(recalibrationReadiness([...good, ...bad]).message).toMatch(/199 good and 30 damaged.*at least 200 good and 30 damaged \(1 more good\)$/);
    const retake = record({ id: 'r1', verdict: 'retake', label: 'good', damageType: null, region: null });
    expect(recalibrationReadiness([retake, ...bad.slice(0, 3)])).toMatchObject({
      ready: false,
      retakes: 1,
      message: '0 good and 3 damaged checks confirmed so far (1 on retakes not counted); recalibrating needs at least 200 good and 30 damaged (200 more good and 27 more damaged)',
    });
    expect(recalibrationReadiness([...good, record({ id: 'g200', label: 'good', damageType: null, region: null }), ...bad]).ready).toBe(true);
  });
});

describe('COCO export', () => {
  it('writes images, pixel boxes and damage categories', () => {
    const coco = toCoco([record({}), record({ id: 'f2', label: 'good', damageType: null, region: null, verdict: 'pass', image: { fileName: 'f2.jpg', width: 100, height: 100 } }), record({ id: 'f3', image: null })], new Date('2026-11-25T19:00:00Z'));
    expect(coco.categories.map((c) => c.name)).toEqual(['crush', 'tear', 'hole', 'deconstruction', 'spill']);
    expect(coco.images).toHaveLength(2);
    expect(coco.images[1].intact).toMatchObject({ label: 'good', agreement: 'confirmed' });
    expect(coco.annotations).toHaveLength(1);
    const [a] = coco.annotations;
    expect(a.image_id).toBe(1);
    expect(a.category_id).toBe(1);
    expect(a.bbox[0]).toBeCloseTo(64, 9);
    expect(a.bbox[1]).toBeCloseTo(96, 9);
    expect(a.bbox[2]).toBeCloseTo(192, 9);
    expect(a.bbox[3]).toBeCloseTo(120, 9);
    expect(a.area).toBeCloseTo(192 * 120, 6);
    expect(coco.info.date_created).toBe('2026-11-25T19:00:00.000Z');
  });
});
