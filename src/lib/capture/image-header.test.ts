import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { readImageHeader } from './image-header.ts';

const solid = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });

describe('readImageHeader', () => {
  it.each([
    ['jpeg', (w: number, h: number) => solid(w, h).jpeg().toBuffer()],
    ['png', (w: number, h: number) => solid(w, h).png().toBuffer()],
    ['gif', (w: number, h: number) => solid(w, h).gif().toBuffer()],
    ['webp', (w: number, h: number) => solid(w, h).webp({ lossless: false }).toBuffer()],
  ] as const)('reads format and size of a real %s file', async (format, encode) => {
    const bytes = new Uint8Array(await encode(333, 157));
    expect(readImageHeader(bytes)).toEqual({ format, width: 333, height: 157 });
  });

  it('reads lossless webp (VP8L) and extended webp (VP8X) sizes', async () => {
    const lossless = new Uint8Array(await solid(641, 3).webp({ lossless: true }).toBuffer());
    expect(readImageHeader(lossless)).toEqual({ format: 'webp', width: 641, height: 3 });
    const withAlpha = await sharp({ create: { width: 90, height: 45, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.5 } } })
      .webp({ lossless: false, alphaQuality: 50 })
      .toBuffer();
    expect(readImageHeader(new Uint8Array(withAlpha))).toMatchObject({ format: 'webp', width: 90, height: 45 });
  });

  it('finds the JPEG frame header behind EXIF and ICC segments', async () => {
    const bytes = await solid(1200, 800).withMetadata({ orientation: 1 }).withIccProfile('srgb').jpeg().toBuffer();
    expect(readImageHeader(new Uint8Array(bytes))).toEqual({ format: 'jpeg', width: 1200, height: 800 });
  });

  it('knows a 1×1 image is an image', async () => {
    expect(readImageHeader(new Uint8Array(await solid(1, 1).png().toBuffer()))).toEqual({ format: 'png', width: 1, height: 1 });
  });

  it('recognises AVIF and HEIC by their ftyp brand, size unknown', async () => {
    const avif = new Uint8Array(await solid(40, 30).avif().toBuffer());
    expect(readImageHeader(avif)).toEqual({ format: 'avif', width: null, height: null });
    const heicStart = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic'), 0, 0, 0, 0]);
    expect(readImageHeader(heicStart)).toEqual({ format: 'heic', width: null, height: null });
    const mp4Start = new Uint8Array([0, 0, 0, 24, ...new TextEncoder().encode('ftypisom'), 0, 0, 0, 0]);
    expect(readImageHeader(mp4Start)).toBeNull();
  });

  it('rejects text, empty input and lookalike prefixes', () => {
    expect(readImageHeader(new TextEncoder().encode('name,score\nmilk,0.2\n'))).toBeNull();
    expect(readImageHeader(new Uint8Array())).toBeNull();
    expect(readImageHeader(new TextEncoder().encode('%PDF-1.7'))).toBeNull();
  });

  it('reports a cut-off header as an image of unknown size', async () => {
    const bytes = new Uint8Array(await solid(64, 64).png().toBuffer()).subarray(0, 12);
    expect(readImageHeader(bytes)).toEqual({ format: 'png', width: null, height: null });
  });
});
