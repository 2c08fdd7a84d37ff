// Reads barcodes from a photo: the browser's BarcodeDetector where it exists (Chrome on Android,
// ChromeOS, macOS), otherwise zxing-wasm. Its .wasm is bundled and served from the app's own
// origin (Vite emits it as an asset; the service worker precaches it), never from a CDN.
import { prepareZXingModule, readBarcodes as zxingReadBarcodes, type ReadInputBarcodeFormat } from 'zxing-wasm/reader';
import zxingWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

export interface BarcodeRead {
  value: string;
  format: string;
  source: 'detector' | 'zxing';
}

// Retail and logistics symbologies found on packaged goods and their cases.
const DETECTOR_FORMATS = ['ean_13', 'ean_8', 'upc_a', 'upc_e', 'code_128', 'itf', 'data_matrix', 'qr_code'];
const ZXING_FORMATS: ReadInputBarcodeFormat[] = ['EAN13', 'EAN8', 'UPCA', 'UPCE', 'Code128', 'ITF', 'DataMatrix', 'QRCode'];

interface DetectedBarcode {
  rawValue: string;
  format: string;
}
interface BarcodeDetectorLike {
  detect(source: ImageBitmapSource): Promise<DetectedBarcode[]>;
}
interface BarcodeDetectorClass {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

let detector: Promise<BarcodeDetectorLike | null> | null = null;
let zxingReady = false;

function nativeDetector(): Promise<BarcodeDetectorLike | null> {
  detector ??= (async () => {
    const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
    if (!Detector) return null;
    try {
      const formats = (await Detector.getSupportedFormats()).filter((f) => DETECTOR_FORMATS.includes(f));
      return formats.length ? new Detector({ formats }) : null;
    } catch {
      return null;
    }
  })();
  return detector;
}

/** Outside a page (Node, tests) there is no origin to fetch from: hand the .wasm bytes in. */
export function useZxingWasm(wasmBinary: ArrayBuffer): void {
  prepareZXingModule({ overrides: { wasmBinary } });
  zxingReady = true;
}

function prepareZxing(): void {
  if (zxingReady) return;
  // zxing-wasm's default locateFile points at a CDN; the app must only talk to its own origin.
  const wasm = new URL(zxingWasmUrl, globalThis.location.href).href;
  prepareZXingModule({ overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasm : prefix + path) } });
  zxingReady = true;
}

async function toImageData(image: ImageBitmap): Promise<ImageData> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas for barcode reading');
  ctx.drawImage(image, 0, 0);
  return ctx.getImageData(0, 0, image.width, image.height);
}

/** Which decoder a read would use here, for the Diagnostics screen. */
export async function barcodeReader(): Promise<'detector' | 'zxing'> {
  return (await nativeDetector()) ? 'detector' : 'zxing';
}

/** Every barcode found in the image (possibly none). Never throws for an image without one. */
export async function readBarcodes(image: Blob | ImageBitmap, options: { preferZxing?: boolean } = {}): Promise<BarcodeRead[]> {
  const native = options.preferZxing ? null : await nativeDetector();
  if (native) {
    const found = await native.detect(image);
    return found.map((b) => ({ value: b.rawValue, format: b.format, source: 'detector' as const }));
  }
  prepareZxing();
  const input = image instanceof Blob ? image : await toImageData(image);
  const results = await zxingReadBarcodes(input, { formats: ZXING_FORMATS, tryHarder: true, maxNumberOfSymbols: 4 });
  return results.filter((r) => r.isValid).map((r) => ({ value: r.text, format: r.format, source: 'zxing' as const }));
}
