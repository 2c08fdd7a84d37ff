// The dev data's selection / report split, the same as models/pipeline/splits.py: val photos of
// each class ordered by sha256 of "val/<class>/<file>", even positions REPORT, odd SELECTION.
// Every choice (weight, threshold, layout, variant) is made on train photos or on the selection
// split; report-split figures are only read, never chosen on.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { DevPhoto } from './dev-set.ts';

export type SplitRole = 'report' | 'selection';

export function valRoles(photos: readonly DevPhoto[]): SplitRole[] {
  const byClass = new Map<string, number[]>();
  photos.forEach((p, i) => byClass.set(p.product, [...(byClass.get(p.product) ?? []), i]));
  const roles: SplitRole[] = new Array(photos.length);
  const key = (i: number) => createHash('sha256').update(`val/${photos[i].product}/${basename(photos[i].path)}`).digest('hex');
  for (const idx of byClass.values()) {
    [...idx].sort((a, b) => (key(a) < key(b) ? -1 : 1)).forEach((i, pos) => (roles[i] = pos % 2 === 0 ? 'report' : 'selection'));
  }
  return roles;
}

export const splitOf = <T>(items: readonly T[], roles: readonly SplitRole[], role: SplitRole): T[] => items.filter((_, i) => roles[i] === role);
