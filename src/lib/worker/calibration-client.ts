// The UI thread's handle on the calibration worker. One fit at a time, newest wins: a new fit or
// cancel() stops the one running by ending its worker (a fit has no pause points to check a flag
// at, and ending it frees the CPU at once). A worker left idle is ended too; the next fit starts one.
import * as Comlink from 'comlink';
import type { LabelledCheck } from '../core/decision/fit.ts';
import type { FeedbackWithPhoto, FeedbackZip } from '../core/decision/coco-zip.ts';
import type { DecisionModel } from '../core/decision/model.ts';
import type { CalibrationFitterApi, FitOutcome, FitSettings, FittedFiles, ProgressListener } from './calibration-fitter.ts';

export const FIT_CANCELLED: FitOutcome<never> = { ok: false, error: 'Fitting cancelled.', cancelled: true };

/** What the Calibrate screen needs; the worker in the app, the fitter itself in unit tests. */
export interface Fitter {
  fitFiles(files: { scores: string; labels: string }, settings: FitSettings, onProgress?: ProgressListener): Promise<FitOutcome<FittedFiles>>;
  fitChecks(checks: LabelledCheck[], settings: FitSettings, onProgress?: ProgressListener): Promise<FitOutcome<DecisionModel>>;
  cancel(): void;
}

/** Long enough to keep the worker for a quick change of target, short enough not to hold memory. */
const IDLE_MS = 30_000;

interface Running {
  worker: Worker;
  api: Comlink.Remote<CalibrationFitterApi>;
  /** Settles when the fit is cancelled or the worker dies, whichever comes first. */
  stopped: Promise<FitOutcome<never>>;
  stop: (outcome: FitOutcome<never>) => void;
}

export class CalibrationClient implements Fitter {
  #current: Running | null = null;
  #busy = false;
  #idleTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly spawn: () => Worker = defaultWorker) {}

  fitFiles(files: { scores: string; labels: string }, settings: FitSettings, onProgress?: ProgressListener): Promise<FitOutcome<FittedFiles>> {
    return this.#run((api, progress) => api.fitFiles(files, settings, progress), onProgress);
  }

  fitChecks(checks: LabelledCheck[], settings: FitSettings, onProgress?: ProgressListener): Promise<FitOutcome<DecisionModel>> {
    return this.#run((api, progress) => api.fitChecks(checks, settings, progress), onProgress);
  }

  /**
   * Packs the feedback export in a worker of its own (a fit running meanwhile is left alone); the
   * photos' buffers are moved there, so `items` must not be used afterwards.
   */
  async zipFeedback(items: FeedbackWithPhoto[]): Promise<FitOutcome<FeedbackZip>> {
    const worker = this.spawn();
    const api = Comlink.wrap<CalibrationFitterApi>(worker);
    const died = new Promise<FitOutcome<never>>((resolve) =>
      worker.addEventListener('error', (event) => resolve({ ok: false, error: `the export stopped unexpectedly (${event.message})` }), { once: true }),
    );
    try {
      const buffers = items.flatMap((item) => (item.photo ? [item.photo.buffer as ArrayBuffer] : []));
      return await Promise.race([api.zipFeedback(Comlink.transfer(items, buffers)), died]);
    } catch (error) {
      return { ok: false, error: `the export could not be made: ${String(error)}` };
    } finally {
      api[Comlink.releaseProxy]();
      worker.terminate();
    }
  }

  cancel(): void {
    if (!this.#busy || !this.#current) return;
    this.#end(FIT_CANCELLED);
  }

  /** Ends the worker (the screen is closing); a fit still running answers "cancelled". */
  terminate(): void {
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    this.#end(FIT_CANCELLED);
  }

  async #run<T>(call: (api: Comlink.Remote<CalibrationFitterApi>, progress?: ProgressListener) => Promise<FitOutcome<T>>, onProgress?: ProgressListener): Promise<FitOutcome<T>> {
    this.cancel();
    if (this.#idleTimer) clearTimeout(this.#idleTimer);
    const running = this.#connect();
    this.#busy = true;
    try {
      return await Promise.race([call(running.api, onProgress ? Comlink.proxy(onProgress) : undefined), running.stopped]);
    } catch (error) {
      return { ok: false, error: `the fit failed unexpectedly: ${String(error)}` };
    } finally {
      if (this.#current === running) {
        this.#busy = false;
        this.#idleTimer = setTimeout(() => this.#end(null), IDLE_MS);
      }
    }
  }

  /** Ends the worker; a fit still running answers with `outcome`. */
  #end(outcome: FitOutcome<never> | null): void {
    const running = this.#current;
    if (!running) return;
    this.#current = null;
    this.#busy = false;
    running.api[Comlink.releaseProxy]();
    running.worker.terminate();
    if (outcome) running.stop(outcome);
  }

  #connect(): Running {
    if (this.#current) return this.#current;
    const worker = this.spawn();
    let stop!: (outcome: FitOutcome<never>) => void;
    const stopped = new Promise<FitOutcome<never>>((resolve) => (stop = resolve));
    const onError = (event: ErrorEvent | MessageEvent) => {
      const detail = event instanceof ErrorEvent ? event.message : 'a message could not be read';
      if (this.#current?.worker === worker) this.#end({ ok: false, error: `the fitting worker stopped unexpectedly (${detail}); try again` });
    };
    worker.addEventListener('error', onError);
    worker.addEventListener('messageerror', onError);
    this.#current = { worker, api: Comlink.wrap<CalibrationFitterApi>(worker), stopped, stop };
    return this.#current;
  }
}

function defaultWorker(): Worker {
  return new Worker(new URL('./calibration.worker.ts', import.meta.url), { type: 'module', name: 'calibration' });
}
