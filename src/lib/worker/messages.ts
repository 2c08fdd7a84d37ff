// The one message protocol between the UI thread and the inference worker (exposed with Comlink).
// Every call answers with an Outcome: failures cross the boundary as typed values carrying a
// message written for the associate, never as exceptions the UI has to guess about.
import type { CheckResult } from '../core/check-result.ts';
import type { DecisionConfig } from '../core/decision/decide.ts';
import type { ProductId } from '../core/types.ts';
import type { ImageEmbedding, ModelStatus } from '../pipeline/api.ts';
import type { DepthMap } from '../capture/frame.ts';
import type { ReferenceBatch } from './reference-batch.ts';

export interface EngineConfig {
  /** Where models/manifest.json and the files it names are served (same origin). */
  modelBaseUrl: string;
  /** WASM threads to use; 1 when the page is not cross-origin isolated. */
  numThreads: number;
  providers: ('webgpu' | 'wasm')[];
  /** Thresholds saved on this device (Calibrate screen); the shipped defaults when absent. */
  decision?: DecisionConfig;
}

export interface EngineInfo {
  models: ModelStatus[];
  /** The execution provider onnxruntime actually gave us. */
  provider: string;
  crossOriginIsolated: boolean;
  numThreads: number;
  /** How the damage model squares a photo, which fixes where its heatmap lies over the photo. */
  damageInputFit: 'letterbox' | 'centre-crop';
  /** Things the associate or an admin should know, e.g. "a new model failed its check; the previous one is in use". */
  notices: string[];
  /** The loaded embedding model (gallery vectors are only ever compared within one). */
  embedding?: { id: string; version: string; sha256: string; dim: number; patchDim: number; patchGrid: [number, number] };
}

export type EngineErrorCode =
  | 'not-an-image'
  | 'image-too-small'
  | 'image-too-large'
  | 'decode-failed'
  | 'model-missing'
  | 'model-integrity'
  | 'model-load-failed'
  | 'not-ready'
  | 'inference-failed'
  | 'cancelled'
  | 'worker-crashed'
  | 'references-refused';

export interface EngineError {
  code: EngineErrorCode;
  /** Shown to the associate as is. */
  message: string;
  /** For the Diagnostics screen and bug reports. */
  detail?: string;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineError };

export const failure = (code: EngineErrorCode, message: string, detail?: string) =>
  ({ ok: false, error: { code, message, detail } }) as const;

export const CANCELLED = failure('cancelled', 'Check cancelled.');

/** Errors that mean "take another picture" rather than "the app is broken". */
export const RETAKE_ERRORS: ReadonlySet<EngineErrorCode> = new Set(['not-an-image', 'image-too-small', 'image-too-large', 'decode-failed']);

export interface CheckRequest {
  /** Chosen by the caller; cancel(id) refers to it. */
  id: number;
  /** Decoded (camera) or still encoded (file, sample); transferred, not copied. */
  image: ImageBitmap | Blob;
  depth?: DepthMap;
  product?: ProductId;
  candidates?: ProductId[];
  top?: number;
  /**
   * A code from a keyboard-wedge scanner. Without one, the worker reads the photo for a barcode
   * whenever some gallery product has one. Either way the verdict judges it (one source of truth).
   */
  barcode?: string;
  /** The gallery is still being loaded or embedded: a missing comparison is not "no references". */
  galleryPreparing?: boolean;
}

export interface CheckReply {
  result: CheckResult;
  /** The analysed picture, scaled for display; transferred to the UI, which must close() it. */
  preview: ImageBitmap;
  sourceSize: { width: number; height: number };
  analysedSize: { width: number; height: number };
  decodeMs: number;
  /** Reading the photo for a barcode; null when it was not read (a scanned code, or no barcodes in the gallery). */
  barcodeMs: number | null;
}

export interface ReferencesInstalled {
  references: number;
  products: number;
  /** Widening the int8 vectors and indexing them in the worker. */
  installMs: number;
}

export interface InferenceWorkerApi {
  /** Loads and verifies the models, warms them up; safe to call again to pick up a new manifest. */
  init(config: EngineConfig): Promise<Outcome<EngineInfo>>;
  check(request: CheckRequest): Promise<Outcome<CheckReply>>;
  /** Stops a check between stages; its check() answers with code "cancelled". */
  cancel(id: number): void;
  /**
   * Gallery references to identify against (from IndexedDB), with every product's metadata; an
   * empty batch disables identification. Refused when its vectors came from another embedding
   * model than the one loaded. Transfer the batch (batchTransferables), do not copy it.
   */
  setReferences(batch: ReferenceBatch): Promise<Outcome<ReferencesInstalled>>;
  /** Vectors of one photo, for enrolling or re-embedding a gallery reference. */
  embed(image: Blob): Promise<Outcome<ImageEmbedding>>;
  /** Thresholds and severity policy just saved on the Calibrate screen (undefined: the shipped defaults); the next check uses them. */
  setDecision(decision: DecisionConfig | undefined): Promise<Outcome<true>>;
}
