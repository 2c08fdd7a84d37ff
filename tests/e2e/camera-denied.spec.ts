import { expect, test } from '@playwright/test';
import config from '../../playwright.config.ts';
import { VERDICT, openApp, verdictRegion, watchForCrashes } from './app.ts';

// Without --use-fake-ui-for-media-stream, headless Chromium answers the camera prompt with a
// refusal: the real NotAllowedError path, no stand-in for getUserMedia.
const args = (config.use?.launchOptions?.args ?? []).filter((arg) => arg !== '--use-fake-ui-for-media-stream');
test.use({ launchOptions: { ...config.use?.launchOptions, args } });

test('camera permission denied: says so and offers the photo picker, which still works', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  await page.getByRole('button', { name: 'Start camera' }).click();
  await expect(page.getByRole('alert')).toContainText('Camera access was not allowed');
  await expect(page.getByRole('button', { name: 'Retry camera' })).toBeVisible();
  const choose = page.getByRole('button', { name: 'Choose photo' });
  await expect(choose).toBeEnabled();
  await expect(choose).toHaveClass(/primary/);
  await page.getByLabel('Photo file').setInputFiles('public/samples/oatly-oat-milk.jpg');
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  // Having moved on to photos, the associate no longer sees the camera message; a retry stays offered.
  await expect(page.getByText('Camera access was not allowed')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Retry camera' })).toBeVisible();
  expect(crashes).toEqual([]);
});
