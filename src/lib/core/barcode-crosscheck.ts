// What a check does with a code read from the item: the barcode and the picture are two
// witnesses of which product this is. When they agree (or the picture cannot tell the barcode's
// product from its best match) the barcode settles it; when the picture clearly shows another
// product the item is sidelined, since a relabelled or mis-packed item must not ship.
import type { BarcodeCheck, ProductMatch } from './check-result.ts';
import { barcodeLookup, crossCheckBarcode, normalizeBarcode } from './barcode-match.ts';
import type { GalleryProduct } from './gallery-index.ts';
import type { ProductId } from './types.ts';

export interface BarcodeResolution {
  check: BarcodeCheck;
  /** The product to compare with its references because the barcode names it; null: keep the picture's. */
  product: ProductId | null;
  /** Said after the verdict's other reasons; null when there is nothing worth saying. */
  note: string | null;
}

// Rebuilt per check: a table of a few thousand codes costs well under a millisecond, and a cache
// would have to follow every change to the gallery.
const lookupFor = (products: readonly GalleryProduct[]) => barcodeLookup(products.map((p) => ({ id: p.id, barcodes: p.barcodes ?? [] })));

/** The products that carry this code (usually one), so their match scores can be computed. */
export function productsWithBarcode(code: string, products: readonly GalleryProduct[]): ProductId[] {
  return lookupFor(products)(normalizeBarcode(code));
}

export interface ResolveOptions {
  /** See CrossCheckOptions in ./barcode-match.ts. */
  mismatchAt?: number;
}

/**
 * `matches` must hold the picture's calibrated ranking plus the probabilities of the barcode's
 * products (which may rank below the top few); `products` names them in the notes. Returns
 * null for an empty code.
 */
export function resolveBarcode(
  code: string,
  products: readonly GalleryProduct[],
  matches: readonly ProductMatch[],
  options: ResolveOptions = {},
): BarcodeResolution | null {
  const read = code.trim();
  if (read === '') return null;
  const nameOf = (id: ProductId) => products.find((p) => p.id === id)?.name ?? id;
  const ranked = [...matches].sort((a, b) => b.score - a.score);
  const outcome = crossCheckBarcode([read], lookupFor(products), ranked, { mismatchAt: options.mismatchAt });
  switch (outcome.kind) {
    case 'no-barcode':
      return { check: { code: read, product: null, mismatch: false }, product: null, note: `barcode ${read} is not a valid product code: scan it again` };
    case 'unknown-barcode':
      return { check: { code: read, product: null, mismatch: false }, product: null, note: `barcode ${read} is not in the gallery` };
    case 'barcode-only':
      return { check: { code: read, product: outcome.product, mismatch: false }, product: outcome.product, note: `identified as ${nameOf(outcome.product)} by its barcode` };
    case 'match': {
      const top = ranked[0].product;
      const note = top === outcome.product ? null : `compared with ${nameOf(outcome.product)}, as the barcode says: the picture alone could not tell it from ${nameOf(top)}`;
      return { check: { code: read, product: outcome.product, mismatch: false }, product: outcome.product, note };
    }
    case 'mismatch':
      return {
        check: { code: read, product: outcome.barcodeProduct, mismatch: true },
        product: null,
        note: `the barcode is ${nameOf(outcome.barcodeProduct)}, the picture shows ${nameOf(outcome.imageProduct)}`,
      };
  }
}
