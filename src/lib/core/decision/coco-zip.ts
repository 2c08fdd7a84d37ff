// The feedback export the next training run reads: one zip with `annotations.json` (COCO, see
// ./coco.ts) and the photos as stored on the device under `images/`. Built in memory and offered
// as a download the user starts; nothing is sent anywhere.
import { strToU8, zipSync, type Zippable } from 'fflate';
import { toCoco } from './coco.ts';
import type { FeedbackRecord } from './feedback.ts';

export const ANNOTATIONS_FILE = 'annotations.json';
export const IMAGES_FOLDER = 'images/';

export interface FeedbackWithPhoto {
  record: FeedbackRecord;
  /** The JPEG as stored; null when the device kept no photo (storage full, or none was taken). */
  photo: Uint8Array | null;
}

export interface FeedbackZip {
  zip: Uint8Array;
  images: number;
  annotations: number;
  /** Records left out for want of a photo. */
  withoutPhoto: number;
}

export function feedbackZip(items: readonly FeedbackWithPhoto[], now = new Date()): FeedbackZip {
  const files: Zippable = {};
  const exported: FeedbackRecord[] = [];
  for (const { record, photo } of items) {
    if (!record.image || !photo) continue;
    const path = IMAGES_FOLDER + record.image.fileName;
    if (files[path]) throw new Error(`two feedback records share the photo name ${record.image.fileName}`);
    // JPEG is compressed already: deflating it again costs time and saves nothing.
    files[path] = [photo, { level: 0 }];
    exported.push(record);
  }
  const coco = toCoco(exported, now, IMAGES_FOLDER);
  files[ANNOTATIONS_FILE] = [strToU8(JSON.stringify(coco, null, 2) + '\n'), { level: 6 }];
  return { zip: zipSync(files, { mtime: now }), images: coco.images.length, annotations: coco.annotations.length, withoutPhoto: items.length - exported.length };
}
