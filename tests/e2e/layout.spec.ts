import { expect, test, type Page } from '@playwright/test';
import { VERDICT, openApp, verdictRegion } from './app.ts';

async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

async function expectEveryControlNamed(page: Page) {
  for (const role of ['button', 'link', 'checkbox', 'textbox'] as const) {
    for (const control of await page.getByRole(role).all()) await expect(control).toHaveAccessibleName(/\S/);
  }
}

test.describe('handheld, 360×640', () => {
  test.use({ viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true });

  test('fits the screen, with big named controls in thumb reach', async ({ page }) => {
    await openApp(page);
    await expectNoSidewaysScroll(page);
    await expectEveryControlNamed(page);
    for (const name of ['Start camera', 'Choose photo', 'Try a sample']) {
      const box = await page.getByRole('button', { name }).boundingBox();
      expect(box, name).not.toBeNull();
      if (!box) continue;
      expect(box.height, `${name} height`).toBeGreaterThanOrEqual(48);
      expect(box.y + box.height, `${name} on screen`).toBeLessThanOrEqual(640);
    }
    await page.getByRole('button', { name: 'Try a sample' }).tap();
    await expect(verdictRegion(page)).toHaveText(VERDICT);
    await expectNoSidewaysScroll(page);
    await expect(page.getByRole('button', { name: 'Try a sample' })).toBeInViewport();
    await expect(verdictRegion(page)).toBeInViewport({ ratio: 0.3 });
    if (process.env.UPDATE_SCREENSHOT) await page.screenshot({ path: 'docs/screenshot-360x640.png' });

    await page.getByRole('link', { name: 'Diagnostics' }).tap();
    await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible();
    await expectNoSidewaysScroll(page);
    await expectEveryControlNamed(page);
  });

  test('works from the keyboard alone', async ({ page }) => {
    await openApp(page);
    // Tab through the Check screen to "Try a sample" and press it.
    let reached = false;
    for (let i = 0; i < 15 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.getByRole('button', { name: 'Try a sample' }).evaluate((el) => el === document.activeElement);
    }
    expect(reached).toBe(true);
    await page.keyboard.press('Enter');
    await expect(verdictRegion(page)).toHaveText(VERDICT);

    // The heatmap toggle and the navigation are reachable and work with the keyboard too.
    const heatmap = page.getByRole('button', { name: 'Heatmap' });
    await heatmap.focus();
    await page.keyboard.press('Space');
    await expect(heatmap).toHaveAttribute('aria-pressed', 'false');
    await page.getByRole('link', { name: 'Diagnostics' }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Diagnostics' })).toBeVisible();
    await expect(page).toHaveURL(/#\/diagnostics$/);
  });
});

test.describe('tablet, 820×1180', () => {
  test.use({ viewport: { width: 820, height: 1180 }, hasTouch: true });

  test('puts the photo beside the verdict', async ({ page }) => {
    await openApp(page);
    await page.getByRole('button', { name: 'Try a sample' }).click();
    await expect(verdictRegion(page)).toHaveText(VERDICT);
    await expectNoSidewaysScroll(page);
    const photo = await page.getByRole('img', { name: /Sample:/ }).boundingBox();
    const verdict = await verdictRegion(page).boundingBox();
    expect(photo && verdict).toBeTruthy();
    if (photo && verdict) expect(verdict.x).toBeGreaterThanOrEqual(photo.x + photo.width - 1);
  });
});
