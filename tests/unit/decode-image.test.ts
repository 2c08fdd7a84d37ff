import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, MAX_DECODED_SIDE } from '../../src/cli/decode-image.ts';
import { UsageError } from '../../src/cli/errors.ts';

describe('CLI image decoding', () => {
  it('decodes to RGBA with the exact pixels', async () => {
    const png = await sharp(Buffer.from([255, 0, 0, 0, 0, 255]), { raw: { width: 2, height: 1, channels: 3 } }).png().toBuffer();
    const img = await decodeImage(png, 'two.png');
    expect([img.width, img.height]).toEqual([2, 1]);
    expect(Array.from(img.data)).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
  });

  it('shrinks a large photo to the app\'s analysis size while decoding, keeping its aspect', async () => {
    const big = await sharp({ create: { width: 6000, height: 2000, channels: 3, background: '#336699' } }).jpeg().toBuffer();
    const img = await decodeImage(big, 'big.jpg');
    expect([img.width, img.height]).toEqual([MAX_DECODED_SIDE, Math.round(MAX_DECODED_SIDE / 3)]);
    expect(img.data.length).toBe(img.width * img.height * 4);
  });

  it('applies EXIF orientation', async () => {
    const rotated = await sharp({ create: { width: 40, height: 10, channels: 3, background: '#000' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeImage(rotated, 'rotated.jpg');
    expect([img.width, img.height]).toEqual([10, 40]);
  });

  it('turns non-images and corrupt files into one-line UsageErrors', async () => {
    await expect(decodeImage(new TextEncoder().encode('hello'), 'a.txt')).rejects.toThrow(new UsageError('a.txt: not an image (or an unsupported format)'));
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 30 } } }).jpeg().toBuffer();
    const err = await decodeImage(jpeg.subarray(0, jpeg.length >> 1), 'cut.jpg').catch((e) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/^cut\.jpg: unreadable or corrupt image \(/);
    expect(err.message).not.toMatch(/\n/);
  });
});
