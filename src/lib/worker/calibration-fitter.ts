// The Calibrate screen's heavy jobs: reading the labelled files and fitting (both from core), and
// packing the feedback export. It runs inside calibration.worker.ts (100 000 items take seconds)
// and, in unit tests, in-process; either way failures come back as a message, not a throw.
import { feedbackZip, type FeedbackWithPhoto, type FeedbackZip } from '../core/decision/coco-zip.ts';
import { CalibrationInputError, DecisionConfigError } from '../core/decision/errors.ts';
import { fitDecisionModel, type FitProgress, type LabelledCheck } from '../core/decision/fit.ts';
import { joinScoresAndLabels, parseLabelsCsv, parseScoreLines } from '../core/decision/labelled-data.ts';
import type { DecisionModel } from '../core/decision/model.ts';
import type { ThresholdMode } from '../core/decision/threshold.ts';

export interface FitSettings {
  targetFpr: number;
  mode: ThresholdMode;
  /** Where the data came from, in words, stored in the thresholds file. */
  description: string;
}

export type FitOutcome<T> = { ok: true; value: T } | { ok: false; error: string; cancelled?: true };

export type ProgressListener = (progress: FitProgress) => void;

export interface FittedFiles {
  model: DecisionModel;
  /** Frames the quality check rejected: they say nothing about the threshold. */
  skippedRetakes: number;
}

export interface CalibrationFitterApi {
  /**
   * Reads `intact inspect` output and its labels CSV, then fits. The labelled checks stay on this
   * side: 100 000 of them take the UI thread over a second to receive. A refit for another target
   * sends the same texts again, which costs a copy, not another parse.
   */
  fitFiles(files: { scores: string; labels: string }, settings: FitSettings, onProgress?: ProgressListener): Promise<FitOutcome<FittedFiles>>;
  /** Refits labelled checks already read (a new target, or this device's feedback). */
  fitChecks(checks: LabelledCheck[], settings: FitSettings, onProgress?: ProgressListener): Promise<FitOutcome<DecisionModel>>;
  /** The feedback export (COCO JSON and photos in one zip): hundreds of photos take a while to pack. */
  zipFeedback(items: FeedbackWithPhoto[]): Promise<FitOutcome<FeedbackZip>>;
}

/** Below this, a threshold is a guess: say so instead of drawing curves through a handful of points. */
export const MIN_GOOD = 10;
export const MIN_DAMAGED = 5;

/** The message of an error meant for the user; anything else is a bug and keeps its name. */
export function fitErrorMessage(e: unknown): string {
  if (e instanceof CalibrationInputError || e instanceof DecisionConfigError || e instanceof RangeError) return e.message;
  return `unexpected error: ${String(e)}`;
}

function tooLittleData(checks: readonly LabelledCheck[]): string | null {
  const damaged = checks.filter((c) => c.damaged).length;
  const good = checks.length - damaged;
  // One class missing entirely has its own, clearer message from the fit.
  if (good === 0 || damaged === 0) return null;
  if (good >= MIN_GOOD && damaged >= MIN_DAMAGED) return null;
  return `too little labelled data: ${good} good and ${damaged} damaged items; a threshold needs at least ${MIN_GOOD} good and ${MIN_DAMAGED} damaged`;
}

function fit(checks: LabelledCheck[], settings: FitSettings, onProgress?: ProgressListener): DecisionModel {
  const little = tooLittleData(checks);
  if (little) throw new CalibrationInputError(little);
  return fitDecisionModel(checks, { ...settings, onProgress });
}

export function createCalibrationFitter(): CalibrationFitterApi {
  let parsed: { scores: string; labels: string; checks: LabelledCheck[]; skippedRetakes: number } | null = null;
  const read = (files: { scores: string; labels: string }) => {
    if (parsed?.scores !== files.scores || parsed.labels !== files.labels) {
      parsed = { ...files, ...joinScoresAndLabels(parseScoreLines(files.scores), parseLabelsCsv(files.labels)) };
    }
    return parsed;
  };
  return {
    async fitFiles(files, settings, onProgress) {
      try {
        onProgress?.({ step: 0, steps: 1, stage: 'reading the files' });
        const { checks, skippedRetakes } = read(files);
        return { ok: true, value: { model: fit(checks, settings, onProgress), skippedRetakes } };
      } catch (e) {
        return { ok: false, error: fitErrorMessage(e) };
      }
    },

    async fitChecks(checks, settings, onProgress) {
      try {
        return { ok: true, value: fit(checks, settings, onProgress) };
      } catch (e) {
        return { ok: false, error: fitErrorMessage(e) };
      }
    },

    async zipFeedback(items) {
      try {
        return { ok: true, value: feedbackZip(items) };
      } catch (e) {
        return { ok: false, error: `the export could not be made: ${String(e)}` };
      }
    },
  };
}
