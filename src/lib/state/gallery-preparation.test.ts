import { describe, expect, it } from 'vitest';
import { describePreparation, galleryPreparation } from './gallery-preparation.ts';

const settled = { opened: true, attaching: false, reembedding: null };

describe('galleryPreparation', () => {
  it('follows a first run: demo import, handing over, embedding n of m, then ready', () => {
    const steps = [
      { ...settled, opened: false },
      { ...settled, attaching: true },
      { ...settled, reembedding: { done: 0, total: 0 } },
      { ...settled, reembedding: { done: 12, total: 48 } },
      { ...settled, reembedding: { done: 48, total: 48 } },
      settled,
    ].map((s) => galleryPreparation(s));
    expect(steps.map((p) => (p ? describePreparation(p) : null))).toEqual([
      'Gallery still being prepared',
      'Gallery still being prepared',
      'Gallery still being prepared',
      'Gallery still being prepared (12 of 48)',
      'Gallery still being prepared (48 of 48)',
      null,
    ]);
  });

  it('is not preparing once everything is searchable, even with nothing enrolled', () => {
    expect(galleryPreparation(settled)).toBeNull();
  });
});
