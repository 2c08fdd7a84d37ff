// Whether the gallery the checker searches is still being put together (the demo pack importing
// on a first run, the engine being handed the references, references being embedded by a newly
// loaded model), and how far along. While it is, a check must not claim the gallery has nothing
// for the item.

export interface PreparationInput {
  /** The store is open and the first-run demo import (if any) has finished. */
  opened: boolean;
  /** The loaded model is being handed the gallery for the first time. */
  attaching: boolean;
  /**
   * References being embedded with the loaded model (total 0 while they are being counted);
   * null once they have been handed to the checker.
   */
  reembedding: { done: number; total: number } | null;
}

/** done/total are references embedded so far; null while that is not known yet. */
export type Preparation = { done: number; total: number } | { done: null; total: null };

export function galleryPreparation(input: PreparationInput): Preparation | null {
  const { reembedding } = input;
  // Cleared only once the re-embedded references have reached the checker.
  if (reembedding) return reembedding.total > 0 ? { ...reembedding } : { done: null, total: null };
  return !input.opened || input.attaching ? { done: null, total: null } : null;
}

export function describePreparation(p: Preparation): string {
  return p.total === null ? 'Gallery still being prepared' : `Gallery still being prepared (${p.done} of ${p.total})`;
}
