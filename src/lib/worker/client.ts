// The UI thread's handle on the inference worker. Calls never throw and never hang: a cancelled
// check answers at once (the worker drops it at its next stage), and a worker that dies answers
// every pending call with "worker-crashed" and is started afresh, re-initialised, on the next call.
import * as Comlink from 'comlink';
import type { Frame } from '../capture/frame.ts';
import type { DecisionConfig } from '../core/decision/decide.ts';
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
import type { ImageEmbedding } from '../pipeline/api.ts';
import { batchBytes, batchTransferables, type ReferenceBatch } from './reference-batch.ts';

export type CheckOptions = Pick<CheckRequest, 'product' | 'candidates' | 'top' | 'barcode' | 'galleryPreparing'>;

/**
 * Reads the gallery's references afresh (from IndexedDB). The client keeps the source rather than
 * the batch, whose buffers are moved to the worker: a worker restarted after a crash gets a new one.
 */
export type ReferenceSource = () => Promise<ReferenceBatch>;

export interface ReferencesSent extends ReferencesInstalled {
  /** Vector bytes moved to the worker. */
  bytes: number;
  /** From reading the source to the worker's answer. */
  ms: number;
}


interface Connection {
  worker: Worker;
  api: Comlink.Remote<InferenceWorkerApi>;
  /** Settles (never rejects) when the worker dies; every call races against it. */
  died: Promise<Outcome<never>>;
  ready: Promise<Outcome<EngineInfo>> | null;
}

export class InferenceClient {
  #connection: Connection | null = null;
  #config: EngineConfig | null = null;
  #referenceSource: ReferenceSource | null = null;
  #nextId = 1;

  constructor(private readonly spawn: () => Worker = defaultWorker) {}

  /** Loads the models (again, when called a second time: a new manifest is picked up). */
  init(config: EngineConfig): Promise<Outcome<EngineInfo>> {
    this.#config = config;
    const connection = this.#connect();
    connection.ready = this.#call(connection, (api) => api.init(config));
    return connection.ready;
  }

  async check(frame: Frame, options: CheckOptions = {}, signal?: AbortSignal): Promise<Outcome<CheckReply>> {
    if (signal?.aborted) return CANCELLED;
    const ready = await this.#ready();
    if (!ready.ok) return ready;
    const connection = ready.value;
    if (signal?.aborted) return CANCELLED;

    const id = this.#nextId++;
    const request: CheckRequest = { id, image: frame.image, depth: frame.depth, ...options };
    const transfer = frame.image instanceof ImageBitmap ? [frame.image] : [];
    const cancelled = new Promise<Outcome<never>>((resolve) => {
      signal?.addEventListener(
        'abort',
        () => {
          void connection.api.cancel(id);
          resolve(CANCELLED);
        },
        { once: true },
      );
    });
    const reply = await Promise.race([this.#call(connection, (api) => api.check(Comlink.transfer(request, transfer))), cancelled]);
    if (signal?.aborted && reply.ok) {
      reply.value.preview.close();
      return CANCELLED;
    }
    return reply;
  }

  async setReferences(source: ReferenceSource): Promise<Outcome<ReferencesSent>> {
    this.#referenceSource = source;
    return this.#sendReferences(this.#connect(), source);
  }

  async #sendReferences(connection: Connection, source: ReferenceSource): Promise<Outcome<ReferencesSent>> {
    const started = performance.now();
    let batch: ReferenceBatch;
    try {
      batch = await source();
    } catch (error) {
      return failure('references-refused', 'The gallery could not be read for the checker.', String(error));
    }
    const bytes = batchBytes(batch);
    const sent = await this.#call(connection, (api) => api.setReferences(Comlink.transfer(batch, batchTransferables(batch))));
    return sent.ok ? { ok: true, value: { ...sent.value, bytes, ms: performance.now() - started } } : sent;
  }

  /** Vectors of one photo for the gallery; waits for the models like a check does. */
  async embed(image: Blob): Promise<Outcome<ImageEmbedding>> {
    const ready = await this.#ready();
    if (!ready.ok) return ready;
    return this.#call(ready.value, (api) => api.embed(image));
  }

  /**
   * Thresholds and severity policy for the next check, without reloading the models. Remembered
   * for a worker started afresh after a crash; a worker not started yet gets them with init.
   */
  async setDecision(decision: DecisionConfig | undefined): Promise<Outcome<true>> {
    if (this.#config) this.#config = { ...this.#config, decision };
    if (!this.#connection) return { ok: true, value: true };
    return this.#call(this.#connection, (api) => api.setDecision(decision));
  }

  /**
   * The live worker with its models loaded. A worker started afresh after a crash has neither
   * models nor gallery: both are loaded again before it is used.
   */
  async #ready(): Promise<Outcome<Connection>> {
    const config = this.#config;
    if (!config) return failure('not-ready', 'The checker is still starting. Try again in a moment.');
    const connection = this.#connect();
    connection.ready ??= this.#call(connection, async (api) => {
      const ready = await api.init(config);
      const source = this.#referenceSource;
      if (ready.ok && source) await this.#sendReferences(connection, source);
      return ready;
    });
    const ready = await connection.ready;
    return ready.ok ? { ok: true, value: connection } : ready;
  }

  terminate(): void {
    this.#connection?.worker.terminate();
    this.#connection = null;
  }

  #connect(): Connection {
    if (this.#connection) return this.#connection;
    const worker = this.spawn();
    const died = new Promise<Outcome<never>>((resolve) => {
      const onError = (event: ErrorEvent | MessageEvent) => {
        if (this.#connection?.worker === worker) this.#connection = null;
        worker.terminate();
        const detail = event instanceof ErrorEvent ? event.message : 'message could not be read';
        resolve(failure('worker-crashed', 'The checker stopped unexpectedly and has been restarted. Try again.', detail));
      };
      worker.addEventListener('error', onError, { once: true });
      worker.addEventListener('messageerror', onError, { once: true });
    });
    this.#connection = { worker, api: Comlink.wrap<InferenceWorkerApi>(worker), died, ready: null };
    return this.#connection;
  }

  async #call<T>(connection: Connection, run: (api: Comlink.Remote<InferenceWorkerApi>) => Promise<Outcome<T>>): Promise<Outcome<T>> {
    try {
      return await Promise.race([run(connection.api), connection.died]);
    } catch (error) {
      return failure('inference-failed', 'Something went wrong while checking. Try again.', String(error));
    }
  }
}

function defaultWorker(): Worker {
  return new Worker(new URL('./inference.worker.ts', import.meta.url), { type: 'module', name: 'inference' });
}
