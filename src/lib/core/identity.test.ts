import { describe, expect, it } from 'vitest';
import { checkClaim, DEFAULT_IDENTITY_SCORING, identify, productProbabilities, unknownBar, type IdentityScoring } from './identity.ts';
import { productId } from './types.ts';

const A = productId('arla-standard'), B = productId('arla-medium'), C = productId('oatly');
const scoring: IdentityScoring = { ...DEFAULT_IDENTITY_SCORING, temperature: 0.02, unknownSimilarity: 0.6, unknownPerLogReference: 0, confident: 0.6, lookalikeMass: 0.8, unknownAt: 0.5, itemFloor: 0.5, mismatchAt: 0.6 };
const ranked = (...sims: [typeof A, number][]) => sims.map(([product, similarity]) => ({ product, similarity, references: 10 }));

describe('calibrated identity', () => {
  it('shares one softmax between the products and "unknown", which sum to 1', () => {
    const { matches, unknown } = productProbabilities(ranked([A, 0.8], [B, 0.7], [C, 0.5]), scoring);
    expect(matches.map((m) => m.product)).toEqual([A, B, C]);
    expect(matches.reduce((s, m) => s + m.score, unknown)).toBeCloseTo(1, 12);
    // 0.1 of similarity at temperature 0.02 is a factor e^5 in odds
    expect(matches[0].score / matches[1].score).toBeCloseTo(Math.exp(5), 6);
    expect(matches[0].score / unknown).toBeCloseTo(Math.exp(10), 6);
  });

  it('names a product well above the rest and the unknown bar', () => {
    const id = identify(ranked([A, 0.8], [B, 0.7]), scoring);
    expect(id.status).toBe('identified');
    expect(id.product).toBe(A);
    expect(id.probability).toBeGreaterThan(0.9);
  });

  it('names the look-alikes when two products are close, most probable first', () => {
    const id = identify(ranked([A, 0.8], [B, 0.795], [C, 0.5]), scoring);
    expect(id.status).toBe('lookalikes');
    expect(id.lookalikes.map((m) => m.product)).toEqual([A, B]);
  });

  it('says "unknown" when the best product sits below the bar, and still names the nearest', () => {
    const id = identify(ranked([A, 0.5], [B, 0.45]), scoring);
    expect(id.status).toBe('unknown');
    expect(id.product).toBe(A);
    expect(id.unknown).toBeGreaterThan(0.8);
  });

  it('raises the bar with the best product\'s number of references', () => {
    const rising = { ...scoring, unknownPerLogReference: 0.05 };
    expect(unknownBar(rising, 1)).toBe(0.6);
    expect(unknownBar(rising, Math.E ** 2)).toBeCloseTo(0.7, 12);
    expect(unknownBar(rising, 10_000)).toBe(unknownBar(rising, 32));
    const few = identify([{ product: A, similarity: 0.68, references: 1 }], rising);
    const many = identify([{ product: A, similarity: 0.68, references: 30 }], rising);
    expect(few.status).toBe('identified');
    expect(many.status).toBe('unknown');
  });

  it('is "no item" below the item floor, whatever the ranking says', () => {
    const id = identify(ranked([A, 0.9]), scoring, 0.1);
    expect(id.status).toBe('no-item');
    expect(identify(ranked([A, 0.9]), scoring, 0.9).status).toBe('identified');
  });

  it('is unknown with an empty ranking', () => {
    expect(identify([], scoring).status).toBe('unknown');
  });
});

describe('claim check', () => {
  it('contradicts a claim when another product is confidently shown', () => {
    const id = identify(ranked([B, 0.8], [A, 0.7]), scoring);
    expect(checkClaim(id, A, scoring)).toMatchObject({ claimed: A, mismatch: true, looksLike: B });
    expect(checkClaim(id, B, scoring)).toMatchObject({ mismatch: false, looksLike: null });
  });

  it('does not contradict a claim between look-alikes, nor when the item is unknown', () => {
    expect(checkClaim(identify(ranked([B, 0.8], [A, 0.795]), scoring), A, scoring).mismatch).toBe(false);
    expect(checkClaim(identify(ranked([B, 0.4], [A, 0.3]), scoring), A, scoring).mismatch).toBe(false);
  });

  it('gives the claimed product no probability when it was not ranked', () => {
    const c = checkClaim(identify(ranked([B, 0.8]), scoring), A, scoring);
    expect(c.probability).toBe(0);
    expect(c.mismatch).toBe(true);
  });
});
