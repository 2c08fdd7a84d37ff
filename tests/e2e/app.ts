import { expect, type Page } from '@playwright/test';

/** The build under test (see playwright.config.ts). */
export const DIST = process.env.E2E_DIST ?? 'dist';

/** The verdict contract from DESIGN.md: the live region's text starts with the verdict word. */
export const VERDICT = /^(Pass|Sideline|Retake)\b/;

export const verdictRegion = (page: Page) => page.getByRole('status', { name: 'Verdict' });

/** Opens the app and waits until the models are loaded and warmed up (checks enabled). */
export async function openApp(page: Page): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Try a sample' })).toBeEnabled({ timeout: 60_000 });
}

/** Collects uncaught page errors, so a test can assert the app never crashed. */
export function watchForCrashes(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}
