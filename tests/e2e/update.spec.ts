import { readFileSync, writeFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { DIST, openApp } from './app.ts';

test('a newly deployed version is offered with an "update available — reload" prompt', async ({ page }) => {
  await openApp(page);
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await expect(page.getByRole('button', { name: 'Try a sample' })).toBeEnabled({ timeout: 60_000 });
  expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toMatch(/sw\.js$/);

  // "Deploy" a new version: the preview server reads files per request, so a changed service
  // worker script on disk is what the browser's update check finds. (Playwright's routing does
  // not see that fetch.) Restored afterwards: the build is shared with the other tests.
  const swPath = `${DIST}/sw.js`;
  const deployed = readFileSync(swPath, 'utf8');
  try {
    writeFileSync(swPath, `${deployed}\n// next release\n`);
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
    const prompt = page.getByRole('alertdialog', { name: 'An update is available.' });
    await expect(prompt).toBeVisible();

    const reloaded = page.waitForEvent('load');
    await prompt.getByRole('button', { name: 'Reload' }).click();
    await reloaded;
    await expect(page.getByRole('button', { name: 'Try a sample' })).toBeEnabled({ timeout: 60_000 });
    await expect(prompt).toBeHidden();
    const registration = await page.evaluate(async () => {
      const r = await navigator.serviceWorker.getRegistration();
      return { waiting: r?.waiting !== null, active: r?.active?.state };
    });
    expect(registration).toEqual({ waiting: false, active: 'activated' });
  } finally {
    writeFileSync(swPath, deployed);
  }
});
