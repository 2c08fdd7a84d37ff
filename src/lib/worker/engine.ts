// The worker side of the protocol: owns the pipeline, runs one check at a time, honours
// cancellation between stages, and turns every failure into a typed Outcome.
import * as Comlink from 'comlink';
import { DEFAULT_DECISION_CONFIG, type DecisionConfig } from '../core/decision/decide.ts';
import type { ModelManifest } from '../core/model-manifest.ts';
import { embeddingModelRef } from '../core/vector-space.ts';
import type { GalleryIndex, GalleryProduct } from '../core/gallery-index.ts';
import type { ImageEmbedding, Pipeline, PipelineOptions, ReadModelFile } from '../pipeline/api.ts';
import { decodeFrame } from './decode.ts';
import { recallGoodModels, rememberGoodModels } from './last-good-model.ts';
import {
  CANCELLED,
  failure,
  type CheckReply,
  type CheckRequest,
  type EngineConfig,
  type EngineInfo,
  type InferenceWorkerApi,
  type Outcome,
  type ReferencesInstalled,
} from './messages.ts';
import { addBatchToGallery, batchProblem, type ReferenceBatch } from './reference-batch.ts';

/** The parts that touch onnxruntime, injected by inference.worker.ts. */
export interface EngineDeps {
  configure(config: EngineConfig): void;
  createPipeline(options: PipelineOptions): Promise<Pipeline>;
  /** Recognises the pipeline's "file does not match its sha256" failure. */
  isIntegrityFailure(error: unknown): boolean;
  /** The item's barcode read from the photo, or null when none is readable. */
  readBarcode?(photo: ImageBitmap): Promise<string | null>;
  /** Starts the barcode reader (its WebAssembly) ahead of the first check that needs it. */
  prepareBarcodeReader?(): Promise<void>;
}

/**
 * The gallery as it arrived (int8, tagged with the embedding model its vectors came from), kept
 * to install again when the pipeline is replaced; the pipeline's gallery holds views into it.
 */
interface HeldGallery {
  model: string;
  batch: ReferenceBatch | null;
  products: GalleryProduct[];
}


export class InferenceEngine implements InferenceWorkerApi {
  #pipeline: Pipeline | null = null;
  #info: EngineInfo | null = null;
  #gallery: HeldGallery | null = null;
  #running = new Map<number, AbortController>();
  #barcodeReaderStarted = false;
  /** Stops the previous gallery's background preparation when another one is installed. */
  #preparing: AbortController | null = null;
  /** Checks run strictly one after another: one session run at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: EngineDeps) {}

  async init(config: EngineConfig): Promise<Outcome<EngineInfo>> {
    return this.#serially(() => this.#init(config));
  }

  async #init(config: EngineConfig): Promise<Outcome<EngineInfo>> {
    this.deps.configure(config);
    const manifestUrl = new URL('manifest.json', config.modelBaseUrl).href;
    let manifest: ModelManifest;
    try {
      const response = await fetch(manifestUrl, { cache: 'no-cache' });
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${manifestUrl}`);
      manifest = (await response.json()) as ModelManifest;
    } catch (error) {
      return this.#keepPreviousOr(
        failure('model-missing', 'No model is installed yet. Connect to the network once and reload the app.', String(error)),
        'The model list could not be read; the model already loaded stays in use.',
      );
    }

    const filesRead = new Map<string, Uint8Array>();
    const readFile: ReadModelFile = async (file) => {
      const response = await fetch(new URL(file, config.modelBaseUrl).href);
      if (!response.ok) throw new Error(`HTTP ${response.status} for model file ${file}`);
      const bytes = new Uint8Array(await response.arrayBuffer());
      filesRead.set(file, bytes);
      return bytes;
    };

    try {
      const pipeline = await this.deps.createPipeline({ manifest, readFile, providers: config.providers, decision: config.decision });
      await this.#install(pipeline, manifest, config, []);
      await rememberGoodModels(manifest, filesRead).catch(() => undefined);
      return { ok: true, value: this.#info as EngineInfo };
    } catch (error) {
      if (!this.deps.isIntegrityFailure(error)) {
        return this.#keepPreviousOr(
          failure('model-load-failed', 'The damage model could not be started on this device.', String(error)),
          'A new model could not be started; the model already loaded stays in use.',
        );
      }
      const integrity = failure(
        'model-integrity',
        'The model file is damaged (it does not match its checksum), so it was not used. Reconnect and reload to download it again.',
        String(error),
      );
      if (this.#pipeline) return this.#keepPreviousOr(integrity, 'A downloaded model update was damaged and was not used; the previous model stays in use.');
      return this.#fallBackToLastGood(config, integrity);
    }
  }

  async #fallBackToLastGood(config: EngineConfig, integrity: ReturnType<typeof failure>): Promise<Outcome<EngineInfo>> {
    const previous = await recallGoodModels().catch(() => null);
    if (!previous) return integrity;
    try {
      const pipeline = await this.deps.createPipeline({ ...previous, providers: config.providers, decision: config.decision });
      await this.#install(pipeline, previous.manifest, config, [
        'A downloaded model file was damaged and was not used; the last model verified on this device is in use.',
      ]);
      return { ok: true, value: this.#info as EngineInfo };
    } catch {
      return integrity;
    }
  }

  async #install(pipeline: Pipeline, manifest: ModelManifest, config: EngineConfig, notices: string[]): Promise<void> {
    const previous = this.#pipeline;
    const embedding = embeddingSpec(manifest);
    // Vectors of the model being replaced must not be searched with the new one: only the
    // product metadata stays until the app sends vectors of this model.
    if (this.#gallery && this.#gallery.model !== embedding?.sha256) this.#gallery = { ...this.#gallery, batch: null };
    this.#prepare(installGallery(pipeline, this.#gallery));
    this.#pipeline = pipeline;
    const models = pipeline.status();
    this.#info = {
      models,
      provider: models[0]?.provider ?? 'unknown',
      crossOriginIsolated: self.crossOriginIsolated,
      numThreads: config.numThreads,
      damageInputFit: manifest.models.find((m) => m.default && m.roles.includes('damage'))?.input.fit ?? 'letterbox',
      notices,
      embedding,
    };
    if (previous && previous !== pipeline) await previous.dispose().catch(() => undefined);
  }

  #keepPreviousOr(error: ReturnType<typeof failure>, notice: string): Outcome<EngineInfo> {
    if (!this.#pipeline || !this.#info) return error;
    this.#info = { ...this.#info, notices: [notice] };
    return { ok: true, value: this.#info };
  }

  async check(request: CheckRequest): Promise<Outcome<CheckReply>> {
    const controller = new AbortController();
    this.#running.set(request.id, controller);
    try {
      return await this.#serially(() => this.#check(request, controller.signal));
    } finally {
      this.#running.delete(request.id);
    }
  }

  async #check(request: CheckRequest, signal: AbortSignal): Promise<Outcome<CheckReply>> {
    if (signal.aborted) return closeAnd(request.image, CANCELLED);
    const pipeline = this.#pipeline;
    if (!pipeline) return closeAnd(request.image, failure('not-ready', 'The checker has no model loaded yet.'));
    const decoded = await decodeFrame(request.image).catch((error: unknown) =>
      failure('decode-failed', 'This photo could not be opened. Take or choose another photo.', String(error)),
    );
    if (!decoded.ok) return decoded;
    const { image, preview, ...sizes } = decoded.value;
    if (signal.aborted) return closeAnd(preview, CANCELLED);
    try {
      const barcodeStarted = performance.now();
      const read = request.barcode === undefined ? await this.#barcodeInPhoto(preview) : undefined;
      const barcodeMs = read === undefined ? null : performance.now() - barcodeStarted;
      const barcode = request.barcode ?? read ?? undefined;
      if (signal.aborted) return closeAnd(preview, CANCELLED);
      const result = await pipeline.inspect(image, {
        product: request.product,
        candidates: request.candidates,
        top: request.top,
        signal,
        ...(barcode ? { barcode } : {}),
        galleryPreparing: request.galleryPreparing ?? false,
      });
      if (signal.aborted) return closeAnd(preview, CANCELLED);
      return Comlink.transfer({ ok: true, value: { result, preview, ...sizes, barcodeMs } }, [preview]);
    } catch (error) {
      if (signal.aborted) return closeAnd(preview, CANCELLED);
      return closeAnd(preview, failure('inference-failed', 'The check failed on this photo. Try again.', String(error)));
    }
  }

  cancel(id: number): void {
    this.#running.get(id)?.abort();
  }

  /**
   * Only worth the decoding time when a barcode could name a product of the gallery; undefined
   * when it was not even tried.
   */
  async #barcodeInPhoto(photo: ImageBitmap): Promise<string | null | undefined> {
    if (!this.deps.readBarcode || !this.#gallery?.products.some((p) => p.barcodes?.length)) return undefined;
    // A photo that cannot be read for barcodes is simply one without a readable barcode.
    return this.deps.readBarcode(photo).catch(() => null);
  }

  async setReferences(batch: ReferenceBatch): Promise<Outcome<ReferencesInstalled>> {
    return this.#serially(async () => {
      const started = performance.now();
      const problem = batchProblem(batch);
      if (problem) return failure('references-refused', 'The gallery could not be handed to the checker; reopen the app.', problem);
      const loaded = this.#info?.embedding?.sha256;
      if (loaded && batch.model !== loaded) {
        return failure(
          'references-refused',
          'The gallery’s vectors come from another embedding model than the one loaded; they are not searched until they are recomputed.',
          `batch model ${batch.model.slice(0, 12)}…, loaded ${loaded.slice(0, 12)}…`,
        );
      }
      const gallery = { model: batch.model, batch, products: batch.products };
      try {
        if (this.#pipeline) this.#prepare(installGallery(this.#pipeline, gallery));
      } catch (error) {
        return failure('references-refused', 'The gallery could not be handed to the checker; reopen the app.', String(error));
      }
      this.#gallery = gallery;
      if (!this.#barcodeReaderStarted && batch.products.some((p) => p.barcodes?.length)) {
        // The first check that reads a barcode would otherwise also pay for starting the reader.
        this.#barcodeReaderStarted = true;
        void this.deps.prepareBarcodeReader?.().catch(() => (this.#barcodeReaderStarted = false));
      }
      return { ok: true, value: { references: batch.count, products: batch.products.length, installMs: performance.now() - started } } as const;
    });
  }

  async embed(image: Blob): Promise<Outcome<ImageEmbedding>> {
    return this.#serially(async () => {
      const pipeline = this.#pipeline;
      if (!pipeline) return failure('not-ready', 'The checker has no model loaded yet.');
      const decoded = await decodeFrame(image).catch((error: unknown) => failure('decode-failed', 'This photo could not be opened.', String(error)));
      if (!decoded.ok) return decoded;
      decoded.value.preview.close();
      try {
        return { ok: true, value: await pipeline.embed(decoded.value.image) } as const;
      } catch (error) {
        return failure('inference-failed', 'The photo could not be embedded. Try again.', String(error));
      }
    });
  }

  async setDecision(decision: DecisionConfig | undefined): Promise<Outcome<true>> {
    // Queued like a check, so a check already running finishes under the settings it started with.
    return this.#serially(async () => {
      this.#pipeline?.setDecision(decision ?? DEFAULT_DECISION_CONFIG);
      return { ok: true, value: true } as const;
    });
  }

  /**
   * Builds the patch memories (and, for a large gallery, the inverted file) between checks, one
   * product per macrotask, so no check pays for them; a check that comes first builds what it
   * needs itself.
   */
  #prepare(gallery: GalleryIndex | null): void {
    this.#preparing?.abort();
    this.#preparing = gallery ? new AbortController() : null;
    if (gallery) void gallery.buildMemories({ signal: this.#preparing!.signal }).catch(() => undefined);
  }

  #serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

/** The held gallery searched as int8 (4× less memory than float, see core/gallery-index.ts). */
function installGallery(pipeline: Pipeline, held: HeldGallery | null): GalleryIndex | null {
  if (!held || (!held.batch?.count && held.products.length === 0)) {
    pipeline.setGallery(null);
    return null;
  }
  const gallery = pipeline.createGallery('int8');
  for (const p of held.products) gallery.addProduct(p);
  if (held.batch) addBatchToGallery(gallery, held.batch);
  pipeline.setGallery(gallery);
  return gallery;
}

function embeddingSpec(manifest: ModelManifest): EngineInfo['embedding'] {
  const entry = manifest.models.find((m) => m.default && m.roles.includes('embedding'));
  return entry?.embedding ? embeddingModelRef(entry) : undefined;
}

function closeAnd<T>(image: ImageBitmap | Blob, outcome: T): T {
  if (image instanceof ImageBitmap) image.close();
  return outcome;
}
