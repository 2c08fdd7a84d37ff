// Turns a frame's image (encoded file or camera bitmap) into the RgbaImage the pipeline takes,
// inside the worker. Everything that can go wrong with an input ends here as a typed error the
// associate can act on ("take another picture"), never as an exception that kills the worker.
import type { RgbaImage } from '../core/image.ts';
import { HEADER_BYTES, readImageHeader } from '../capture/image-header.ts';
import { MAX_PREVIEW_SIDE, planDecode, type DecodePlan } from './decode-plan.ts';
import { failure, type Outcome } from './messages.ts';

export interface DecodedFrame {
  image: RgbaImage;
  preview: ImageBitmap;
  sourceSize: { width: number; height: number };
  analysedSize: { width: number; height: number };
  decodeMs: number;
}


const refusal = (plan: Extract<DecodePlan, { ok: false }>, width: number, height: number) =>
  plan.reason === 'too-small'
    ? failure('image-too-small', `The picture is too small to judge (${width}×${height} px). Take the photo closer, at full size.`)
    : failure('image-too-large', `The picture is too large to open on this device (${width}×${height} px). Take a smaller photo.`);

export async function decodeFrame(input: ImageBitmap | Blob): Promise<Outcome<DecodedFrame>> {
  const started = performance.now();
  let analysed: ImageBitmap;
  let sourceSize: { width: number; height: number };
  if (input instanceof Blob) {
    const opened = await openEncoded(input);
    if (!opened.ok) return opened;
    ({ bitmap: analysed, sourceSize } = opened.value);
  } else {
    sourceSize = { width: input.width, height: input.height };
    const plan = planDecode(input.width, input.height);
    if (!plan.ok) {
      input.close();
      return refusal(plan, sourceSize.width, sourceSize.height);
    }
    analysed = plan.resized
      ? await createImageBitmap(input, { resizeWidth: plan.width, resizeHeight: plan.height, resizeQuality: 'high' })
      : input;
    if (analysed !== input) input.close();
  }
  try {
    const image = toRgba(analysed);
    const preview = await scaledCopy(analysed, MAX_PREVIEW_SIDE);
    return {
      ok: true,
      value: {
        image,
        preview,
        sourceSize,
        analysedSize: { width: image.width, height: image.height },
        decodeMs: performance.now() - started,
      },
    };
  } finally {
    analysed.close();
  }
}

async function openEncoded(blob: Blob): Promise<Outcome<{ bitmap: ImageBitmap; sourceSize: { width: number; height: number } }>> {
  const header = readImageHeader(new Uint8Array(await blob.slice(0, HEADER_BYTES).arrayBuffer()));
  if (!header) {
    return failure('not-an-image', 'That file is not a photo. Choose a JPEG, PNG or WebP picture of the item.', `type "${blob.type}", ${blob.size} bytes`);
  }
  let options: ImageBitmapOptions = { imageOrientation: 'from-image' };
  if (header.width !== null && header.height !== null) {
    const plan = planDecode(header.width, header.height);
    if (!plan.ok) return refusal(plan, header.width, header.height);
    // The header's size is before EXIF rotation, so which side ends up as the width is unknown
    // here. Resizing by width alone keeps the aspect; choosing the shorter planned side keeps
    // the result within the limit either way (a little smaller than needed when not rotated).
    if (plan.resized) options = { ...options, resizeWidth: Math.min(plan.width, plan.height), resizeQuality: 'high' };
  }
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, options);
  } catch (error) {
    const message =
      header.format === 'heic'
        ? 'This browser cannot open HEIC photos. Set the camera to JPEG ("Most Compatible") or take the photo in the app.'
        : 'This photo could not be opened; the file may be damaged. Take or choose another photo.';
    return failure('decode-failed', message, `${header.format}: ${String(error)}`);
  }
  const sourceSize = { width: header.width ?? bitmap.width, height: header.height ?? bitmap.height };
  // Formats without a readable size (AVIF, cut headers) are checked after decoding instead.
  const plan = planDecode(bitmap.width, bitmap.height);
  if (!plan.ok) {
    bitmap.close();
    return refusal(plan, sourceSize.width, sourceSize.height);
  }
  if (plan.resized) {
    const smaller = await createImageBitmap(bitmap, { resizeWidth: plan.width, resizeHeight: plan.height, resizeQuality: 'high' });
    bitmap.close();
    bitmap = smaller;
  }
  return { ok: true, value: { bitmap, sourceSize } };
}

function toRgba(bitmap: ImageBitmap): RgbaImage {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('2D canvas unavailable in worker');
  context.drawImage(bitmap, 0, 0);
  const { data, width, height } = context.getImageData(0, 0, bitmap.width, bitmap.height);
  return { data, width, height };
}

function scaledCopy(bitmap: ImageBitmap, maxSide: number): Promise<ImageBitmap> {
  const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
  return createImageBitmap(bitmap, {
    resizeWidth: Math.max(1, Math.round(bitmap.width * scale)),
    resizeHeight: Math.max(1, Math.round(bitmap.height * scale)),
    resizeQuality: 'medium',
  });
}
