// Plain-language reasons for a verdict, built from where the maps peak and what the models said.
// The wording is what an associate would say to a colleague: "crush on the upper left corner",
// "2 of 6 units missing", "spill next to item", "label does not match barcode".
import type { DamageType } from '../types.ts';
import type { MapPeak } from './location.ts';
import type { Severity } from './severity.ts';

export function describeDamage(type: DamageType, peak: MapPeak | null): string {
  if (type === 'spill') {
    // A spill seen at the outline of the item is liquid around it rather than on it.
    if (!peak) return 'spill';
    return peak.zone === 'centre' ? 'spill on the item' : 'spill next to item';
  }
  if (!peak) return type;
  return peak.zone === 'centre' ? `${type} in the centre` : `${type} on the ${peak.place}`;
}

export function describeAnomaly(peak: MapPeak | null): string {
  if (!peak) return "differs from the product's reference photos";
  return peak.zone === 'centre' ? "differs from the product's reference photos in the centre" : `differs from the product's reference photos on the ${peak.place}`;
}

export function describeMissingUnits(expected: number, counted: number): string | null {
  if (!(counted < expected)) return null;
  const missing = expected - counted;
  return `${missing} of ${expected} ${expected === 1 ? 'unit' : 'units'} missing`;
}

export const BARCODE_MISMATCH = 'label does not match barcode';

export const NO_ITEM = 'no item in view: point the camera at the item';

export const NOT_IN_GALLERY = 'not in the gallery: not compared with reference photos (enrol it to compare next time)';

export const describeClaimMismatch = (looksLike: string, claimed: string): string => `looks like ${looksLike}, not ${claimed}`;

export const GALLERY_PREPARING = 'not compared with reference photos yet: the gallery is still being prepared';

export function describeSeverity(severity: Severity, area: number | null, passes: boolean): string {
  const size = area === null ? '' : `, about ${Math.max(1, Math.round(area * 100))} % of the item`;
  if (severity === 'cosmetic') return passes ? `cosmetic only${size}: passes under the packaging policy` : `cosmetic${size}: check whether it can still be sold`;
  return `unsellable${size}`;
}

export const percentScore = (p: number): string => `${Math.round(p * 100)} %`;
