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
  // What the user sees, not a browser flag (navigator.onLine stays true after setOffline in
  // Chromium 150+): the page came from the service worker, and the network really is gone.
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  const uncached = await page.evaluate(() => fetch(`/not-precached-${Date.now()}.json`).then(() => 'reached', () => 'network error'));
  expect(uncached).toBe('network error');
  // Cached responses keep their COOP/COEP headers, so WASM threads still work offline.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);

  await page.getByRole('button', { name: 'Try a sample' }).click();
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  await page.getByLabel('Photo file').setInputFiles('public/samples/arla-standard-milk.jpg');
  await expect(page.getByText(/arla-standard-milk\.jpg · \d+ ms/)).toBeVisible();
  await expect(verdictRegion(page)).toHaveText(VERDICT);
});

test('is installable: Chromium finds nothing missing in the manifest or its icons', async ({ page, context }) => {
  await openApp(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  // Playwright's browser contexts are incognito-like, which Chromium always lists; any problem
  // with the manifest or its icons would show up beside it (offline use is the test above).
  expect(installabilityErrors.filter((e) => e.errorId !== 'in-incognito')).toEqual([]);
  const manifest = await cdp.send('Page.getAppManifest');
  expect(manifest.errors).toEqual([]);
  expect(manifest.url).toMatch(/manifest\.webmanifest$/);
});
