// The Calibrate screen's state: labelled data (imported files, or this device's feedback), the
// decision model fitted to it for the chosen target, and saving that model for the device. A fit
// is only ever proposed; nothing changes on the device until the manager presses Save. Fitting
// runs in the calibration worker (see ../worker/calibration-client.ts), one fit at a time.
import { feedbackToLabelledChecks, recalibrationReadiness, type FeedbackRecord } from '../core/decision/feedback.ts';
import { DEFAULT_TARGET_FPR, type FitProgress, type LabelledCheck } from '../core/decision/fit.ts';
import { parseDecisionModel, serializeDecisionModel, type DecisionModel } from '../core/decision/model.ts';
import type { ThresholdMode } from '../core/decision/threshold.ts';
import type { FitOutcome } from '../worker/calibration-fitter.ts';
import type { Fitter } from '../worker/calibration-client.ts';
import { saveThresholds, type FeedbackDatabase } from './feedback-store.ts';

export type LabelledData = { files: { scores: string; labels: string } } | { checks: LabelledCheck[] };

export const TARGET_CHOICES = [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05];

type Kind = 'scores' | 'labels' | 'thresholds';
function kindOf(name: string): Kind | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'scores';
  if (lower.endsWith('.csv')) return 'labels';
  if (lower.endsWith('.json')) return 'thresholds';
  return null;
}

export class CalibrationState {
  /** The fit running now, for the progress bar; null when none. */
  fitting = $state.raw<FitProgress | null>(null);
  /**
   * The labelled data the model is fitted to, kept to refit for another target: the files' text
   * (parsed in the worker), or this device's feedback. Null when a thresholds file came on its own.
   */
  data = $state.raw<LabelledData | null>(null);
  model = $state.raw<DecisionModel | null>(null);
  /** Where the shown model came from, in words. */
  sourceName = $state('');
  targetFpr = $state(DEFAULT_TARGET_FPR);
  mode = $state<ThresholdMode>('estimate');
  error = $state<string | null>(null);
  /** Something to know that is not a problem (a fit cancelled). */
  notice = $state<string | null>(null);
  /** The last save, for the "saved" notice; cleared when the model changes. */
  savedAt = $state<string | null>(null);
  /** Why the running checker did not take the last save (null: it did, the next check uses it). */
  applied = $state<string | null>(null);

  /** Changing the target needs the labelled data, not just a thresholds file. */
  canRetarget = $derived(this.data !== null);

  /** Counts fits started, so only the newest one's answer is shown. */
  #fits = 0;
  /** The fit whose progress is shown; null once it has answered. */
  #running: number | null = null;

  constructor(private readonly fitter: Fitter) {}

  async importFiles(files: readonly File[]): Promise<void> {
    this.error = null;
    const byKind: Partial<Record<Kind, File>> = {};
    for (const f of files) {
      const kind = kindOf(f.name);
      if (!kind) {
        this.error = `${f.name}: choose inspect results (.jsonl), labels (.csv) or a thresholds file (.json)`;
        return;
      }
      byKind[kind] = f;
    }
    const { thresholds, scores, labels } = byKind;
    if (thresholds && !scores && !labels) {
      // A file shown now must not be replaced by a fit that was still running.
      this.#fits++;
      this.#running = null;
      this.fitting = null;
      this.fitter.cancel();
      try {
        const model = parseDecisionModel(JSON.parse(await thresholds.text()));
        this.#show(null, model, thresholds.name);
        this.targetFpr = model.targetFpr;
        this.mode = model.mode;
      } catch (e) {
        this.error = e instanceof SyntaxError ? `not valid JSON: ${e.message}` : (e as Error).message;
      }
      return;
    }
    if (!scores || !labels) {
      this.error = 'choose both the inspect results (.jsonl) and their labels (.csv), or one thresholds file (.json)';
      return;
    }
    const sourceName = `${scores.name} with labels ${labels.name}`;
    const texts = { scores: await scores.text(), labels: await labels.text() };
    await this.#refit({ files: texts }, sourceName);
  }

  /** Shows a model already in use (saved on the device, or shipped) with the evidence it carries. */
  show(model: DecisionModel, name: string): void {
    this.error = null;
    this.#show(null, model, name);
    this.targetFpr = model.targetFpr;
    this.mode = model.mode;
  }

  /** Proposes a model fitted to this device's feedback, when there is enough of it. */
  async useFeedback(records: readonly FeedbackRecord[]): Promise<void> {
    this.error = null;
    const readiness = recalibrationReadiness(records);
    if (!readiness.ready) {
      this.error = readiness.message;
      return;
    }
    await this.#refit({ checks: feedbackToLabelledChecks(records) }, `feedback confirmed on this device (${readiness.good} good, ${readiness.damaged} damaged)`);
  }

  async setTarget(targetFpr: number, mode: ThresholdMode = this.mode): Promise<void> {
    this.targetFpr = targetFpr;
    this.mode = mode;
    if (this.data) await this.#refit(this.data, this.sourceName);
  }

  /** Stops the fit running now; what was shown before it stays. */
  cancel(): void {
    this.fitter.cancel();
  }

  /**
   * Stores the shown model for this device, then hands it to the running checker with `apply`
   * (which answers why not, or null). The notice says which happened, only once both are done.
   */
  async save(db: FeedbackDatabase, apply: () => Promise<string | null>): Promise<void> {
    if (!this.model) return;
    this.error = null;
    this.savedAt = null;
    try {
      await saveThresholds(db, this.model);
    } catch (e) {
      this.error = `could not save on this device: ${String(e)}`;
      return;
    }
    this.applied = await apply();
    this.savedAt = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' }).format(Date.now());
  }

  /** The thresholds file's text, for download. */
  fileText(): string | null {
    return this.model ? serializeDecisionModel(this.model) : null;
  }

  async #refit(data: LabelledData, sourceName: string): Promise<void> {
    this.error = null;
    const settings = this.#settings(sourceName);
    const progress = this.#progress();
    const model =
      'files' in data
        ? (await this.#track(this.fitter.fitFiles(data.files, settings, progress)))?.model
        : await this.#track(this.fitter.fitChecks(data.checks, settings, progress));
    if (model) this.#show(data, model, sourceName);
  }

  #settings(description: string) {
    return { targetFpr: this.targetFpr, mode: this.mode, description };
  }

  #progress() {
    const fit = ++this.#fits;
    this.#running = fit;
    this.notice = null;
    this.fitting = { step: 0, steps: 1, stage: 'starting' };
    // A report can still arrive after its fit was cancelled (it was on its way): it must not
    // bring the progress bar back.
    return (progress: FitProgress) => {
      if (fit === this.#running) this.fitting = progress;
    };
  }

  /** The fit's value, or null with the reason shown; a fit overtaken by a newer one shows nothing. */
  async #track<T>(running: Promise<FitOutcome<T>>): Promise<T | null> {
    const fit = this.#fits;
    const outcome = await running;
    if (fit !== this.#fits) return null;
    this.#running = null;
    this.fitting = null;
    if (outcome.ok) return outcome.value;
    if (outcome.cancelled) this.notice = this.model ? 'Fitting cancelled; the figures shown are from before.' : 'Fitting cancelled.';
    else this.error = outcome.error;
    return null;
  }

  #show(data: LabelledData | null, model: DecisionModel, sourceName: string): void {
    this.data = data;
    this.model = model;
    this.sourceName = sourceName;
    this.savedAt = null;
  }
}
