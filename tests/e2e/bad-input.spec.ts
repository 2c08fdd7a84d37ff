import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { VERDICT, openApp, verdictRegion, watchForCrashes } from './app.ts';

async function stillWorks(page: Page) {
  await page.getByRole('button', { name: 'Try a sample' }).click();
  await expect(page.getByText(/^Sample: .* · \d+ ms/)).toBeVisible();
  await expect(verdictRegion(page)).toHaveText(VERDICT);
}

test('a file that is not an image asks for a re-take and the app keeps working', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  await page.getByLabel('Photo file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('milk, 2 crates\n') });
  await expect(verdictRegion(page)).toHaveText(/^Retake\b.*not a photo/);
  // Even a file claiming to be a JPEG is judged by its bytes.
  await page.getByLabel('Photo file').setInputFiles({ name: 'fake.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('%PDF-1.7 not really') });
  await expect(verdictRegion(page)).toHaveText(/^Retake\b.*not a photo/);
  await stillWorks(page);
  expect(crashes).toEqual([]);
});

test('a damaged JPEG asks for a re-take', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  const jpeg = readFileSync('public/samples/oatly-oat-milk.jpg');
  const truncated = Buffer.concat([jpeg.subarray(0, 600), Buffer.alloc(400, 0x5a)]);
  await page.getByLabel('Photo file').setInputFiles({ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: truncated });
  await expect(verdictRegion(page)).toHaveText(/^Retake\b/);
  await stillWorks(page);
  expect(crashes).toEqual([]);
});

test('a 1×1 image asks for a re-take, saying it is too small', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#c0ffee' } }).png().toBuffer();
  await page.getByLabel('Photo file').setInputFiles({ name: 'pixel.png', mimeType: 'image/png', buffer: pixel });
  await expect(verdictRegion(page)).toHaveText(/^Retake\b.*too small.*\(1×1 px\)/);
  await stillWorks(page);
  expect(crashes).toEqual([]);
});

test('a 50-megapixel photo is scaled down and checked without freezing the page', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  const width = 8660;
  const height = 5774;
  const big = await sharp(readFileSync('public/samples/arla-standard-milk.jpg')).resize(width, height, { fit: 'fill' }).jpeg({ quality: 80 }).toBuffer();
  await page.getByLabel('Photo file').setInputFiles({ name: 'huge.jpg', mimeType: 'image/jpeg', buffer: big });
  // The UI thread stays responsive while the worker decodes: a frame is painted within 1 s.
  const frameGap = await page.evaluate(() => new Promise<number>((resolve) => {
    const start = performance.now();
    requestAnimationFrame(() => resolve(performance.now() - start));
  }));
  expect(frameGap).toBeLessThan(1000);
  await expect(page.getByText(/huge\.jpg · \d+ ms/)).toBeVisible({ timeout: 60_000 });
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  expect(crashes).toEqual([]);
});
