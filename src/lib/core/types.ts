// Branded primitives: a ProductId and a file path are both strings, a probability and a
// millisecond count are both numbers; the brand makes swapping them a compile error.
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type ProductId = Brand<string, 'ProductId'>;
export type ReferenceId = Brand<string, 'ReferenceId'>;
export type Probability = Brand<number, 'Probability'>;
export type Millis = Brand<number, 'Millis'>;

export const productId = (s: string): ProductId => s as ProductId;
export const referenceId = (s: string): ReferenceId => s as ReferenceId;
export const millis = (n: number): Millis => n as Millis;

/** Clamps into [0, 1]; NaN is a bug upstream, so it is rejected rather than silently mapped. */
export function probability(p: number): Probability {
  if (Number.isNaN(p)) throw new RangeError('probability is NaN');
  return Math.min(1, Math.max(0, p)) as Probability;
}

export const DAMAGE_TYPES = ['crush', 'tear', 'hole', 'deconstruction', 'spill'] as const;
export type DamageType = (typeof DAMAGE_TYPES)[number];
export type DamageTypeScores = Record<DamageType, Probability>;

export type Verdict = 'pass' | 'sideline' | 'retake';
