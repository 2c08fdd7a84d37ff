import { expect, test } from '@playwright/test';
import { VERDICT, openApp, verdictRegion, watchForCrashes } from './app.ts';

test('checks an item through the camera (Chromium fake device playing a sample photo)', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  await page.getByRole('button', { name: 'Start camera' }).click();
  await expect(page.getByLabel('Camera view')).toBeVisible();
  // The capture button takes focus, so a key press (or a handheld's trigger key) checks the item.
  await expect(page.getByRole('button', { name: 'Check item' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(verdictRegion(page)).toHaveText(VERDICT);
  await expect(page.getByText(/^Camera · \d+ ms on (webgpu|wasm)/)).toBeVisible();
  await page.getByRole('button', { name: 'Stop camera' }).click();
  await expect(page.getByRole('button', { name: 'Start camera' })).toBeVisible();
  expect(crashes).toEqual([]);
});
