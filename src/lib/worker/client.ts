// The UI thread's handle on the inference worker. Calls never throw and never hang: a cancelled
// check answers at once (the worker drops it at its next stage), and a worker that dies answers
// every pending call with "worker-crashed" and is started afresh, re-initialised, on the next call.
import * as Comlink from 'comlink';
import type { Frame } from '../capture/frame.ts';
import { CANCELLED, failure, type CheckReply, type CheckRequest, type EngineConfig, type EngineInfo, type InferenceWorkerApi, type Outcome } from './messages.ts';
import type { ImageEmbedding, ReferenceEmbedding } from '../pipeline/api.ts';

export type CheckOptions = Pick<CheckRequest, 'product' | 'candidates' | 'top'>;


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
  #references: ReferenceEmbedding[] | null = null;
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

  async setReferences(references: ReferenceEmbedding[]): Promise<Outcome<number>> {
    this.#references = references;
    return this.#call(this.#connect(), (api) => api.setReferences(references));
  }

  /** Vectors of one photo for the gallery; waits for the models like a check does. */
  async embed(image: Blob): Promise<Outcome<ImageEmbedding>> {
    const ready = await this.#ready();
    if (!ready.ok) return ready;
    return this.#call(ready.value, (api) => api.embed(image));
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
      const references = this.#references;
      if (references) await api.setReferences(references);
      return api.init(config);
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
