// The feedback zip read back the way a training script would: unzip, parse the COCO JSON, decode
// every photo, and check that ids, file names, sizes and boxes agree.
import sharp from 'sharp';
import { unzipSync, strFromU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_FILE, feedbackZip } from './coco-zip.ts';
import type { CocoDataset } from './coco.ts';
import { checkFeedback, type FeedbackRecord } from './feedback.ts';

async function jpeg(width: number, height: number, shade: number): Promise<Uint8Array> {
  const buffer = await sharp({ create: { width, height, channels: 3, background: { r: shade, g: 255 - shade, b: 90 } } }).jpeg({ quality: 85 }).toBuffer();
  return new Uint8Array(buffer);
}

const record = (id: string, over: Partial<FeedbackRecord>): FeedbackRecord =>
  checkFeedback({
    id,
    at: '2026-11-25T21:00:00.000Z',
    product: 'Oatly-Oat-Milk',
    category: 'Oatly-Oat-Milk',
    verdict: 'pass',
    score: 0.2,
    damage: 0.1,
    types: { crush: 0.05 },
    anomaly: null,
    label: 'good',
    damageType: null,
    region: null,
    image: { fileName: `${id}.jpg`, width: 64, height: 48 },
    ...over,
  });

describe('feedback zip', () => {
  it('round-trips: annotations.json names every photo in images/, each decodes at its stated size', async () => {
    const overruled = record('a1', { label: 'damaged', damageType: 'tear', region: { x: 0, y: 0, width: 1 / 3, height: 1 / 3 }, image: { fileName: 'a1.jpg', width: 90, height: 60 } });
    const confirmed = record('b2', {});
    const unmarked = record('c3', { label: 'damaged', damageType: 'spill', verdict: 'sideline', image: { fileName: 'c3.jpg', width: 30, height: 40 } });
    const noPhoto = record('d4', { image: null });
    const photoLost = record('e5', {});
    const items = [
      { record: overruled, photo: await jpeg(90, 60, 10) },
      { record: confirmed, photo: await jpeg(64, 48, 200) },
      { record: unmarked, photo: await jpeg(30, 40, 120) },
      { record: noPhoto, photo: null },
      { record: photoLost, photo: null },
    ];
    const { zip, images, annotations, withoutPhoto } = feedbackZip(items, new Date('2026-11-25T22:00:00Z'));
    expect({ images, annotations, withoutPhoto }).toEqual({ images: 3, annotations: 1, withoutPhoto: 2 });

    const files = unzipSync(zip);
    expect(Object.keys(files).sort()).toEqual([ANNOTATIONS_FILE, 'images/a1.jpg', 'images/b2.jpg', 'images/c3.jpg']);
    const coco = JSON.parse(strFromU8(files[ANNOTATIONS_FILE])) as CocoDataset;
    expect(coco.images.map((i) => i.intact.feedback)).toEqual(['a1', 'b2', 'c3']);
    expect(new Set(coco.images.map((i) => i.id)).size).toBe(3);

    for (const image of coco.images) {
      const bytes = files[image.file_name];
      expect(bytes, image.file_name).toBeDefined();
      const { width, height, format } = await sharp(bytes).metadata();
      expect({ width, height, format }).toEqual({ width: image.width, height: image.height, format: 'jpeg' });
    }
    // The photos are the stored bytes, not re-encoded.
    expect(files['images/b2.jpg']).toEqual(items[1].photo);

    const [tear] = coco.annotations;
    const tearImage = coco.images.find((i) => i.id === tear.image_id)!;
    expect(tearImage.intact).toMatchObject({ feedback: 'a1', label: 'damaged', damageType: 'tear', verdict: 'pass', agreement: 'overruled' });
    expect(coco.categories.find((c) => c.id === tear.category_id)?.name).toBe('tear');
    expect(tear.bbox).toEqual([0, 0, 30, 20]);
    expect(tear.segmentation).toEqual([[0, 0, 30, 0, 30, 20, 0, 20]]);
    expect(tear.area).toBe(600);
    // Damaged without a marked region: the image carries the type, no box is invented.
    expect(coco.images[2].intact).toMatchObject({ label: 'damaged', damageType: 'spill', agreement: 'confirmed' });
    expect(coco.images[1].intact.agreement).toBe('confirmed');
  });

  it('an empty device exports an empty, valid dataset', () => {
    const coco = JSON.parse(strFromU8(unzipSync(feedbackZip([]).zip)[ANNOTATIONS_FILE])) as CocoDataset;
    expect(coco.images).toEqual([]);
    expect(coco.categories).toHaveLength(5);
  });

  it('refuses photo names that would be paths in the zip', () => {
    expect(() => record('x', { image: { fileName: '../evil.jpg', width: 10, height: 10 } })).toThrow('photo file name must be a plain file name, got "../evil.jpg"');
    expect(() => record('x', { image: { fileName: 'x.jpg', width: 0, height: 10 } })).toThrow('photo size must be whole pixels, got 0×10');
  });
});
