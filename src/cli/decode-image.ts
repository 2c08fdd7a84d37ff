// Image files → RgbaImage in Node, with sharp (libvips). Everything after this is the same
// code as in the app.
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbaImage } from '../lib/core/image.ts';
import { MAX_ANALYSIS_SIDE } from '../lib/worker/decode-plan.ts';
import { UsageError } from './errors.ts';

/**
 * Larger photos are downscaled while decoding (libvips shrinks JPEGs on load, so a 50 MP
 * photo never becomes a 200 MB buffer), to the same longest side the app's worker decodes
 * to, so the CLI and the app hand the pipeline the same size of image.
 */
export const MAX_DECODED_SIDE = MAX_ANALYSIS_SIDE;

export async function readImageFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    throw new UsageError(`cannot read ${path}: ${why}`);
  }
}

export async function decodeImage(bytes: Uint8Array, path: string): Promise<RgbaImage> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
    let pipeline = sharp(bytes, { failOn: 'error' }).rotate();
    if (Math.max(meta.width, meta.height) > MAX_DECODED_SIDE) {
      pipeline = pipeline.resize({ width: MAX_DECODED_SIDE, height: MAX_DECODED_SIDE, fit: 'inside', kernel: 'lanczos3' });
    }
    const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    const why = /unsupported image format/i.test(msg) ? 'not an image (or an unsupported format)' : /pixel limit/i.test(msg) ? 'image too large to decode' : `unreadable or corrupt image (${msg.split('\n')[0]})`;
    throw new UsageError(`${path}: ${why}`);
  }
}

export async function loadImage(path: string): Promise<RgbaImage> {
  return decodeImage(await readImageFile(path), path);
}

/** Reads just enough of each file to know it is an image, so bad input fails before any work. */
export async function probeImage(path: string): Promise<void> {
  const bytes = await readImageFile(path);
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height) throw new Error('no dimensions');
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    throw new UsageError(`${path}: ${/unsupported image format/i.test(msg) ? 'not an image (or an unsupported format)' : `unreadable or corrupt image (${msg.split('\n')[0]})`}`);
  }
}
