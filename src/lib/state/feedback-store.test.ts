// The quota guard for feedback photos (the IndexedDB writes themselves run in the e2e tests).
import { describe, expect, it } from 'vitest';
import { PHOTO_HEADROOM, photoFits } from './feedback-store.ts';

describe('photoFits', () => {
  const quota = 1_000_000;
  const limit = quota * (1 - PHOTO_HEADROOM);

  it('keeps a photo while the last tenth of the quota stays free', () => {
    expect(photoFits({ usage: limit - 200_000, quota }, 200_000)).toBe(true);
    expect(photoFits({ usage: limit - 200_000, quota }, 200_001)).toBe(false);
    expect(photoFits({ usage: quota, quota }, 1)).toBe(false);
  });

  it('leaves the decision to the write itself when the browser gives no estimate', () => {
    expect(photoFits(null, 10_000_000)).toBe(true);
    expect(photoFits({}, 10_000_000)).toBe(true);
    expect(photoFits({ usage: 5 }, 10_000_000)).toBe(true);
  });
});
