// USB/Bluetooth barcode scanners in "keyboard wedge" mode type the code, very fast, then Enter.
// Telling them from a person typing is a matter of timing: a scanner's keys arrive a few ms
// apart, a person's a hundred or more.

export interface WedgeOptions {
  /** Longest gap between two keys of one scan. */
  maxGapMs?: number;
  minLength?: number;
}

export class WedgeDecoder {
  private buffer = '';
  private last = -Infinity;
  private readonly maxGapMs: number;
  private readonly minLength: number;

  constructor(options: WedgeOptions = {}) {
    this.maxGapMs = options.maxGapMs ?? 40;
    this.minLength = options.minLength ?? 6;
  }

  /** Feeds one key (KeyboardEvent.key); returns a complete scan on Enter, else null. */
  feed(key: string, atMs: number): string | null {
    const gap = atMs - this.last;
    this.last = atMs;
    if (key === 'Enter' || key === 'Tab') {
      const code = gap <= this.maxGapMs && this.buffer.length >= this.minLength ? this.buffer : null;
      this.buffer = '';
      return code;
    }
    if (key.length !== 1) return null;
    // A slow key starts over: whatever came before was typed by a person.
    this.buffer = gap <= this.maxGapMs ? this.buffer + key : key;
    return null;
  }
}

const isEditable = (t: EventTarget | null): boolean =>
  t instanceof HTMLElement && (t.isContentEditable || t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement);

/** Listens on `target` (usually window) for scans; typing into form fields is left alone. */
export function listenForScans(target: EventTarget, onScan: (code: string) => void, options?: WedgeOptions): () => void {
  const decoder = new WedgeDecoder(options);
  const onKey = (event: Event) => {
    const e = event as KeyboardEvent;
    if (isEditable(e.target) || e.ctrlKey || e.altKey || e.metaKey) return;
    const code = decoder.feed(e.key, e.timeStamp);
    if (code) {
      e.preventDefault();
      onScan(code);
    }
  };
  target.addEventListener('keydown', onKey);
  return () => target.removeEventListener('keydown', onKey);
}
