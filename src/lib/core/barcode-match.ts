// Barcode cross-check: the label says one product, the picture another. Pure logic (no DOM), so
// the worker, the Check screen and the CLI agree on what counts as a mismatch.
import type { ProductMatch } from './check-result.ts';
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

/**
 * How far (in match score, [0, 1]) the barcode's product may trail the image's best match and
 * still count as agreement. Look-alike variants of one brand score close together, and a
 * misidentified good item's own product can trail by a lot: with intact-vision 1.0.0 and the
 * patch re-ranked identification, on the dev photos (val vs a train gallery,
 * bench/barcode-eval.ts) its gap reached 0.078, and a margin of 0.02 called 28 of 100 good items
 * relabelled. At 0.1 none were (≤ 3 % at 95 %), the barcode put the right product in place of
 * every wrong top match, and 41 % of relabels between these very alike products are still
 * caught. A mismatch sidelines, so a false one costs more than a miss. Chosen on those same 100
 * photos: recheck it (the bench) whenever the model or the identification changes.
 */
export const BARCODE_MARGIN = 0.1;

export interface CrossCheckOptions {
  /** See BARCODE_MARGIN; the barcode is the better witness between close matches. */
  margin?: number;
}

export function crossCheckBarcode(
  barcodes: readonly string[],
  productsWithBarcode: (normalized: string) => readonly ProductId[],
  matches: readonly ProductMatch[],
  options: CrossCheckOptions = {},
): BarcodeOutcome {
  const margin = options.margin ?? BARCODE_MARGIN;
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
      if (product === top.product || (score !== undefined && top.score - score <= margin)) return { kind: 'match', barcode, product };
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
