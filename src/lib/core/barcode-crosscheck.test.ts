import { describe, expect, it } from 'vitest';
import { productsWithBarcode, resolveBarcode } from './barcode-crosscheck.ts';
import type { GalleryProduct } from './gallery-index.ts';
import { productId } from './types.ts';

const OAT = productId('oat-milk');
const SOY = productId('soy-milk');
const JUICE = productId('juice');
const products: GalleryProduct[] = [
  { id: OAT, name: 'Oatly Oat Milk', barcodes: ['7394376616037'] },
  { id: SOY, name: 'Alpro Soy Milk', barcodes: ['5411188112709'] },
  { id: JUICE, name: 'Bravo Apple Juice' },
];

describe('resolveBarcode', () => {
  it('finds the products carrying a code, UPC-A or EAN-13 alike', () => {
    expect(productsWithBarcode(' 7394376616037 ', products)).toEqual([OAT]);
    expect(productsWithBarcode('4006381333931', products)).toEqual([]);
  });

  it('agrees when the picture shows the barcode product, and says nothing more', () => {
    const r = resolveBarcode('7394376616037', products, [{ product: OAT, score: 0.91 }, { product: SOY, score: 0.05 }]);
    expect(r).toEqual({ check: { code: '7394376616037', product: OAT, mismatch: false }, product: OAT, note: null });
  });

  it('is a mismatch when the picture clearly shows another product', () => {
    const r = resolveBarcode('7394376616037', products, [{ product: SOY, score: 0.93 }, { product: OAT, score: 0.04 }]);
    expect(r?.check).toEqual({ code: '7394376616037', product: OAT, mismatch: true });
    expect(r?.product).toBeNull();
    expect(r?.note).toBe('the barcode is Oatly Oat Milk, the picture shows Alpro Soy Milk');
  });

  it('prefers the barcode product when the picture cannot tell it from its best match', () => {
    const r = resolveBarcode('7394376616037', products, [{ product: SOY, score: 0.52 }, { product: OAT, score: 0.45 }], { mismatchAt: 0.6 });
    expect(r?.check.mismatch).toBe(false);
    expect(r?.product).toBe(OAT);
    expect(r?.note).toMatch(/^compared with Oatly Oat Milk, as the barcode says/);
    // the same ranking with a model whose calibration calls 0.5 confident: the picture wins
    expect(resolveBarcode('7394376616037', products, [{ product: SOY, score: 0.52 }, { product: OAT, score: 0.45 }], { mismatchAt: 0.5 })?.check.mismatch).toBe(true);
  });

  it('ranks matches itself (the barcode product may be appended after the top few)', () => {
    const r = resolveBarcode('5411188112709', products, [{ product: OAT, score: 0.05 }, { product: JUICE, score: 0.03 }, { product: SOY, score: 0.9 }]);
    expect(r?.check.mismatch).toBe(false);
    expect(r?.note).toBeNull();
  });

  it('names an unknown code without calling it a mismatch', () => {
    const r = resolveBarcode('4006381333931', products, [{ product: SOY, score: 0.9 }]);
    expect(r).toEqual({ check: { code: '4006381333931', product: null, mismatch: false }, product: null, note: 'barcode 4006381333931 is not in the gallery' });
  });

  it('asks for a rescan of a code failing its check digit, and ignores an empty one', () => {
    const r = resolveBarcode('7394376616038', products, [{ product: OAT, score: 0.9 }]);
    expect(r?.check.mismatch).toBe(false);
    expect(r?.note).toMatch(/not a valid product code: scan it again/);
    expect(resolveBarcode('  ', products, [])).toBeNull();
  });

  it('names the product by barcode when there is no picture match to compare with', () => {
    const r = resolveBarcode('5411188112709', products, []);
    expect(r).toEqual({ check: { code: '5411188112709', product: SOY, mismatch: false }, product: SOY, note: 'identified as Alpro Soy Milk by its barcode' });
  });
});
