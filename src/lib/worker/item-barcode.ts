// Which of the codes read from a photo names the item. Retail product codes (EAN/UPC) identify
// what is in the pack; a QR code or a shipping label's Code 128 usually points elsewhere (a web
// page, a parcel), so it is used only when nothing else was read.
import type { BarcodeRead } from '../capture/barcode.ts';

const PRODUCT_CODE = /^(ean|upc)/i;

export function itemBarcode(reads: readonly BarcodeRead[]): string | null {
  const codes = reads.filter((r) => r.value.trim() !== '');
  return (codes.find((r) => PRODUCT_CODE.test(r.format.replace(/[^a-z]/gi, ''))) ?? codes[0])?.value.trim() ?? null;
}
