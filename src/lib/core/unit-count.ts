// How many units of a multipack are there? The units are identical, so asking which unit's
// patches are absent from the photo finds nothing: the present cans match every reference can.
// Instead the pack is cut into the product's grid of slots (found on its complete reference
// packs, see unit-slots.ts) and each slot is asked whether it looks like a unit of the product,
// patch for aligned patch, in any reference. An empty slot shows the tray, shelf or tote floor
// and looks like no unit.
//
// Telling a complete pack "units missing" sidelines a good item, so the rules lean towards
// silence: a slot counts as empty only when it is less like a unit than any present unit was
// in the measurements (bench/unit-count-eval.ts), and nothing is counted when the photo does not
// look like the references at all (framed differently, another product) or when more than half
// the slots look empty (an emptied tray and a badly framed pack cannot be told apart).
import type { PatchSet } from './patch-anomaly.ts';
import { productLayout, slotPresence, type Layout } from './unit-slots.ts';

export interface UnitCountOptions {
  /** A slot whose best aligned similarity with a reference unit is below this is empty. */
  emptyBelow: number;
  /** Unless some slot is at least this like a reference unit, the photo is not comparable: no count. */
  presentFloor: number;
  /** The references' repeat contrast under their best layout must reach this (a findable grid). */
  minRepeat: number;
  /** References used (the first ones): bounds the cost for products with many. */
  maxReferences: number;
}

// emptyBelow sits under every present slot of the tuning packs of bench/unit-count-eval.ts
// (lowest 0.298 of ~3000; empty slots: median 0.25, highest 0.50), so on those photos a unit
// that is there was never called missing. A higher value finds more empty slots (0.35: 88 %
// exact counts on the tuning packs) at the price of calling a present unit missing sometimes.
export const DEFAULT_UNIT_COUNT_OPTIONS: UnitCountOptions = {
  emptyBelow: 0.27,
  presentFloor: 0.45,
  minRepeat: 0.02,
  maxReferences: 8,
};

export interface UnitCountInput {
  /** The checked photo's patch features (and image cells). */
  query: PatchSet;
  /** The product's reference photos: complete packs. */
  references: readonly PatchSet[];
  grid: [number, number];
  /** Units in a complete pack. */
  units: number;
  /** The product's layout when already known (it depends only on the references). */
  layout?: Layout | null;
}

export interface UnitEstimate {
  expected: number;
  counted: number;
  layout: Layout;
  /** Per slot, row-major: best aligned similarity with a reference unit. */
  slotSimilarity: number[];
}

/** The product's grid of units from its references; null when none can be found. */
export function unitLayout(references: readonly PatchSet[], grid: [number, number], units: number, options: UnitCountOptions = DEFAULT_UNIT_COUNT_OPTIONS): Layout | null {
  if (!Number.isInteger(units) || units < 2 || references.length === 0) return null;
  const found = productLayout(references.slice(0, options.maxReferences), grid, units);
  return found && found.repeat >= options.minRepeat ? found.layout : null;
}

/** The unit count of a multipack; null for single items or when the photo gives no safe count. */
export function countUnits(input: UnitCountInput, options: UnitCountOptions = DEFAULT_UNIT_COUNT_OPTIONS): UnitEstimate | null {
  const { units } = input;
  if (!Number.isInteger(units) || units < 2) return null;
  const references = input.references.slice(0, options.maxReferences);
  const layout = input.layout === undefined ? unitLayout(references, input.grid, units, options) : input.layout;
  if (!layout || layout.rows * layout.cols !== units) return null;
  const presence = slotPresence(input.query, references, input.grid, layout);
  if (!presence) return null;
  const similarity = presence.referenceSimilarity;
  if (Math.max(...similarity) < options.presentFloor) return null;
  const empty = similarity.filter((s) => s < options.emptyBelow).length;
  if (empty > units / 2) return null;
  return { expected: units, counted: units - empty, layout, slotSimilarity: similarity };
}
