// Reads the format and pixel size from the first bytes of an encoded image, before decoding it.
// That lets the worker refuse a non-image with a clear message and pick a decode size for a huge
// photo up front, instead of first inflating 50 megapixels into memory.

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic';

export interface ImageHeader {
  format: ImageFormat;
  /** Unknown (null) when the format keeps its size deeper in the file (AVIF, HEIC) or the header is cut. */
  width: number | null;
  height: number | null;
}

/** How many leading bytes readImageHeader needs to see for every supported format. */
export const HEADER_BYTES = 64 * 1024;

const startsWith = (b: Uint8Array, sig: number[], at = 0) => sig.every((v, i) => b[at + i] === v);
const ascii = (b: Uint8Array, at: number, n: number) => String.fromCharCode(...b.subarray(at, at + n));

export function readImageHeader(bytes: Uint8Array): ImageHeader | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const has = (n: number) => bytes.length >= n;

  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) {
    return has(24)
      ? { format: 'png', width: view.getUint32(16), height: view.getUint32(20) }
      : { format: 'png', width: null, height: null };
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return readJpeg(bytes, view);
  if (has(6) && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) {
    return has(10)
      ? { format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true) }
      : { format: 'gif', width: null, height: null };
  }
  if (has(12) && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return readWebp(bytes, view);
  if (has(2) && ascii(bytes, 0, 2) === 'BM') {
    return has(26)
      ? { format: 'bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) }
      : { format: 'bmp', width: null, height: null };
  }
  if (has(12) && ascii(bytes, 4, 4) === 'ftyp') {
    const brand = ascii(bytes, 8, 4);
    if (['avif', 'avis'].includes(brand)) return { format: 'avif', width: null, height: null };
    // iPhone photos; most browsers cannot decode them, which deserves its own message.
    if (['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1'].includes(brand)) return { format: 'heic', width: null, height: null };
  }
  return null;
}

// Walks the marker segments to the first start-of-frame; SOF markers are C0–CF except C4 (DHT),
// C8 (reserved) and CC (DAC).
function readJpeg(bytes: Uint8Array, view: DataView): ImageHeader {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return { format: 'jpeg', width: null, height: null };
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { format: 'jpeg', height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    at += 2 + view.getUint16(at + 2);
  }
  return { format: 'jpeg', width: null, height: null };
}

function readWebp(bytes: Uint8Array, view: DataView): ImageHeader {
  const chunk = bytes.length >= 16 ? ascii(bytes, 12, 4) : '';
  if (chunk === 'VP8 ' && bytes.length >= 30) {
    return { format: 'webp', width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  }
  if (chunk === 'VP8L' && bytes.length >= 25) {
    const bits = view.getUint32(21, true);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X' && bytes.length >= 30) {
    const w = bytes[24] | (bytes[25] << 8) | (bytes[26] << 16);
    const h = bytes[27] | (bytes[28] << 8) | (bytes[29] << 16);
    return { format: 'webp', width: w + 1, height: h + 1 };
  }
  return { format: 'webp', width: null, height: null };
}
