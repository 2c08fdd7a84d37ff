// One ONNX session: created from verified bytes on the first execution provider that works,
// warmed up, and run strictly one inference at a time (onnxruntime-web sessions are not
// re-entrant, and WebGPU queues interleaved runs badly).
import { ort } from './ort-env.ts';

export type ProviderName = 'webgpu' | 'wasm';

interface ProviderInfo {
  /** Cheap feature test; a provider that passes may still fail to create a session. */
  present: () => boolean;
}

// Preference order is the caller's; this table only says what each provider needs.
const PROVIDERS: Record<ProviderName, ProviderInfo> = {
  webgpu: { present: () => typeof navigator !== 'undefined' && 'gpu' in navigator && !!(navigator as { gpu?: unknown }).gpu },
  wasm: { present: () => typeof WebAssembly === 'object' },
};

export interface TensorData {
  data: Float32Array;
  dims: readonly number[];
}

export interface ProviderAttempt {
  provider: ProviderName;
  error: string;
}

export class AbortedError extends Error {
  constructor() {
    super('the check was cancelled');
    this.name = 'AbortError';
  }
}

export class ModelSession {
  readonly provider: ProviderName;
  /** Providers tried before the one that worked, and why they failed. */
  readonly fallbacks: ProviderAttempt[];
  readonly inputName: string;
  readonly outputNames: readonly string[];
  warmupMs = 0;
  lastRunMs = 0;
  private tail: Promise<unknown> = Promise.resolve();
  private released = false;

  private constructor(private readonly session: ort.InferenceSession, provider: ProviderName, fallbacks: ProviderAttempt[]) {
    this.provider = provider;
    this.fallbacks = fallbacks;
    this.inputName = session.inputNames[0];
    this.outputNames = session.outputNames;
  }

  /**
   * Tries each provider on its own, in order, so the provider reported is the one that
   * actually created the session, not merely the first one asked for. With `warmUpDims`, a
   * provider must also complete a first run: WebGPU can create a session and then fail on
   * its first dispatch (an unsupported quantised kernel, a lost device), and that must fall
   * back to WASM rather than fail the check.
   */
  static async create(bytes: Uint8Array, providers: ProviderName[] = ['webgpu', 'wasm'], warmUpDims?: readonly number[]): Promise<ModelSession> {
    const fallbacks: ProviderAttempt[] = [];
    for (const provider of providers) {
      if (!PROVIDERS[provider]?.present()) {
        fallbacks.push({ provider, error: 'not available here' });
        continue;
      }
      let created: ModelSession | null = null;
      try {
        const session = await ort.InferenceSession.create(bytes, {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
        });
        created = new ModelSession(session, provider, [...fallbacks]);
        if (warmUpDims) await created.warmUp(warmUpDims);
        return created;
      } catch (e) {
        fallbacks.push({ provider, error: e instanceof Error ? e.message : String(e) });
        await created?.release().catch(() => undefined);
      }
    }
    throw new Error(`no execution provider could run the model: ${fallbacks.map((f) => `${f.provider}: ${f.error}`).join('; ')}`);
  }

  /** Runs once on a zero input of the given shape; the first run compiles kernels / shaders. */
  async warmUp(dims: readonly number[]): Promise<number> {
    const size = dims.reduce((a, b) => a * b, 1);
    const t0 = performance.now();
    await this.run(new Float32Array(size), dims);
    this.warmupMs = performance.now() - t0;
    return this.warmupMs;
  }

  /**
   * Queues one inference behind any in progress. A signal aborted while waiting cancels the
   * run before it starts (a run in progress cannot be interrupted by onnxruntime).
   */
  run(input: Float32Array, dims: readonly number[], signal?: AbortSignal): Promise<Record<string, TensorData>> {
    const job = this.tail.then(async () => {
      if (signal?.aborted) throw new AbortedError();
      if (this.released) throw new Error('the model session was released');
      const t0 = performance.now();
      const feeds = { [this.inputName]: new ort.Tensor('float32', input, dims) };
      const out = await this.session.run(feeds);
      const result: Record<string, TensorData> = {};
      for (const name of this.outputNames) {
        const t = out[name];
        // Downloads GPU-resident outputs; a no-op copy for WASM.
        const data = (await t.getData()) as Float32Array;
        result[name] = { data: data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>), dims: t.dims };
        t.dispose();
      }
      this.lastRunMs = performance.now() - t0;
      return result;
    });
    // The queue continues after a failed run; the failure belongs to its caller only.
    this.tail = job.catch(() => undefined);
    return job;
  }

  async release(): Promise<void> {
    this.released = true;
    await this.tail;
    await this.session.release();
  }
}
