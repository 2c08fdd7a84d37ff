// The inference engine as the UI sees it: starting, ready (with what it loaded and on which
// execution provider) or failed, plus the last few check timings for the Diagnostics screen.
import type { CheckTimings } from '../core/check-result.ts';
import type { InferenceClient } from '../worker/client.ts';
import type { EngineConfig, EngineError, EngineInfo } from '../worker/messages.ts';
import type { GpuReport } from './engine-config.ts';
import { savedDecisionConfig } from './saved-decision.ts';

export interface TimingRecord {
  /** Epoch milliseconds. */
  at: number;
  label: string;
  decodeMs: number;
  /** Reading the photo for a barcode in the worker; null when it was not read. */
  barcodeMs: number | null;
  timings: CheckTimings;
}

const TIMINGS_KEPT = 10;

export class EngineState {
  status = $state<'starting' | 'ready' | 'failed'>('starting');
  // Raw: replaced whole, never edited in place, and handed on to structured clone (IndexedDB,
  // postMessage), which a deep $state proxy would fail.
  info = $state.raw<EngineInfo | null>(null);
  error = $state.raw<EngineError | null>(null);
  timings = $state.raw<TimingRecord[]>([]);
  startupMs = $state<number | null>(null);
  gpu = $state.raw<GpuReport | null>(null);
  #config: EngineConfig | null = null;

  constructor(
    readonly client: InferenceClient,
    private readonly detect: () => Promise<{ config: EngineConfig; gpu: GpuReport }>,
  ) {}

  get threads(): number | null {
    return this.#config?.numThreads ?? null;
  }

  /** Loads (or reloads, picking up a new manifest) the models; a failed reload keeps the old ones. */
  async start(): Promise<void> {
    const started = performance.now();
    if (this.status !== 'ready') this.status = 'starting';
    if (!this.#config) {
      const { config, gpu } = await this.detect();
      this.#config = config;
      this.gpu = gpu;
    }
    const outcome = await this.client.init({ ...this.#config, decision: await savedDecisionConfig() });
    this.startupMs = Math.round(performance.now() - started);
    if (outcome.ok) {
      this.info = outcome.value;
      this.error = null;
      this.status = 'ready';
    } else {
      this.error = outcome.error;
      if (this.status !== 'ready') this.status = 'failed';
    }
  }

  /**
   * Hands the decision settings saved on this device (Calibrate screen) to the checker, so the
   * next check uses them without a restart. Answers with a message when they did not arrive.
   */
  async applySavedDecision(): Promise<string | null> {
    const sent = this.client.setDecision(await savedDecisionConfig());
    // While the models load, the worker takes the settings right after them and before any check;
    // waiting for that here would only hold the "saved" notice back.
    if (this.status !== 'ready') return null;
    const outcome = await sent;
    return outcome.ok ? null : outcome.error.message;
  }

  record(label: string, decodeMs: number, timings: CheckTimings, barcodeMs: number | null = null): void {
    this.timings = [{ at: Date.now(), label, decodeMs, barcodeMs, timings }, ...this.timings].slice(0, TIMINGS_KEPT);
  }
}
