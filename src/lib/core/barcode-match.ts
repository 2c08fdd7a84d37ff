// Barcode cross-check: the label says one product, the picture another. Pure logic (no DOM), so
// the worker, the Check screen and the CLI agree on what counts as a mismatch.
import type { ProductMatch } from './check-result.ts';
import { DEFAULT_IDENTITY_SCORING } from './identity.ts';
import type { ProductId } from './types.ts';

/**
 * GTINs travel as 8, 12, 13 or 14 digits (EAN-8, UPC-A, EAN-13, ITF-14) for the same number;
 * zero-padding to 14 digits makes a UPC-A scan equal the EAN-13 stored for it. Anything that is
 * not a GTIN (Code 128 text, QR payloads) is compared as trimmed text.
 */
export function normalizeBarcode(code: string): string {
  const trimmed = code.trim();
  return /^\d{8}$|^\d{12,14}$/.test(trimmed) ? trimmed.padStart(14, '0') : trimmed;
}

/** GS1 mod-10 check digit; a scan that fails it was misread and must not decide anything. */
export function validGtin(code: string): boolean {
  if (!/^\d{8}$|^\d{12,14}$/.test(code)) return false;
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((s, d, i) => s + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}

/** Normalised barcode → the products that carry it (a barcode may be shared by variants). */
export function barcodeLookup(products: readonly { id: ProductId; barcodes: readonly string[] }[]): (normalized: string) => ProductId[] {
  const table = new Map<string, ProductId[]>();
  for (const p of products) {
    for (const b of p.barcodes) {
      const key = normalizeBarcode(b);
      table.set(key, [...(table.get(key) ?? []), p.id]);
    }
  }
  return (code) => table.get(code) ?? [];
}

export type BarcodeOutcome =
  | { kind: 'no-barcode' }
  /** Read, but no product in the gallery carries it. */
  | { kind: 'unknown-barcode'; barcode: string }
  /** The barcode's product is what the image shows (or is as close as makes no difference). */
  | { kind: 'match'; barcode: string; product: ProductId }
  /** No image identification to compare with (no gallery references): the barcode names it. */
  | { kind: 'barcode-only'; barcode: string; product: ProductId }
  /** The barcode names one product, the picture clearly shows another. A verdict of its own. */
  | { kind: 'mismatch'; barcode: string; barcodeProduct: ProductId; imageProduct: ProductId; imageScore: number; barcodeProductScore: number | null };

export interface CrossCheckOptions {
  /**
   * The picture contradicts the barcode when another product is at least this probable (and
   * more probable than the barcode's product). `matches` carry calibrated probabilities (see
   * core/identity.ts), so this is the same claim check as for any claimed identity; the number
   * belongs to the model (the manifest's scoring.identity.mismatchAt).
   */
  mismatchAt?: number;
}

export function crossCheckBarcode(
  barcodes: readonly string[],
  productsWithBarcode: (normalized: string) => readonly ProductId[],
  matches: readonly ProductMatch[],
  options: CrossCheckOptions = {},
): BarcodeOutcome {
  const mismatchAt = options.mismatchAt ?? DEFAULT_IDENTITY_SCORING.mismatchAt;
  // Outcomes name the code as it was read (what the associate sees on the label).
  const read = barcodes.map((raw) => ({ raw: raw.trim(), key: normalizeBarcode(raw) })).filter(({ key }) => key !== '' && (!/^\d+$/.test(key) || validGtin(key)));
  if (read.length === 0) return { kind: 'no-barcode' };
  const known = read.map(({ raw, key }) => ({ barcode: raw, products: productsWithBarcode(key) })).filter((k) => k.products.length > 0);
  if (known.length === 0) return { kind: 'unknown-barcode', barcode: read[0].raw };
  const top = matches[0];
  if (!top) return { kind: 'barcode-only', barcode: known[0].barcode, product: known[0].products[0] };
  const scoreOf = new Map(matches.map((m) => [m.product, m.score]));
  for (const { barcode, products } of known) {
    for (const product of products) {
      const score = scoreOf.get(product);
      if (product === top.product || top.score < mismatchAt || (score !== undefined && score >= top.score)) return { kind: 'match', barcode, product };
    }
  }
  const { barcode, products } = known[0];
  return {
    kind: 'mismatch',
    barcode,
    barcodeProduct: products[0],
    imageProduct: top.product,
    imageScore: top.score,
    barcodeProductScore: scoreOf.get(products[0]) ?? null,
  };
}
