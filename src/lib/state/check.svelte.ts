// One check at a time, newest wins: starting a check cancels the one in flight, so a burst of
// taps never queues stale work. The verdict word is derived, never stored separately.
import type { CheckResult } from '../core/check-result.ts';
import type { Verdict } from '../core/types.ts';
import { CaptureError } from '../capture/capture-error.ts';
import type { FrameSource } from '../capture/frame.ts';
import type { CheckOptions } from '../worker/client.ts';
import { RETAKE_ERRORS, type EngineError } from '../worker/messages.ts';
import type { EngineState } from './engine.svelte.ts';

export const VERDICT_WORDS: Record<Verdict, string> = { pass: 'Pass', sideline: 'Sideline', retake: 'Retake' };

export class CheckState {
  phase = $state<'idle' | 'checking' | 'done' | 'failed'>('idle');
  result = $state.raw<CheckResult | null>(null);
  preview = $state.raw<ImageBitmap | null>(null);
  /** What was checked: a file name, "Camera", a sample title. */
  label = $state('');
  /** An input the associate must replace (not a photo, too small): shown as a Retake verdict. */
  retakeReason = $state<string | null>(null);
  /** A fault of the app, the device or the camera, not of the photo. */
  error = $state<{ message: string; detail?: string } | null>(null);
  /**
   * A code from a keyboard-wedge scanner, sent with the next check (so the verdict judges it
   * against the picture) and then forgotten: a stale scan must never be held against the next item.
   */
  scannedBarcode = $state<string | null>(null);

  verdict = $derived<Verdict | null>(this.retakeReason ? 'retake' : (this.result?.verdict ?? null));

  #controller: AbortController | null = null;

  constructor(private readonly engine: EngineState) {}

  async run(source: FrameSource, options: CheckOptions = {}): Promise<void> {
    this.#controller?.abort();
    const controller = new AbortController();
    this.#controller = controller;
    this.phase = 'checking';
    this.error = null;

    let frame;
    try {
      frame = await source.grab(controller.signal);
    } catch (error) {
      if (controller.signal.aborted) return;
      this.#controller = null;
      this.#showProblem({
        message: error instanceof CaptureError ? error.message : 'The picture could not be taken. Try again.',
        detail: String(error),
      });
      return;
    }
    const barcode = options.barcode ?? this.scannedBarcode ?? undefined;
    const outcome = await this.engine.client.check(frame, { ...options, ...(barcode ? { barcode } : {}) }, controller.signal);
    if (controller.signal.aborted) return;
    this.#controller = null;
    this.label = frame.label;
    if (!outcome.ok) {
      this.#fail(outcome.error);
      return;
    }
    const { result, preview, decodeMs, barcodeMs } = outcome.value;
    // A retake is the same item again, so its scan still applies.
    if (result.verdict !== 'retake' && this.scannedBarcode === barcode) this.scannedBarcode = null;
    this.#showPreview(preview);
    this.result = result;
    this.retakeReason = null;
    this.phase = 'done';
    this.engine.record(frame.label, decodeMs, result.timings, barcodeMs);
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
    if (this.phase === 'checking') this.phase = this.result || this.retakeReason ? 'done' : 'idle';
  }

  #fail(error: EngineError): void {
    if (RETAKE_ERRORS.has(error.code)) {
      this.result = null;
      this.#showPreview(null);
      this.retakeReason = error.message;
      this.phase = 'done';
    } else {
      this.#showProblem(error);
    }
  }

  /** A failed check shows no verdict at all: an older one next to the error would mislead. */
  #showProblem(problem: { message: string; detail?: string }): void {
    this.result = null;
    this.retakeReason = null;
    this.#showPreview(null);
    this.error = problem;
    this.phase = 'failed';
  }

  #showPreview(preview: ImageBitmap | null): void {
    const old = this.preview;
    this.preview = preview;
    old?.close();
  }
}
