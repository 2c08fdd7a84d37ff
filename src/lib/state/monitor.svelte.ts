// This device's recent verdicts and how their sideline rate compares with what the manager
// expects. Verdicts are kept in the feedback database so the picture survives a reload.
import { DEFAULT_DRIFT_OPTIONS, checkDriftOptions, driftReport, type DriftOptions } from '../core/decision/drift.ts';
import type { Verdict } from '../core/types.ts';
import { loadMonitorOptions, recentVerdicts, recordVerdict, saveMonitorOptions, type FeedbackDatabase } from './feedback-store.ts';

export class MonitorState {
  verdicts = $state.raw<Verdict[]>([]);
  options = $state.raw<DriftOptions>(DEFAULT_DRIFT_OPTIONS);
  /** Why the monitor is not storing (e.g. no IndexedDB); it still works for this session. */
  problem = $state<string | null>(null);

  report = $derived(driftReport(this.verdicts, this.options));

  #db: FeedbackDatabase | null = null;

  async attach(db: FeedbackDatabase): Promise<void> {
    this.#db = db;
    this.options = (await loadMonitorOptions(db)) ?? DEFAULT_DRIFT_OPTIONS;
    // Enough history for the window even when many of the recent checks were retakes.
    const stored = await recentVerdicts(db, this.options.window * 2);
    this.verdicts = [...stored.map((v) => v.verdict), ...this.verdicts];
  }

  async record(verdict: Verdict, score: number): Promise<void> {
    this.verdicts = [...this.verdicts.slice(-(this.options.window * 2 - 1)), verdict];
    if (!this.#db) return;
    try {
      await recordVerdict(this.#db, { at: Date.now(), verdict, score });
    } catch (e) {
      this.problem = `recent verdicts are not being stored: ${String(e)}`;
    }
  }

  /** Throws RangeError on nonsense (shown by the caller), stores the rest. */
  async setOptions(options: DriftOptions): Promise<void> {
    checkDriftOptions(options);
    this.options = options;
    if (this.#db) await saveMonitorOptions(this.#db, options);
  }
}
