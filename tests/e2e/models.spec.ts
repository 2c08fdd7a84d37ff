// A damaged model download must never leave the associate without a checker, nor be used.
// The service worker is blocked here so the routes below stand in for the network.
import { readFileSync } from 'node:fs';
import { expect, test, type BrowserContext } from '@playwright/test';
import { DIST, VERDICT, openApp, verdictRegion, watchForCrashes } from './app.ts';

test.use({ serviceWorkers: 'block' });

interface Manifest {
  models: { id: string; version: string; file: string; default: boolean }[];
}
const manifest = JSON.parse(readFileSync(`${DIST}/models/manifest.json`, 'utf8')) as Manifest;
const released = manifest.models.filter((m) => m.default);

/** Serves every default model file with its bytes flipped in the middle (same length). */
async function corruptModels(context: BrowserContext) {
  for (const model of released) {
    const bytes = readFileSync(`${DIST}/models/${model.file}`);
    const damaged = Buffer.from(bytes);
    for (let i = damaged.length >> 1; i < Math.min(damaged.length, (damaged.length >> 1) + 64); i++) damaged[i] ^= 0xff;
    await context.route(`**/models/${model.file}`, (route) => route.fulfill({ body: damaged, contentType: 'application/octet-stream' }));
  }
}

test('a corrupt model on first start gives a clear message and is not used', async ({ page, context }) => {
  const crashes = watchForCrashes(page);
  await corruptModels(context);
  await page.goto('/');
  await expect(page.getByRole('alert')).toContainText('The model file is damaged');
  await expect(page.getByRole('button', { name: 'Try a sample' })).toBeDisabled();
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('provider')).toHaveText('none');
  expect(crashes).toEqual([]);
});

test('a corrupt model update keeps the previous model in service', async ({ page, context }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  // A new release arrives: the manifest names a newer version, but the download is damaged.
  const newer = { ...manifest, models: manifest.models.map((m) => ({ ...m, version: `${m.version}-next` })) };
  await context.route('**/models/manifest.json', (route) => route.fulfill({ json: newer }));
  await corruptModels(context);

  await page.reload();
  await expect(page.getByRole('button', { name: 'Try a sample' })).toBeEnabled({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Try a sample' }).click();
  await expect(verdictRegion(page)).toHaveText(VERDICT);

  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByRole('alert')).toContainText('damaged and was not used');
  for (const model of released) await expect(page.getByRole('cell', { name: model.version, exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: /-next$/ })).toHaveCount(0);

  // Reloading the models while the app runs keeps the loaded ones too.
  await page.getByRole('button', { name: 'Reload models' }).click();
  await expect(page.getByRole('button', { name: 'Reload models' })).toBeEnabled();
  await expect(page.getByRole('alert')).toContainText('damaged and was not used');
  await expect(page.getByTestId('provider')).toHaveText(/^(webgpu|wasm)$/);
  expect(crashes).toEqual([]);
});
