// The inference engine as the UI sees it: starting, ready (with what it loaded and on which
// execution provider) or failed, plus the last few check timings for the Diagnostics screen.
import type { CheckTimings } from '../core/check-result.ts';
import type { InferenceClient } from '../worker/client.ts';
import type { EngineConfig, EngineError, EngineInfo } from '../worker/messages.ts';
import { savedDecisionConfig } from './saved-decision.ts';

export interface TimingRecord {
  /** Epoch milliseconds. */
  at: number;
  label: string;
  decodeMs: number;
  timings: CheckTimings;
}

const TIMINGS_KEPT = 10;

export class EngineState {
  status = $state<'starting' | 'ready' | 'failed'>('starting');
  info = $state<EngineInfo | null>(null);
  error = $state<EngineError | null>(null);
  timings = $state<TimingRecord[]>([]);
  startupMs = $state<number | null>(null);

  constructor(
    readonly client: InferenceClient,
    private readonly config: EngineConfig,
  ) {}

  get threads(): number {
    return this.config.numThreads;
  }

  /** Loads (or reloads, picking up a new manifest) the models; a failed reload keeps the old ones. */
  async start(): Promise<void> {
    const started = performance.now();
    if (this.status !== 'ready') this.status = 'starting';
    const outcome = await this.client.init({ ...this.config, decision: await savedDecisionConfig() });
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

  record(label: string, decodeMs: number, timings: CheckTimings): void {
    this.timings = [{ at: Date.now(), label, decodeMs, timings }, ...this.timings].slice(0, TIMINGS_KEPT);
  }
}
