// Bad input, one after another in the same session: each answer is a Retake with a reason (or,
// for a huge photo, a verdict), and the same worker keeps checking afterwards.
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { expect, test, type Page } from '@playwright/test';
import { VERDICT, openApp, verdictRegion, watchForCrashes } from './app.ts';

const choose = (page: Page, name: string, mimeType: string, buffer: Buffer) =>
  page.getByLabel('Photo file').setInputFiles({ name, mimeType, buffer });

async function expectStillChecks(page: Page) {
  await page.getByRole('button', { name: 'Try a sample' }).click();
  await expect(page.getByText(/^Sample: .* · \d+ ms/)).toBeVisible();
  await expect(verdictRegion(page)).toHaveText(VERDICT);
}

test('files that are not photos, damaged or 1×1 ask for a re-take; the app keeps working', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);

  await choose(page, 'notes.txt', 'text/plain', Buffer.from('milk, 2 crates\n'));
  await expect(verdictRegion(page)).toHaveText(/^Retake\b.*not a photo/);
  await expectStillChecks(page);

  // A file claiming to be a JPEG is judged by its bytes.
  await choose(page, 'fake.jpg', 'image/jpeg', Buffer.from('%PDF-1.7 not really'));
  await expect(verdictRegion(page)).toHaveText(/^Retake\b.*not a photo/);

  const jpeg = readFileSync('public/samples/oatly-oat-milk.jpg');
  await choose(page, 'broken.jpg', 'image/jpeg', Buffer.concat([jpeg.subarray(0, 600), Buffer.alloc(400, 0x5a)]));
  await expect(verdictRegion(page)).toHaveText(/^Retake\b.*could not be opened/);
  await expectStillChecks(page);

  const pixel = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#c0ffee' } }).png().toBuffer();
  await choose(page, 'pixel.png', 'image/png', pixel);
  await expect(verdictRegion(page)).toHaveText(/^Retake\b.*too small.*\(1×1 px\)/);
  await expectStillChecks(page);
  expect(crashes).toEqual([]);
});

test('a 50-megapixel photo is scaled down and checked without freezing the page', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  const big = await sharp(readFileSync('public/samples/arla-standard-milk.jpg')).resize(8660, 5774, { fit: 'fill' }).jpeg({ quality: 80 }).toBuffer();
  await choose(page, 'huge.jpg', 'image/jpeg', big);
  // The UI thread stays responsive while the worker decodes: a frame is painted within 1 s.
  const frameGap = await page.evaluate(
    () => new Promise<number>((resolve) => {
      const start = performance.now();
      requestAnimationFrame(() => resolve(performance.now() - start));
    }),
  );
  expect(frameGap).toBeLessThan(1000);
  await expect(page.getByText(/huge\.jpg · \d+ ms/)).toBeVisible({ timeout: 60_000 });
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  expect(crashes).toEqual([]);
});
