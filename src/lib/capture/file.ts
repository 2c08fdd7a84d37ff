import { CaptureError } from './capture-error.ts';
import type { Frame, FrameSource } from './frame.ts';

// A photo the associate picked or dropped. It stays encoded: the worker decodes it (and decides
// whether it is an image at all), so a 50-megapixel file never stalls the UI thread.

export class FileSource implements FrameSource {
  readonly kind = 'file' as const;
  #file: File | null;

  constructor(file: File) {
    this.#file = file;
  }

  async grab(signal?: AbortSignal): Promise<Frame> {
    signal?.throwIfAborted();
    if (!this.#file) throw new CaptureError('closed', 'Choose the photo again.');
    return { image: this.#file, source: 'file', label: this.#file.name, capturedAt: Date.now() };
  }

  close(): void {
    this.#file = null;
  }
}

/** Picks the first file out of a drop; folders and text drags yield nothing. */
export function firstDroppedFile(data: DataTransfer | null): File | null {
  if (!data) return null;
  for (const file of Array.from(data.files)) {
    if (file.size > 0 || file.type) return file;
  }
  return null;
}
