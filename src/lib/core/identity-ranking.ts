// The ranking the identity is calibrated on (core/identity.ts), shared by the pipeline and the
// benchmarks that fit and measure the calibration, so both see exactly the same similarities.
import type { GalleryIndex, GalleryMatch } from './gallery-index.ts';
import type { ProductId } from './types.ts';

export interface RankingQuery {
  embedding: ArrayLike<number>;
  patches?: ArrayLike<number>;
  imageCells?: ArrayLike<boolean>;
}

export interface RankingOptions {
  /** Narrow to these products (a tote's list); every one of them is ranked. */
  candidates?: readonly ProductId[];
  /** Products that must be weighed even when they rank below the shortlist (a claim, a barcode's). */
  mustWeigh?: readonly ProductId[];
  /** Rank at least this many products (the caller shows this many). */
  top?: number;
}

/** The gallery's shortlist of products (or every candidate) re-ranked by patches, plus the products that must be weighed. */
export function rankForIdentity(gallery: GalleryIndex, query: RankingQuery, options: RankingOptions = {}): GalleryMatch[] {
  const { candidates, mustWeigh = [], top = 0 } = options;
  const local = { patches: query.patches, imageCells: query.imageCells };
  const ranked = gallery.identify(query.embedding, { top: candidates ? candidates.length : Math.max(gallery.rerankScoring.shortlist, top), candidates, ...local });
  for (const p of mustWeigh) {
    if (ranked.some((r) => r.product === p) || !gallery.has(p)) continue;
    ranked.push(...gallery.identify(query.embedding, { top: 1, candidates: [p], ...local }));
  }
  return ranked;
}
