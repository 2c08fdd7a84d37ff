import { expect, test } from '@playwright/test';
import { VERDICT, openApp, verdictRegion } from './app.ts';

test('after the first visit the app loads and checks items with the network off', async ({ page, context }) => {
  await openApp(page);
  // An active service worker has finished precaching; it serves the next navigation even though
  // it does not control this first page.
  await page.evaluate(() => navigator.serviceWorker.ready);

  await context.setOffline(true);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Try a sample' })).toBeEnabled({ timeout: 60_000 });
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  // Cached responses keep their COOP/COEP headers, so WASM threads still work offline.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await page.getByRole('button', { name: 'Try a sample' }).click();
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  await page.getByLabel('Photo file').setInputFiles('public/samples/arla-standard-milk.jpg');
  await expect(page.getByText(/arla-standard-milk\.jpg · \d+ ms/)).toBeVisible();
  await expect(verdictRegion(page)).toHaveText(VERDICT);
});
