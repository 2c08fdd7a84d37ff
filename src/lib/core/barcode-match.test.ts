import { describe, expect, it } from 'vitest';
import { productId } from './types.ts';
import { barcodeLookup, crossCheckBarcode, normalizeBarcode, validGtin } from './barcode-match.ts';

const OAT = productId('oat-milk');
const SOY = productId('soy-milk');
const JUICE = productId('juice');
const lookup = barcodeLookup([
  { id: OAT, barcodes: ['7394376616037'] },
  { id: SOY, barcodes: ['5411188112709', '036000291452'] },
  { id: JUICE, barcodes: [] },
]);

describe('barcode normalisation', () => {
  it('finds a product stored by its UPC-A from the EAN-13 scan', () => {
    expect(lookup(normalizeBarcode('0036000291452'))).toEqual([SOY]);
    expect(lookup(normalizeBarcode('4006381333931'))).toEqual([]);
  });

  it('makes UPC-A and its EAN-13 form equal', () => {
    expect(normalizeBarcode('036000291452')).toBe(normalizeBarcode('0036000291452'));
    expect(normalizeBarcode(' ABC-123 ')).toBe('ABC-123');
  });

  it('checks the GS1 check digit', () => {
    expect(validGtin('7394376616037')).toBe(true);
    expect(validGtin('7394376616038')).toBe(false);
    expect(validGtin('036000291452')).toBe(true);
    expect(validGtin('96385074')).toBe(true);
  });
});

describe('barcode cross-check', () => {
  it('agrees when the image shows the barcode’s product', () => {
    expect(crossCheckBarcode(['7394376616037'], lookup, [{ product: OAT, score: 0.9 }])).toEqual({ kind: 'match', barcode: '7394376616037', product: OAT });
  });

  it('calls a mismatch when the picture clearly shows another product', () => {
    const out = crossCheckBarcode(['7394376616037'], lookup, [
      { product: JUICE, score: 0.93 },
      { product: OAT, score: 0.05 },
    ]);
    expect(out).toMatchObject({ kind: 'mismatch', barcodeProduct: OAT, imageProduct: JUICE, barcodeProductScore: 0.05 });
  });

  it('lets the barcode decide between near-identical look-alikes', () => {
    const out = crossCheckBarcode(['5411188112709'], lookup, [
      { product: OAT, score: 0.5 },
      { product: SOY, score: 0.45 },
    ]);
    expect(out).toMatchObject({ kind: 'match', product: SOY });
    expect(crossCheckBarcode(['5411188112709'], lookup, [{ product: OAT, score: 0.5 }, { product: SOY, score: 0.45 }], { mismatchAt: 0.5 }).kind).toBe('mismatch');
  });

  it('ignores misreads and reports unknown or absent barcodes', () => {
    expect(crossCheckBarcode([], lookup, [{ product: OAT, score: 0.9 }])).toEqual({ kind: 'no-barcode' });
    expect(crossCheckBarcode(['7394376616038'], lookup, [{ product: JUICE, score: 0.9 }])).toEqual({ kind: 'no-barcode' });
    expect(crossCheckBarcode(['4006381333931'], lookup, [{ product: OAT, score: 0.9 }])).toEqual({ kind: 'unknown-barcode', barcode: '4006381333931' });
    expect(crossCheckBarcode(['7394376616037'], lookup, [])).toEqual({ kind: 'barcode-only', barcode: '7394376616037', product: OAT });
  });
});
