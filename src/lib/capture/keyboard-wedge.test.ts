import { describe, expect, it } from 'vitest';
import { WedgeDecoder } from './keyboard-wedge.ts';

function type(decoder: WedgeDecoder, text: string, start: number, gapMs: number): (string | null)[] {
  return [...text, 'Enter'].map((k, i) => decoder.feed(k, start + i * gapMs));
}

describe('keyboard-wedge scanner input', () => {
  it('recognises a scanner’s burst ending in Enter', () => {
    const d = new WedgeDecoder();
    expect(type(d, '7394376616037', 1000, 8).at(-1)).toBe('7394376616037');
  });

  it('ignores a person typing the same digits', () => {
    const d = new WedgeDecoder();
    expect(type(d, '7394376616037', 1000, 150).at(-1)).toBeNull();
  });

  it('drops keys typed by hand before a scan', () => {
    const d = new WedgeDecoder();
    d.feed('x', 0);
    d.feed('y', 300);
    expect(type(d, '96385074', 2000, 5).at(-1)).toBe('96385074');
  });

  it('ignores bursts too short to be a barcode', () => {
    const d = new WedgeDecoder();
    expect(type(d, '123', 0, 5).at(-1)).toBeNull();
  });
});
