// Feedback as a COCO-style detection dataset (https://cocodataset.org/#format-data) for the next
// training run: one image per record, one box annotation per marked damage region, categories
// are the damage types. Good items are images without annotations (negatives); every record
// also keeps its label and the device's verdict under `intact` so nothing is lost in export.
import { DAMAGE_TYPES } from '../types.ts';
import { agreement, type FeedbackRecord } from './feedback.ts';

export interface CocoDataset {
  info: { description: string; version: string; date_created: string };
  images: { id: number; file_name: string; width: number; height: number; intact: { label: 'good' | 'damaged'; verdict: string; agreement: string | null; product: string | null; category: string | null; score: number; at: string } }[];
  annotations: { id: number; image_id: number; category_id: number; bbox: [number, number, number, number]; area: number; iscrowd: 0 }[];
  categories: { id: number; name: string; supercategory: 'damage' }[];
}

export function toCoco(records: readonly FeedbackRecord[], now = new Date()): CocoDataset {
  const categories = DAMAGE_TYPES.map((name, i) => ({ id: i + 1, name, supercategory: 'damage' as const }));
  const images: CocoDataset['images'] = [];
  const annotations: CocoDataset['annotations'] = [];
  for (const r of records) {
    // Without the photo there is nothing to train on.
    if (!r.image) continue;
    const id = images.length + 1;
    images.push({
      id,
      file_name: r.image.fileName,
      width: r.image.width,
      height: r.image.height,
      intact: { label: r.label, verdict: r.verdict, agreement: agreement(r), product: r.product, category: r.category, score: r.score, at: r.at },
    });
    if (r.label === 'damaged' && r.region && r.damageType) {
      const x = r.region.x * r.image.width;
      const y = r.region.y * r.image.height;
      const w = r.region.width * r.image.width;
      const h = r.region.height * r.image.height;
      annotations.push({ id: annotations.length + 1, image_id: id, category_id: DAMAGE_TYPES.indexOf(r.damageType) + 1, bbox: [x, y, w, h], area: w * h, iscrowd: 0 });
    }
  }
  return { info: { description: 'Intact associate feedback', version: '1', date_created: now.toISOString() }, images, annotations, categories };
}
