// The contract between the inference pipeline (implemented in src/lib/pipeline/) and its two
// callers: the Web Worker (src/lib/worker/) behind the app, and the Node CLI (src/cli/).
// Both call exactly this, so the app and the CLI cannot disagree about a verdict.
import type { CheckResult, ProductMatch } from '../core/check-result.ts';
import type { Identity } from '../core/identity.ts';
import type { DecisionConfig } from '../core/decision/decide.ts';
import type { RgbaImage } from '../core/image.ts';
import type { ModelManifest } from '../core/model-manifest.ts';
import type { GalleryIndex, GalleryProduct } from '../core/gallery-index.ts';
import type { ProductId, ReferenceId } from '../core/types.ts';
import type { VectorPrecision } from '../core/vector-index.ts';

/** Fetches a file named in the manifest: fetch() in the browser, fs.readFile in Node. */
export type ReadModelFile = (file: string) => Promise<Uint8Array>;

export interface PipelineOptions {
  manifest: ModelManifest;
  readFile: ReadModelFile;
  /** Preferred execution providers in order; the pipeline reports which one it got. */
  providers?: ('webgpu' | 'wasm')[];
  /** Fusion, thresholds and severity policy; the shipped defaults when absent. */
  decision?: DecisionConfig;
}

export interface ReferenceEmbedding {
  product: ProductId;
  embedding: Float32Array;
  /** Patch features [gridH*gridW*patchDim], for comparing an item with its references. */
  patches: Float32Array;
  /** Identifies the reference image (to show it beside a match); a generated id if absent. */
  reference?: ReferenceId;
  /** Grid cells that show the image rather than letterbox padding; absent = all. */
  imageCells?: boolean[];
}

/** What `embed` returns for one image: the vectors a reference is stored with. */
export interface ImageEmbedding {
  embedding: Float32Array;
  patches: Float32Array;
  imageCells: boolean[];
  /** sha256 of the embedding model: vectors of different models must never be compared. */
  model: string;
  /** p(an item is in view), from models that give it; never stored with a reference. */
  item?: number;
}

export interface InspectOptions {
  /** Compare against this product's references instead of identifying first. */
  product?: ProductId;
  /** Narrow identification to these products (a tote's expected items). */
  candidates?: ProductId[];
  top?: number;
  signal?: AbortSignal;
  /** Search this gallery instead of the one set with setReferences/setGallery. */
  gallery?: GalleryIndex;
  /**
   * A code read from the item (camera decode or keyboard-wedge scanner). Looked up in the
   * gallery products' barcodes: naming another product than the picture shows sidelines the
   * item ("label does not match barcode"); naming a product the picture cannot settle makes
   * that product the one compared with.
   */
  barcode?: string;
  /**
   * The references are still being loaded or embedded: a missing comparison is then reported
   * as "gallery still being prepared", not as "none in the gallery for this item".
   */
  galleryPreparing?: boolean;
}

export interface IdentifyResult {
  /** Calibrated probabilities, most probable first. */
  matches: ProductMatch[];
  /** None of the gallery's products, or no item in view (also true without a gallery). */
  unknown: boolean;
  identity: Identity | null;
  ms: number;
}

/** The pipeline both callers hold (implemented by Inspector in ./inspector.ts). */
export interface Pipeline {
  inspect(image: RgbaImage, options?: InspectOptions): Promise<CheckResult>;
  identify(image: RgbaImage, options?: InspectOptions): Promise<IdentifyResult>;
  embed(image: RgbaImage, signal?: AbortSignal): Promise<ImageEmbedding>;
  /**
   * Replaces the gallery searched by default (the app's references from IndexedDB). `products`
   * carries their metadata (name, barcodes, units, category) for the barcode cross-check and
   * unit counting; products without references are kept for barcode look-up.
   */
  setReferences(references: ReferenceEmbedding[], products?: GalleryProduct[]): void;
  /** An empty gallery bound to the loaded embedding model, to fill and hand to setGallery. */
  createGallery(precision?: VectorPrecision): GalleryIndex;
  /** Replaces the gallery searched by default; one of another embedding model is refused. */
  setGallery(gallery: GalleryIndex | null): void;
  /** Replaces the fusion, thresholds and severity policy for the following checks. */
  setDecision(decision: DecisionConfig): void;
  status(): ModelStatus[];
  dispose(): Promise<void>;
}

export interface ModelStatus {
  id: string;
  version: string;
  precision: string;
  sha256: string;
  provider: string;
  warmupMs: number;
}
