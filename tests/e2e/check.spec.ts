import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { DIST, VERDICT, openApp, verdictRegion, watchForCrashes } from './app.ts';

test('opens on the Check screen with the models loaded', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  await expect(page.getByRole('link', { name: 'Check' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('button', { name: 'Start camera' })).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  expect(crashes).toEqual([]);
});

test('"Try a sample" gives a verdict, a damage score, a damage type and a heatmap', async ({ page }) => {
  await openApp(page);
  await page.getByRole('button', { name: 'Try a sample' }).click();
  const verdict = verdictRegion(page);
  await expect(verdict).toHaveText(VERDICT);
  await expect(verdict).toContainText(/Damage\s*\d+ %/);
  await expect(verdict).toContainText(/Most likely\s*(crush|tear|hole|deconstruction|spill)/);
  await expect(page.getByRole('img', { name: /Sample: .*damage heatmap/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Heatmap' })).toHaveAttribute('aria-pressed', 'true');
});

test('a chosen photo file is checked, and the timing shows on Diagnostics', async ({ page }) => {
  await openApp(page);
  await page.getByLabel('Photo file').setInputFiles('public/samples/god-morgon-orange-juice.jpg');
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  await expect(page.getByText(/god-morgon-orange-juice\.jpg · \d+ ms on (webgpu|wasm)/)).toBeVisible();

  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('provider')).toHaveText(/^(webgpu|wasm)$/);
  await expect(page.getByRole('cell', { name: 'god-morgon-orange-juice.jpg' })).toBeVisible();
  const manifest = JSON.parse(readFileSync(`${DIST}/models/manifest.json`, 'utf8')) as { models: { sha256: string; default: boolean }[] };
  for (const model of manifest.models.filter((m) => m.default)) {
    await expect(page.getByTitle(model.sha256)).toBeVisible();
  }
  await expect(page.getByText(/\d+\.\d MB of \d+\.\d MB/)).toBeVisible();
});

test('a photo dropped onto the screen is checked', async ({ page }) => {
  await openApp(page);
  const bytes = readFileSync('public/samples/oatly-oat-milk.jpg').toString('base64');
  const dataTransfer = await page.evaluateHandle((base64) => {
    // Built from bytes, not fetched: the app's CSP rightly refuses data: URLs for connect-src.
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], 'dropped.jpg', { type: 'image/jpeg' }));
    return transfer;
  }, bytes);
  await page.getByRole('region', { name: 'Check an item' }).dispatchEvent('drop', { dataTransfer });
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  await expect(page.getByText(/dropped\.jpg · \d+ ms/)).toBeVisible();
});

test.describe('on a first run', () => {
  // Without the service worker every request reaches page.route, which holds the demo pack back.
  test.use({ serviceWorkers: 'block' });

  test('a check while the demo gallery is still being prepared says so, not "none in the gallery"; once ready it compares', async ({ page }) => {
    test.setTimeout(300_000);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/demo/demo.intactpack', async (route) => {
      await released;
      await route.continue();
    });
    await openApp(page);
    const preparing = page.getByText(/^Gallery still being prepared/);
    await expect(preparing).toBeVisible();

    await page.getByRole('button', { name: 'Try a sample' }).click();
    const verdict = verdictRegion(page);
    await expect(verdict).toHaveText(VERDICT);
    await expect(verdict).toContainText('not compared with reference photos yet: the gallery is still being prepared');
    await expect(verdict).not.toContainText('none in the gallery');

    const releasedAt = Date.now();
    release();
    // The demo pack carries the shipped model's vectors, so the 48 references need no embedding here.
    await expect(preparing).toHaveCount(0, { timeout: 240_000 });
    console.log(`demo gallery ready ${Date.now() - releasedAt} ms after its pack was released`);

    await page.getByLabel('Photo file').setInputFiles('public/samples/oatly-oat-milk.jpg');
    await expect(verdict).toHaveText(VERDICT);
    await expect(verdict).toContainText(/Differs from reference\s*\d+ %/);
    await expect(verdict).not.toContainText('still being prepared');

    await page.getByRole('link', { name: 'Diagnostics' }).click();
    await expect(page.getByTestId('gallery-references')).toHaveText('48 references, 8 products');
    await expect(page.getByTestId('gallery-handover')).toHaveText(/^\d+\.\d MB \(int8\) in \d+ ms$/);
    console.log(`demo gallery handed to the checker: ${await page.getByTestId('gallery-handover').textContent()}`);
  });
});
