// Associate feedback and the sideline-rate monitor on the Check screen, stored in the real
// IndexedDB of the built app: confirm/overrule with a damage type and region, count it on the
// Calibrate screen, export it as a COCO zip with the photos, and keep the monitor's history across a reload.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { strFromU8, unzipSync } from 'fflate';
import sharp from 'sharp';
import { VERDICT, openApp, verdictRegion, watchForCrashes } from './app.ts';

test('feedback is stored, counted and exported; the monitor remembers checks', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  const feedback = page.getByRole('region', { name: 'Feedback on this verdict' });
  const monitor = page.getByRole('region', { name: 'Sideline rate on this device' });

  await page.getByLabel('Photo file').setInputFiles('public/samples/god-morgon-orange-juice.jpg');
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  await expect(monitor).toContainText('1 check so far');
  await feedback.getByRole('button', { name: 'Item is damaged' }).click();
  await feedback.getByLabel('Damage').selectOption('tear');
  await feedback.getByRole('button', { name: 'upper left' }).click();
  await feedback.getByRole('button', { name: 'Save' }).click();
  await expect(feedback).toContainText(/Thanks: saved as an? (overrule|confirmation)/);

  await page.getByLabel('Photo file').setInputFiles('public/samples/oatly-oat-milk.jpg');
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  await expect(monitor).toContainText('2 checks so far');
  await feedback.getByRole('button', { name: 'Item is fine' }).click();
  await expect(feedback).toContainText(/Thanks: saved/);

  await page.reload();
  await expect(page.getByRole('region', { name: 'Sideline rate on this device' })).toContainText('2 checks so far');

  await page.getByRole('link', { name: 'Calibrate' }).click();
  await expect(page.getByText(/1 good and 1 damaged checks confirmed so far/)).toBeVisible();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export feedback with photos (COCO zip)' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('intact-feedback-coco.zip');
  await expect(page.getByText('Exported 2 photos with 1 marked regions.')).toBeVisible();

  const files = unzipSync(new Uint8Array(readFileSync(await file.path())));
  const coco = JSON.parse(strFromU8(files['annotations.json']));
  expect(coco.images).toHaveLength(2);
  expect(Object.keys(files).filter((f) => f.startsWith('images/'))).toHaveLength(2);
  for (const image of coco.images) {
    // Every photo named is in the zip and is the JPEG of the analysed frame, at the size stated.
    const { width, height, format } = await sharp(files[image.file_name]).metadata();
    expect({ width, height, format }).toEqual({ width: image.width, height: image.height, format: 'jpeg' });
    expect(image.file_name).toBe(`images/${image.intact.feedback}.jpg`);
  }
  expect(coco.annotations).toHaveLength(1);
  const [tear] = coco.annotations;
  expect(coco.categories.find((c: { id: number }) => c.id === tear.category_id).name).toBe('tear');
  const image = coco.images.find((i: { id: number }) => i.id === tear.image_id);
  expect(image.intact).toMatchObject({ label: 'damaged', damageType: 'tear' });
  expect(['confirmed', 'overruled']).toContain(image.intact.agreement);
  expect(tear.bbox[0]).toBe(0);
  expect(tear.bbox[2]).toBeCloseTo(image.width / 3, 6);
  expect(tear.segmentation[0]).toHaveLength(8);
  const fine = coco.images.find((i: { id: number }) => i.id !== tear.image_id);
  expect(fine.intact).toMatchObject({ label: 'good', damageType: null });
  expect(crashes).toEqual([]);
});
