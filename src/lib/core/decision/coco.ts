// Feedback as a COCO-style detection dataset (https://cocodataset.org/#format-data) for the next
// training run: one image per record, one box annotation per marked damage region, categories
// are the damage types. Good items are images without annotations (negatives); every record
// also keeps its label and the device's verdict under `intact` so nothing is lost in export.
import { DAMAGE_TYPES, type DamageType } from '../types.ts';
import { agreement, type FeedbackRecord } from './feedback.ts';

export interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
  intact: {
    /** The feedback record's id on the device. */
    feedback: string;
    label: 'good' | 'damaged';
    damageType: DamageType | null;
    verdict: string;
    /** Whether the associate agreed with the verdict; null for a retake. */
    agreement: 'confirmed' | 'overruled' | null;
    product: string | null;
    category: string | null;
    score: number;
    damage: number;
    anomaly: number | null;
    at: string;
  };
}

export interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  bbox: [number, number, number, number];
  /** The marked region as a polygon (the box's corners, clockwise from top left). */
  segmentation: number[][];
  area: number;
  iscrowd: 0;
}

export interface CocoDataset {
  info: { description: string; version: string; date_created: string };
  images: CocoImage[];
  annotations: CocoAnnotation[];
  categories: { id: number; name: string; supercategory: 'damage' }[];
}

/**
 * `imageFolder` is put before each file name (e.g. "images/" when the photos travel in a zip next
 * to the JSON). Records without a photo are left out: there is nothing to train on.
 */
export function toCoco(records: readonly FeedbackRecord[], now = new Date(), imageFolder = ''): CocoDataset {
  const categories = DAMAGE_TYPES.map((name, i) => ({ id: i + 1, name, supercategory: 'damage' as const }));
  const images: CocoImage[] = [];
  const annotations: CocoAnnotation[] = [];
  for (const r of records) {
    if (!r.image) continue;
    const id = images.length + 1;
    images.push({
      id,
      file_name: imageFolder + r.image.fileName,
      width: r.image.width,
      height: r.image.height,
      intact: {
        feedback: r.id,
        label: r.label,
        damageType: r.damageType,
        verdict: r.verdict,
        agreement: agreement(r),
        product: r.product,
        category: r.category,
        score: r.score,
        damage: r.damage,
        anomaly: r.anomaly,
        at: r.at,
      },
    });
    if (r.label === 'damaged' && r.region && r.damageType) {
      const x = r.region.x * r.image.width;
      const y = r.region.y * r.image.height;
      const w = r.region.width * r.image.width;
      const h = r.region.height * r.image.height;
      annotations.push({
        id: annotations.length + 1,
        image_id: id,
        category_id: DAMAGE_TYPES.indexOf(r.damageType) + 1,
        bbox: [x, y, w, h],
        segmentation: [[x, y, x + w, y, x + w, y + h, x, y + h]],
        area: w * h,
        iscrowd: 0,
      });
    }
  }
  return { info: { description: 'Intact associate feedback', version: '1', date_created: now.toISOString() }, images, annotations, categories };
}
