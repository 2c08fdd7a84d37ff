// The Calibrate screen's state: labelled data (imported files, or this device's feedback), the
// decision model fitted to it for the chosen target, and saving that model for the device. A fit
// is only ever proposed; nothing changes on the device until the manager presses Save.
import { CalibrationInputError, DecisionConfigError } from '../core/decision/errors.ts';
import { feedbackToLabelledChecks, recalibrationReadiness, type FeedbackRecord } from '../core/decision/feedback.ts';
import { DEFAULT_TARGET_FPR, fitDecisionModel, type LabelledCheck } from '../core/decision/fit.ts';
import { joinScoresAndLabels, parseLabelsCsv, parseScoreLines } from '../core/decision/labelled-data.ts';
import { parseDecisionModel, serializeDecisionModel, type DecisionModel } from '../core/decision/model.ts';
import type { ThresholdMode } from '../core/decision/threshold.ts';
import { saveThresholds, type FeedbackDatabase } from './feedback-store.ts';

export const TARGET_CHOICES = [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05];

type Kind = 'scores' | 'labels' | 'thresholds';
function kindOf(name: string): Kind | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'scores';
  if (lower.endsWith('.csv')) return 'labels';
  if (lower.endsWith('.json')) return 'thresholds';
  return null;
}

/** The message of an error meant for the user; anything else is a bug and keeps its name. */
const userMessage = (e: unknown): string =>
  e instanceof CalibrationInputError || e instanceof DecisionConfigError || e instanceof RangeError ? e.message : `unexpected error: ${String(e)}`;

export class CalibrationState {
  /** Labelled checks the model is fitted to; null when a thresholds file was imported on its own. */
  checks = $state.raw<LabelledCheck[] | null>(null);
  model = $state.raw<DecisionModel | null>(null);
  /** Where the shown model came from, in words. */
  sourceName = $state('');
  targetFpr = $state(DEFAULT_TARGET_FPR);
  mode = $state<ThresholdMode>('estimate');
  error = $state<string | null>(null);
  /** The last save, for the "saved" notice; cleared when the model changes. */
  savedAt = $state<string | null>(null);
  /** Why the running checker did not take the last save (null: it did, the next check uses it). */
  applied = $state<string | null>(null);

  /** Changing the target needs the labelled data, not just a thresholds file. */
  canRetarget = $derived(this.checks !== null);

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
    try {
      const { thresholds, scores, labels } = byKind;
      if (thresholds && !scores && !labels) {
        const model = parseDecisionModel(JSON.parse(await thresholds.text()));
        this.#show(null, model, thresholds.name);
        this.targetFpr = model.targetFpr;
        this.mode = model.mode;
        return;
      }
      if (!scores || !labels) {
        this.error = 'choose both the inspect results (.jsonl) and their labels (.csv), or one thresholds file (.json)';
        return;
      }
      const joined = joinScoresAndLabels(parseScoreLines(await scores.text()), parseLabelsCsv(await labels.text()));
      this.#fit(joined.checks, `${scores.name} with labels ${labels.name}`);
    } catch (e) {
      this.error = e instanceof SyntaxError ? `not valid JSON: ${e.message}` : userMessage(e);
    }
  }

  /** Shows a model already in use (saved on the device, or shipped) with the evidence it carries. */
  show(model: DecisionModel, name: string): void {
    this.error = null;
    this.#show(null, model, name);
    this.targetFpr = model.targetFpr;
    this.mode = model.mode;
  }

  /** Proposes a model fitted to this device's feedback, when there is enough of it. */
  useFeedback(records: readonly FeedbackRecord[]): void {
    this.error = null;
    const readiness = recalibrationReadiness(records);
    if (!readiness.ready) {
      this.error = readiness.message;
      return;
    }
    this.#fit(feedbackToLabelledChecks(records), `feedback confirmed on this device (${readiness.good} good, ${readiness.damaged} damaged)`);
  }

  setTarget(targetFpr: number, mode: ThresholdMode = this.mode): void {
    this.targetFpr = targetFpr;
    this.mode = mode;
    if (this.checks) this.#fit(this.checks, this.sourceName);
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

  #fit(checks: LabelledCheck[], sourceName: string): void {
    try {
      const model = fitDecisionModel(checks, { targetFpr: this.targetFpr, mode: this.mode, description: sourceName });
      this.#show(checks, model, sourceName);
    } catch (e) {
      this.error = userMessage(e);
    }
  }

  #show(checks: LabelledCheck[] | null, model: DecisionModel, sourceName: string): void {
    this.checks = checks;
    this.model = model;
    this.sourceName = sourceName;
    this.savedAt = null;
  }
}
