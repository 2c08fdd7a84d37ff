// Real decoding with zxing-wasm (the fallback the app uses where BarcodeDetector is missing): a
// barcode drawn by zxing's writer, pasted small into a larger photo, must be read back.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareZXingModule as prepareWriter, writeBarcode } from 'zxing-wasm/full';
import { readBarcodes, useZxingWasm } from './barcode.ts';

const require = createRequire(import.meta.url);
const wasm = async (path: string) => {
  const b = await readFile(require.resolve(path));
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

beforeAll(async () => {
  useZxingWasm(await wasm('zxing-wasm/reader/zxing_reader.wasm'));
  prepareWriter({ overrides: { wasmBinary: await wasm('zxing-wasm/full/zxing_full.wasm') } });
});

async function photoWithBarcode(code: string, format: 'EAN13' | 'Code128'): Promise<Blob> {
  const written = await writeBarcode(code, { format, scale: 3 });
  if (written.error) throw new Error(written.error);
  const barcode = await sharp(Buffer.from(written.svg)).png().toBuffer();
  const photo = await sharp({ create: { width: 900, height: 700, channels: 3, background: { r: 210, g: 180, b: 120 } } })
    .composite([{ input: barcode, left: 320, top: 260 }])
    .jpeg({ quality: 85 })
    .toBuffer();
  return new Blob([new Uint8Array(photo)], { type: 'image/jpeg' });
}

describe('reading barcodes with zxing-wasm', () => {
  it('reads an EAN-13 from a photo', async () => {
    const found = await readBarcodes(await photoWithBarcode('7394376616037', 'EAN13'), { preferZxing: true });
    expect(found).toEqual([{ value: '7394376616037', format: 'EAN13', source: 'zxing' }]);
  });

  it('reads a Code 128 and finds nothing in a plain photo', async () => {
    expect((await readBarcodes(await photoWithBarcode('CASE-0042-A', 'Code128'), { preferZxing: true }))[0]?.value).toBe('CASE-0042-A');
    const plain = await sharp({ create: { width: 300, height: 200, channels: 3, background: { r: 90, g: 90, b: 90 } } }).jpeg().toBuffer();
    expect(await readBarcodes(new Blob([new Uint8Array(plain)], { type: 'image/jpeg' }), { preferZxing: true })).toEqual([]);
  });
});
