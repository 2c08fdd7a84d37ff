// The contract between the inference pipeline (implemented in src/lib/pipeline/) and its two
// callers: the Web Worker (src/lib/worker/) behind the app, and the Node CLI (src/cli/).
// Both call exactly this, so the app and the CLI cannot disagree about a verdict.
import type { CheckResult, ProductMatch } from '../core/check-result.ts';
import type { RgbaImage } from '../core/image.ts';
import type { ModelManifest } from '../core/model-manifest.ts';
import type { ProductId } from '../core/types.ts';

/** Fetches a file named in the manifest: fetch() in the browser, fs.readFile in Node. */
export type ReadModelFile = (file: string) => Promise<Uint8Array>;

export interface PipelineOptions {
  manifest: ModelManifest;
  readFile: ReadModelFile;
  /** Preferred execution providers in order; the pipeline reports which one it got. */
  providers?: ('webgpu' | 'wasm')[];
}

export interface ReferenceEmbedding {
  product: ProductId;
  embedding: Float32Array;
  /** Patch features [gridH*gridW*patchDim], for comparing an item with its references. */
  patches: Float32Array;
}

export interface InspectOptions {
  /** Compare against this product's references instead of identifying first. */
  product?: ProductId;
  /** Narrow identification to these products (a tote's expected items). */
  candidates?: ProductId[];
  top?: number;
  signal?: AbortSignal;
}

export interface ModelStatus {
  id: string;
  version: string;
  precision: string;
  sha256: string;
  provider: string;
  warmupMs: number;
}
