// Browser-side image intake for enrolment: proves the file is a decodable image and makes the
// thumbnail the gallery lists show (the full original bytes are kept as they are).
import { GalleryError } from './errors.ts';

const THUMBNAIL_PX = 160;
const ACCEPTED = /^image\/(jpeg|png|webp)$/;

export interface EnrolImage {
  image: { mime: string; bytes: Uint8Array };
  thumbnail: { mime: string; bytes: Uint8Array };
}

export async function prepareEnrolImage(file: Blob, label = 'The file'): Promise<EnrolImage> {
  if (!ACCEPTED.test(file.type)) throw new GalleryError('invalid', `${label} is not a JPEG, PNG or WebP photo.`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new GalleryError('invalid', `${label} could not be read as an image.`);
  }
  try {
    const scale = Math.min(1, THUMBNAIL_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = new OffscreenCanvas(Math.max(1, Math.round(bitmap.width * scale)), Math.max(1, Math.round(bitmap.height * scale)));
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new GalleryError('invalid', 'This browser cannot draw images off-screen.');
    ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const thumb = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
    return {
      image: { mime: file.type, bytes: new Uint8Array(await file.arrayBuffer()) },
      thumbnail: { mime: 'image/jpeg', bytes: new Uint8Array(await thumb.arrayBuffer()) },
    };
  } finally {
    bitmap.close();
  }
}
