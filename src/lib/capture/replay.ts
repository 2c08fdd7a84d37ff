import { CaptureError } from './capture-error.ts';
import type { DepthMap, Frame, FrameSource, FrameSourceKind } from './frame.ts';

// Plays back recorded frames in order, wrapping around: the bundled samples ("Try a sample"),
// recorded sessions for tests, and a simulated depth camera all look like a camera to the app.

export interface RecordedFrame {
  label: string;
  load: (signal?: AbortSignal) => Promise<Blob>;
  depth?: () => Promise<DepthMap>;
}

export class ReplaySource implements FrameSource {
  #next = 0;
  #closed = false;

  constructor(
    private readonly frames: readonly RecordedFrame[],
    readonly kind: FrameSourceKind = 'replay',
  ) {
    if (frames.length === 0) throw new RangeError('ReplaySource needs at least one frame');
  }

  /** Frames fetched from the app's own origin, e.g. the bundled samples. */
  static fromUrls(items: readonly { label: string; url: string }[], kind: FrameSourceKind = 'replay'): ReplaySource {
    return new ReplaySource(
      items.map(({ label, url }) => ({
        label,
        load: async (signal) => {
          const response = await fetch(url, { signal });
          if (!response.ok) throw new CaptureError('fetch-failed', `Could not load “${label}” (HTTP ${response.status}).`);
          return response.blob();
        },
      })),
      kind,
    );
  }

  get position(): number {
    return this.#next;
  }

  /** Makes the next grab() return frame `index` (wrapping). */
  seek(index: number): void {
    const n = this.frames.length;
    this.#next = ((index % n) + n) % n;
  }

  async grab(signal?: AbortSignal): Promise<Frame> {
    signal?.throwIfAborted();
    if (this.#closed) throw new CaptureError('closed', 'This recording has been closed.');
    const recorded = this.frames[this.#next];
    this.#next = (this.#next + 1) % this.frames.length;
    let image: Blob;
    try {
      image = await recorded.load(signal);
    } catch (error) {
      if (error instanceof CaptureError || signal?.aborted) throw error;
      throw new CaptureError('fetch-failed', `Could not load “${recorded.label}”.`);
    }
    const depth = recorded.depth ? await recorded.depth() : undefined;
    return { image, depth, source: this.kind, label: recorded.label, capturedAt: Date.now() };
  }

  close(): void {
    this.#closed = true;
  }
}
