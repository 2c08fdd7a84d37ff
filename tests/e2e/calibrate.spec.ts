// The Calibrate screen in the built app: import labelled results, read the figures and charts,
// change the target, save for the device (real IndexedDB) and find the saved thresholds in use
// after a reload; bad files get a message, not a crash.
import { expect, test, type Page } from '@playwright/test';
import { binormalLogits, toProbability } from '../../src/lib/core/decision/synthetic.ts';
import { readFileSync } from 'node:fs';
import { DEFAULT_DECISION_CONFIG } from '../../src/lib/core/decision/decide.ts';
import { DIST, openApp, verdictRegion, watchForCrashes } from './app.ts';

function labelledResults(n: number, separation: number): { jsonl: string; csv: string } {
  const { good, damaged } = binormalLogits(n, n, separation, 3);
  const lines: string[] = [];
  const csv = ['image,label,category'];
  [...good.map((z) => [z, 'good'] as const), ...damaged.map((z) => [z, 'damaged'] as const)].forEach(([z, label], i) => {
    const p = toProbability(z);
    lines.push(JSON.stringify({ image: `/data/${i}.jpg`, product: 'Oatly-Oat-Milk', damage: p, types: { crush: p, tear: 0.01, hole: 0.01, deconstruction: 0.01, spill: 0.01 }, anomaly: null, score: p, verdict: 'pass', ms: 10 }));
    csv.push(`${i}.jpg,${label},${i % 2 ? 'Milk' : 'Juice'}`);
  });
  return { jsonl: lines.join('\n') + '\n', csv: csv.join('\n') + '\n' };
}

async function importFiles(page: Page, files: { name: string; text: string }[]) {
  await page
    .getByLabel(/Import inspect results/)
    .setInputFiles(files.map((f) => ({ name: f.name, mimeType: 'text/plain', buffer: Buffer.from(f.text) })));
}

test('fits imported results, shows the figures and saves them for the device', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await page.goto('/#/calibrate');
  await expect(page.getByRole('heading', { name: 'Calibrate' })).toBeVisible();
  await expect(page.getByTestId('active-thresholds')).toHaveText(/shipped default thresholds/);
  await page.getByRole('button', { name: 'Show the figures in use' }).click();
  await expect(page.getByText(/^Fitted to held-out renders/)).toBeVisible();
  await expect(page.getByTestId('recall')).toBeVisible();

  const { jsonl, csv } = labelledResults(1500, 3);
  await importFiles(page, [{ name: 'inspect.jsonl', text: jsonl }, { name: 'labels.csv', text: csv }]);
  await expect(page.getByTestId('expected-fpr')).toHaveText(/^0 %|^0\.\d+ %/);
  await expect(page.getByTestId('fpr-upper')).toContainText('does not show the 0.1 % target');
  await expect(page.getByRole('note').first()).toContainText('only 1500 good items');
  await expect(page.getByRole('img', { name: /^ROC/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /^Precision–recall/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /histogram/ })).toBeVisible();
  const strictRecall = await page.getByTestId('recall').textContent();

  await page.getByLabel('Good items that may be sidelined').selectOption('0.05');
  await expect(page.getByTestId('fpr-upper')).toContainText('the 5 % target');
  await expect(page.getByTestId('recall')).not.toHaveText(strictRecall ?? '');

  await page.getByRole('button', { name: 'Save for this device' }).click();
  await expect(page.getByText(/Saved for this device at/)).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('active-thresholds')).toHaveText(/fitted to inspect\.jsonl with labels labels\.csv for a 5 % target/);
  expect(crashes).toEqual([]);
});

/** Labelled results where good items score in [goodLow, goodHigh] and damaged ones in [damagedLow, damagedHigh]. */
function separatedResults(n: number, good: [number, number], damaged: [number, number]): { jsonl: string; csv: string } {
  const lines: string[] = [];
  const csv = ['image,label'];
  const spread = ([low, high]: [number, number], i: number) => low + ((high - low) * i) / (n - 1);
  for (let i = 0; i < 2 * n; i++) {
    const isGood = i < n;
    const p = spread(isGood ? good : damaged, i % n);
    lines.push(JSON.stringify({ image: `/data/${i}.jpg`, product: null, damage: p, types: { crush: p, tear: p / 2, hole: 0.001, deconstruction: 0.001, spill: 0.001 }, anomaly: null, score: p, verdict: 'pass', ms: 10 }));
    csv.push(`${i}.jpg,${isGood ? 'good' : 'damaged'}`);
  }
  return { jsonl: lines.join('\n') + '\n', csv: csv.join('\n') + '\n' };
}

test('saved thresholds reach the running checker: the next check uses them, no reload', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await openApp(page);
  const photo = 'public/samples/oatly-oat-milk.jpg';
  const checkPhoto = async (expected: RegExp) => {
    await page.getByRole('link', { name: 'Check' }).click();
    await page.getByLabel('Photo file').setInputFiles(photo);
    await expect(verdictRegion(page)).toHaveText(expected);
  };
  const saveFitted = async (data: { jsonl: string; csv: string }) => {
    await page.getByRole('link', { name: 'Calibrate' }).click();
    await importFiles(page, [{ name: 'inspect.jsonl', text: data.jsonl }, { name: 'labels.csv', text: data.csv }]);
    await expect(page.getByTestId('recall')).toBeVisible();
    await page.getByRole('button', { name: 'Save for this device' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved for this device at' })).toContainText('The next check uses it.');
  };
  // A reload would drop this mark: it shows the change took effect in the page that was running.
  await page.evaluate(() => ((window as { sameSession?: boolean }).sameSession = true));

  // The sample's damage score lies well inside (0.002, 0.9) for the released model (0.11 for 1.0.0):
  // thresholds fitted where every good item scores below 0.0005 sideline it, and thresholds
  // fitted where good items reach 0.97 let it pass.
  await saveFitted(separatedResults(400, [0.00001, 0.0005], [0.002, 0.02]));
  await checkPhoto(/^Sideline\b/);
  await saveFitted(separatedResults(400, [0.9, 0.97], [0.99, 0.999]));
  await checkPhoto(/^Pass\b/);

  expect(await page.evaluate(() => (window as { sameSession?: boolean }).sameSession)).toBe(true);
  expect(crashes).toEqual([]);
});

test('fits 100 000 items in a worker: progress, cancel, and the page keeps responding', async ({ page }) => {
  // About 14 s of fitting on an idle core; the shared 2-core machine can make it several times that.
  test.setTimeout(300_000);
  const crashes = watchForCrashes(page);
  await page.goto('/#/calibrate');
  const { jsonl, csv } = labelledResults(50_000, 2);
  const files = [{ name: 'inspect.jsonl', text: jsonl }, { name: 'labels.csv', text: csv }];
  const fitting = page.getByRole('status', { name: 'Fitting' });

  await importFiles(page, files);
  await expect(fitting).toBeVisible();
  await page.getByRole('button', { name: 'Cancel fitting' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Fitting cancelled.' })).toBeVisible();
  await expect(fitting).toHaveCount(0);
  await expect(page.getByTestId('recall')).toHaveCount(0);

  await importFiles(page, files);
  await expect(fitting).toContainText(/cross-validating \(fold [1-3] of 5\)/, { timeout: 150_000 });
  // While the worker fits, the UI thread keeps running timers: the longest gap between 20 ms ticks.
  await page.evaluate(() => {
    const w = window as { longestGap?: number };
    let last = performance.now();
    w.longestGap = 0;
    const tick = setInterval(() => {
      const now = performance.now();
      w.longestGap = Math.max(w.longestGap!, now - last);
      last = now;
      if (!document.querySelector('[aria-label="Fitting"]')) clearInterval(tick);
    }, 20);
  });
  await expect(page.getByTestId('recall')).toBeVisible({ timeout: 150_000 });
  const longestGap = await page.evaluate(() => (window as { longestGap?: number }).longestGap!);
  console.log(`longest main-thread gap while fitting 100 000 items: ${longestGap.toFixed(0)} ms`);
  // Fitting on this thread blocked it for the whole fit (5–9 s idle); what is left is receiving the
  // model and drawing it, plus whatever a loaded machine adds.
  expect(longestGap).toBeLessThan(1000);
  await expect(page.getByText('Fitted to inspect.jsonl with labels labels.csv.')).toBeVisible();
  expect(crashes).toEqual([]);
});

test('warns when the thresholds were fitted to another model than the one running', async ({ page }) => {
  await page.goto('/#/calibrate');
  const running = JSON.parse(readFileSync(`${DIST}/models/manifest.json`, 'utf8')).models.find((m: { default: boolean }) => m.default);
  const fittedFor = DEFAULT_DECISION_CONFIG.model.source.model;
  // The shipped thresholds always name the model they were fitted for (scripts/calibrate-defaults.sh).
  expect(fittedFor).toBeTruthy();
  // The comparison needs the running model's identity, known once the engine is ready.
  await expect(page.getByText(/^Ready · /)).toBeVisible({ timeout: 60_000 });
  const warning = page.getByRole('alert').filter({ hasText: 'these thresholds were fitted to scores of' });
  if (running.sha256 === fittedFor!.sha256) await expect(warning).toHaveCount(0);
  else await expect(warning).toContainText(`but this device runs ${running.id} (${running.sha256.slice(0, 12)}): recalibrate`);
});

test('says what is wrong with unusable files', async ({ page }) => {
  const crashes = watchForCrashes(page);
  await page.goto('/#/calibrate');
  const { jsonl } = labelledResults(20, 2);
  await importFiles(page, [{ name: 'inspect.jsonl', text: jsonl }, { name: 'labels.csv', text: 'image,label\n0.jpg,good\n' }]);
  await expect(page.getByRole('alert').filter({ hasText: 'scored image(s) have no label' })).toBeVisible();
  await importFiles(page, [{ name: 'thresholds.json', text: '{"schema":"other"}' }]);
  await expect(page.getByRole('alert').filter({ hasText: 'schema must be "intact-thresholds/1"' })).toBeVisible();
  expect(crashes).toEqual([]);
});

test.describe('handheld, 360×640', () => {
  test.use({ viewport: { width: 360, height: 640 }, hasTouch: true, isMobile: true });
  test('fits the screen', async ({ page }) => {
    await page.goto('/#/calibrate');
    const { jsonl, csv } = labelledResults(300, 2);
    await importFiles(page, [{ name: 'inspect.jsonl', text: jsonl }, { name: 'labels.csv', text: csv }]);
    await expect(page.getByTestId('recall')).toBeVisible();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});

test('the severity policy is checked before it is saved', async ({ page }) => {
  await page.goto('/#/calibrate');
  await page.getByText('Severity policy (cosmetic or unsellable)').click();
  const editor = page.getByLabel('Policy JSON');
  const policy = JSON.parse(await editor.inputValue());
  policy.default.rules[0].severity = 'fine';
  await editor.fill(JSON.stringify(policy));
  await page.getByRole('button', { name: 'Check and save policy' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'default.rules[0].severity' })).toHaveText('default.rules[0].severity must be "cosmetic" or "unsellable"; got "fine"');
  policy.default.rules[0].severity = 'cosmetic';
  policy.default.cosmetic = 'pass';
  await editor.fill(JSON.stringify(policy));
  await page.getByRole('button', { name: 'Check and save policy' }).click();
  await expect(page.getByText('Policy saved for this device.')).toBeVisible();
  await page.reload();
  await page.getByText('Severity policy (cosmetic or unsellable)').click();
  expect(JSON.parse(await page.getByLabel('Policy JSON').inputValue()).default.cosmetic).toBe('pass');
});
