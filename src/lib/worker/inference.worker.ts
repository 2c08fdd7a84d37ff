// The inference worker: the pipeline (and so onnxruntime-web) lives here, off the UI thread.
import * as Comlink from 'comlink';
import { readBarcodes } from '../capture/barcode.ts';
import { configureOrt, isModelError } from '../inference/index.ts';
import { Inspector } from '../pipeline/inspector.ts';
import { InferenceEngine } from './engine.ts';
import { itemBarcode } from './item-barcode.ts';

const engine = new InferenceEngine({
  // No wasmPaths: the bundler already rewrote onnxruntime's reference to its .wasm into a
  // same-origin, precached asset.
  configure: (config) => configureOrt({ numThreads: config.numThreads }),
  createPipeline: (options) => Inspector.create(options),
  // A file that does not match its manifest (hash or byte count) is damaged, not merely unsupported.
  isIntegrityFailure: (error) => isModelError(error) && (error.code === 'integrity' || error.code === 'size'),
  // Read here, off the UI thread, before the verdict, so the verdict can judge the barcode.
  readBarcode: async (photo) => itemBarcode(await readBarcodes(photo)),
  prepareBarcodeReader: async () => {
    // A blank image: nothing to find, but the reader's WebAssembly is fetched and compiled.
    const blank = await createImageBitmap(new ImageData(8, 8));
    try {
      await readBarcodes(blank);
    } finally {
      blank.close();
    }
  },
});

Comlink.expose(engine);
