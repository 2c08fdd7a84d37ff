import { describe, expect, it } from 'vitest';
import { itemBarcode } from './item-barcode.ts';

describe('itemBarcode', () => {
  it('prefers a retail product code over a QR code or a shipping label, in either decoder’s spelling', () => {
    expect(
      itemBarcode([
        { value: 'https://example.com/p/1', format: 'QRCode', source: 'zxing' },
        { value: '7394376616037', format: 'EAN13', source: 'zxing' },
      ]),
    ).toBe('7394376616037');
    expect(
      itemBarcode([
        { value: 'PARCEL-1234', format: 'code_128', source: 'detector' },
        { value: '036000291452', format: 'upc_a', source: 'detector' },
      ]),
    ).toBe('036000291452');
  });

  it('falls back to the first code read, and to none', () => {
    expect(itemBarcode([{ value: ' ABC-12345 ', format: 'Code128', source: 'zxing' }])).toBe('ABC-12345');
    expect(itemBarcode([{ value: '  ', format: 'EAN13', source: 'zxing' }])).toBeNull();
    expect(itemBarcode([])).toBeNull();
  });
});
