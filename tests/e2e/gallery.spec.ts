// The gallery in the built app, in a real browser: IndexedDB persistence across reloads, atomic
// pack import (a refused or failed pack leaves the old gallery exactly as it was), the storage-
// full path under a tiny quota, and enrolment + export of this device's references.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { decodePack, generateSigningKey, toHex } from '../../src/lib/core/gallery-pack/index.ts';
import { VERDICT, verdictRegion } from './app.ts';
import { barcodePhoto, buildTestPack, FOREIGN_MODEL, testPhoto, wedgeScan } from './gallery-fixtures.ts';

const PACK_A = [
  { id: 'e2e-oat-milk', name: 'E2E Oat milk', references: 2 },
  { id: 'e2e-juice', name: 'E2E Orange juice', references: 1 },
];
const PACK_B = [{ id: 'e2e-yoghurt', name: 'E2E Vanilla yoghurt', references: 2 }];

async function openGallery(page: Page) {
  await page.goto('./#/gallery');
  await expect(page.getByRole('heading', { name: 'Gallery', level: 2 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add product' })).toBeEnabled();
}

async function importPackBytes(page: Page, name: string, bytes: Uint8Array) {
  await page.getByLabel('Gallery pack file').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
}

function stagedReferenceCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('intact-gallery');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const req = open.result.transaction('stagingReferences').objectStore('stagingReferences').count();
          req.onsuccess = () => {
            open.result.close();
            resolve(req.result);
          };
          req.onerror = () => reject(req.error);
        };
      }),
  );
}

const productNames = (page: Page) => page.getByRole('list', { name: 'Products' }).getByRole('button').locator('.name').allTextContents();

test.describe('gallery', () => {
  test('imports a pack that survives reload; a tampered or truncated pack is refused and the gallery is unchanged', async ({ page }) => {
    await openGallery(page);
    const before = await productNames(page);

    await importPackBytes(page, 'pack-a.intactpack', await buildTestPack('pack A', PACK_A));
    await expect(page.getByRole('status', { name: 'Gallery status' })).toContainText('Imported pack-a.intactpack: 2 products, 3 references');
    await expect(page.getByRole('button', { name: /E2E Oat milk/ })).toContainText('2 references');

    await page.reload();
    await openGallery(page);
    await expect(page.getByRole('button', { name: /E2E Oat milk/ })).toBeVisible();
    const withA = await productNames(page);
    expect(withA.length).toBe(before.length + 2);

    const packB = await buildTestPack('pack B', PACK_B);
    const tampered = packB.slice();
    tampered[tampered.length - 200] ^= 0x01;
    await importPackBytes(page, 'tampered.intactpack', tampered);
    await expect(page.getByRole('alert')).toContainText(/Pack refused: pack part \d+ was altered.*The gallery is unchanged/);

    await importPackBytes(page, 'truncated.intactpack', packB.slice(0, packB.length - 500));
    await expect(page.getByRole('alert')).toContainText('Pack refused: pack is truncated');

    await page.reload();
    await openGallery(page);
    await expect(page.getByRole('button', { name: /E2E Oat milk/ })).toBeVisible();
    expect(await productNames(page)).toEqual(withA);
    await expect(page.getByRole('button', { name: /E2E Vanilla yoghurt/ })).toHaveCount(0);
  });

  test.describe('under a tiny storage quota', () => {
    // The precache would fill the tiny quota in the background and make the test about timing.
    test.use({ serviceWorkers: 'block' });

    test('refuses a pack when storage is full and keeps everything stored intact', async ({ page, baseURL }) => {
      // Chromium applies a quota override only to an origin that has not touched storage yet in
      // this browser context, so it is set before the app first loads. (estimate() keeps
      // reporting the real quota; the override is what IndexedDB enforces.)
      const origin = new URL(baseURL!).origin;
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 2 * 1024 * 1024 });
      try {
        await openGallery(page);
        await importPackBytes(page, 'pack-b.intactpack', await buildTestPack('pack B', PACK_B));
        await expect(page.getByRole('button', { name: /E2E Vanilla yoghurt/ })).toContainText('2 references');
        const before = await productNames(page);

        const big = await buildTestPack('big', [{ id: 'e2e-big', name: 'E2E Big photos', references: 10 }], { photoPx: 512, noisy: true });
        expect(big.length).toBeGreaterThan(2 * 1024 * 1024);
        await importPackBytes(page, 'big.intactpack', big);
        await expect(page.getByRole('alert')).toContainText('Storage is full, so pack "big" was not saved. Everything already in the gallery is unchanged.');
        expect(await productNames(page)).toEqual(before);

        await page.reload();
        await openGallery(page);
        await expect(page.getByRole('button', { name: /E2E Vanilla yoghurt/ })).toContainText('2 references');
        expect(await productNames(page)).toEqual(before);
        // Nothing of the refused pack lingers in staging either.
        expect(await stagedReferenceCount(page)).toBe(0);

        // Small writes still go through: the gallery stays usable once space is freed.
        await page.getByRole('button', { name: /E2E Vanilla yoghurt/ }).click();
        await page.getByLabel('Add front photo').setInputFiles({ name: 'front.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await testPhoto(3)) });
        await expect(page.getByRole('status', { name: 'Gallery status' })).toContainText('Added 1 front reference');
      } finally {
        await cdp.send('Storage.overrideQuotaForOrigin', { origin });
      }
    });
  });

  test('enrols references on this device, supersedes old packaging, and exports only this device’s enrolments', async ({ page }) => {
    await openGallery(page);
    await page.getByRole('button', { name: 'Add product' }).click();
    await page.getByLabel('Name').fill('E2E Device cereal');
    await page.getByLabel('Barcodes (separate with spaces)').fill('7310000000001');
    await page.getByLabel('Packaging version').fill('2026-05');
    await page.getByRole('button', { name: 'Save product' }).click();
    await expect(page.getByRole('heading', { name: 'E2E Device cereal', level: 3 })).toBeVisible();

    await page.getByLabel('Add front photo').setInputFiles({ name: 'front.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await testPhoto(7)) });
    await expect(page.getByRole('status', { name: 'Gallery status' })).toContainText('Added 1 front reference');
    await page.getByLabel('Add top photo').setInputFiles({ name: 'top.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await testPhoto(8)) });
    await expect(page.getByRole('list', { name: 'References' }).getByRole('listitem')).toHaveCount(2);
    await expect(page.getByRole('list', { name: 'References' })).toContainText('enrolled here, not exported');

    await page.getByLabel('Add left side photo').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await expect(page.getByRole('alert')).toContainText('is not a JPEG, PNG or WebP photo');

    await page.getByLabel('New packaging version (older references stay, marked superseded)').fill('2026-11');
    await page.getByRole('button', { name: 'Start new version' }).click();
    await expect(page.getByRole('list', { name: 'References' }).getByText('superseded')).toHaveCount(2);

    const exportButton = page.getByRole('button', { name: /Export my enrolments \(\d+\)/ });
    await expect(exportButton).toHaveText('Export my enrolments (2)');
    const download = page.waitForEvent('download');
    await exportButton.click();
    const file = await (await download).path();
    const pack = await decodePack(new Uint8Array(await readFile(file)));
    expect(pack.content.references).toHaveLength(2);
    expect(pack.content.references.every((r) => r.product === 'e2e-device-cereal' && r.superseded)).toBe(true);
    expect(pack.content.products).toEqual([expect.objectContaining({ id: 'e2e-device-cereal', packagingVersion: '2026-11', barcodes: ['7310000000001'] })]);
    await expect(page.getByRole('button', { name: 'Export my enrolments (0)' })).toBeDisabled();
  });

  test('reads a barcode from a photo with the decoder served from the app’s own origin', async ({ page, baseURL }) => {
    const origin = new URL(baseURL!).origin;
    const elsewhere: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('blob:') && !r.url().startsWith('data:')) elsewhere.push(r.url());
    });
    const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm') && r.url().includes('zxing'));
    await openGallery(page);
    await page.getByRole('button', { name: 'Add product' }).click();
    await page.getByLabel('Read barcode from a photo').setInputFiles({ name: 'label.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await barcodePhoto('7394376616037')) });
    await expect(page.getByText('Read 7394376616037.')).toBeVisible();
    await expect(page.getByLabel('Barcodes (separate with spaces)')).toHaveValue('7394376616037');
    expect(new URL((await wasm).url()).origin).toBe(origin);
    expect(elsewhere).toEqual([]);
  });

  test('first run imports the bundled demo pack; packs load from this origin only, and re-importing changes nothing', async ({ page }) => {
    await page.goto('./#/gallery');
    await expect(page.getByRole('status', { name: 'Gallery status' })).toContainText('Demo gallery loaded: 8 products, 48 references.');
    await expect(page.getByRole('button', { name: /Oatly Oat Milk/ })).toContainText('6 references');
    const before = await productNames(page);

    const address = page.getByLabel("Pack address on this app's server");
    await address.fill('https://example.com/gallery.intactpack');
    await page.getByRole('button', { name: 'Import from address' }).click();
    await expect(page.getByRole('alert')).toContainText("Packs are only loaded from this app's own address");

    await address.fill('demo/demo.intactpack');
    await page.getByRole('button', { name: 'Import from address' }).click();
    await expect(page.getByRole('status', { name: 'Gallery status' })).toContainText('Imported demo/demo.intactpack: 8 products, 48 references');
    expect(await productNames(page)).toEqual(before);
    await expect(page.getByRole('button', { name: /Oatly Oat Milk/ })).toContainText('6 references');

    // The static server answers unknown paths with the app's page (SPA fallback): refused as not a pack.
    await address.fill('demo/missing.intactpack');
    await page.getByRole('button', { name: 'Import from address' }).click();
    await expect(page.getByRole('alert')).toContainText('Pack refused: not an Intact gallery pack');
  });

  test('with "only accept signed gallery packs" on, unsigned packs and unknown signers are refused, a trusted signer’s pack is imported', async ({ page }) => {
    await openGallery(page);
    const status = page.getByRole('status', { name: 'Gallery status' });
    await page.getByText('Pack signatures').click();
    const onlySigned = page.getByRole('checkbox', { name: 'Only accept signed gallery packs' });

    // Requiring signatures with no trusted key would refuse every pack: not allowed.
    await onlySigned.click();
    await expect(page.getByRole('alert')).toContainText('Add a trusted public key first');
    await expect(onlySigned).not.toBeChecked();

    const trusted = await generateSigningKey();
    const stranger = await generateSigningKey();
    const publicKey = toHex(trusted.publicKey);
    // Pasted as `intact gallery keygen` prints it.
    await page.getByLabel(/Trusted public key/).fill(JSON.stringify({ secretKeyFile: 'gallery.key', publicKey }));
    await page.getByRole('button', { name: 'Trust key' }).click();
    await expect(status).toContainText(`Packs signed by ${publicKey.slice(0, 16)}… are trusted.`);
    await onlySigned.check();
    await expect(status).toContainText('Only signed gallery packs are accepted now.');

    await page.reload();
    await openGallery(page);
    await page.getByText('Pack signatures').click();
    await expect(page.getByRole('checkbox', { name: 'Only accept signed gallery packs' })).toBeChecked();
    await expect(page.getByRole('list', { name: 'Trusted keys' })).toContainText(publicKey.slice(0, 16));
    const before = await productNames(page);

    await importPackBytes(page, 'unsigned.intactpack', await buildTestPack('unsigned', PACK_B));
    await expect(page.getByRole('alert')).toHaveText('Pack refused: pack is not signed, and this device only accepts signed packs. The gallery is unchanged.');
    await importPackBytes(page, 'stranger.intactpack', await buildTestPack('stranger', PACK_B, { signWith: stranger }));
    await expect(page.getByRole('alert')).toHaveText(
      `Pack refused: pack is signed by ${toHex(stranger.publicKey).slice(0, 16)}…, which is not a trusted key on this device. The gallery is unchanged.`,
    );
    expect(await productNames(page)).toEqual(before);

    await importPackBytes(page, 'signed.intactpack', await buildTestPack('signed', PACK_B, { signWith: trusted }));
    await expect(status).toContainText(`Imported signed.intactpack: 1 products, 2 references (2 to embed), signed by ${publicKey.slice(0, 16)}…`);
    await expect(page.getByRole('button', { name: /E2E Vanilla yoghurt/ })).toContainText('2 references');
  });

  test('upgrades a gallery stored by schema version 1 without losing it', async ({ page }) => {
    // A device that last ran the app at schema v1 (before staging stores and the barcode index).
    // A static file of the same origin: storage is shared, but no app code opens the gallery first.
    await page.goto('./demo/README.md');
    await page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('intact-gallery', 1);
          open.onupgradeneeded = () => {
            const db = open.result;
            db.createObjectStore('products', { keyPath: 'id' }).createIndex('byName', 'name');
            const refs = db.createObjectStore('references', { keyPath: 'id' });
            refs.createIndex('byProduct', 'product');
            refs.createIndex('byOrigin', 'origin');
            db.createObjectStore('images', { keyPath: 'reference' });
            const emb = db.createObjectStore('embeddings', { keyPath: ['reference', 'model'] });
            emb.createIndex('byModel', 'model');
            emb.createIndex('byReference', 'reference');
            db.createObjectStore('versions', { keyPath: 'id', autoIncrement: true });
            const meta = db.createObjectStore('meta');
            meta.put(true, 'demoImported');
            open.transaction!.objectStore('products').put({
              id: 'v1-cocoa',
              name: 'V1 Cocoa',
              barcodes: ['7310865004703'],
              units: 6,
              category: null,
              packagingVersion: '2025-01',
              updatedAt: '2025-01-01T00:00:00.000Z',
            });
          };
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            open.result.close();
            resolve();
          };
        }),
    );
    await openGallery(page);
    await expect(page.getByRole('button', { name: /V1 Cocoa/ })).toBeVisible();
    expect(await stagedReferenceCount(page)).toBe(0);
    // Migration 1 → 2 indexed the existing product by barcode.
    const byBarcode = await page.evaluate(
      () =>
        new Promise<string[]>((resolve, reject) => {
          const open = indexedDB.open('intact-gallery');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const req = open.result.transaction('products').objectStore('products').index('byBarcode').getAllKeys('7310865004703');
            req.onsuccess = () => {
              open.result.close();
              resolve(req.result as string[]);
            };
            req.onerror = () => reject(req.error);
          };
        }),
    );
    expect(byBarcode).toEqual(['v1-cocoa']);
  });

  test('fits a 360×640 phone and works by keyboard', async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 640 });
    await openGallery(page);
    await expect(page.getByRole('button', { name: /Oatly Oat Milk/ })).toBeVisible();
    await page.getByRole('button', { name: /Oatly Oat Milk/ }).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByRole('heading', { name: 'Oatly Oat Milk', level: 3 })).toBeVisible();
    const overflow = await page.evaluate(() => [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => e.outerHTML.slice(0, 80)));
    expect(overflow).toEqual([]);
    // Every control on the screen has an accessible name.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll('main button, main input, main a, main select, main textarea')]
        .filter((e) => !(e as HTMLElement).ariaLabel && !e.getAttribute('aria-label') && !(e as HTMLInputElement).labels?.length && !e.textContent?.trim())
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(unnamed).toEqual([]);
  });

  test.describe('with the released model', () => {
    test('identifies a sample photo against the gallery and refuses a pack embedded with another model', async ({ page }) => {
      test.setTimeout(180_000);
      await page.goto('./#/gallery');
      await expect(page.getByRole('link', { name: /^Ready/ })).toBeVisible({ timeout: 120_000 });
      // The gallery is searchable once every current reference has this model's vectors.
      await expect(page.getByText(/waiting for the embedding model|Updating references/)).toHaveCount(0, { timeout: 120_000 });

      await importPackBytes(page, 'foreign.intactpack', await buildTestPack('foreign', PACK_B, { foreignVectors: true }));
      await expect(page.getByRole('alert')).toContainText(`Pack refused: pack was embedded with ${FOREIGN_MODEL.id}@${FOREIGN_MODEL.version}`);
      await expect(page.getByRole('button', { name: /E2E Vanilla yoghurt/ })).toHaveCount(0);

      await page.goto('./#/check');
      await page.getByRole('button', { name: /sample/i }).first().click();
      const match = page.getByRole('region', { name: 'Identified product' });
      await expect(match).toBeVisible({ timeout: 60_000 });
      const demoNames = ['Oatly Oat Milk', 'Oatly Natural Oatghurt', 'God Morgon Orange Juice', 'God Morgon Apple Juice', 'Alpro Blueberry Soyghurt', 'Alpro Vanilla Soyghurt', 'Arla Standard Milk', 'Arla Medium Fat Milk'];
      expect(demoNames).toContain((await match.getByRole('heading').textContent())?.trim());
      await expect(match.getByRole('img', { name: /^Reference photo of / })).toBeVisible();
    });

    test('a barcode naming another product than the picture shows is a mismatch', async ({ page }) => {
      test.setTimeout(180_000);
      await page.goto('./#/gallery');
      await expect(page.getByRole('link', { name: /^Ready/ })).toBeVisible({ timeout: 120_000 });
      await expect(page.getByText(/waiting for the embedding model|Updating references/)).toHaveCount(0, { timeout: 120_000 });
      // A product that owns the barcode but has no references, so the picture can never be it.
      await page.getByRole('button', { name: 'Add product' }).click();
      await page.getByLabel('Name').fill('E2E Relabelled cocoa');
      await page.getByLabel('Barcodes (separate with spaces)').fill('7394376616037');
      await page.getByRole('button', { name: 'Save product' }).click();
      await expect(page.getByRole('heading', { name: 'E2E Relabelled cocoa', level: 3 })).toBeVisible();

      await page.goto('./#/check');
      const oat = new Uint8Array(await readFile('public/samples/oatly-oat-milk.jpg'));
      await page.getByLabel('Photo file').setInputFiles({ name: 'relabelled.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await barcodePhoto('7394376616037', oat)) });
      const match = page.getByRole('region', { name: 'Identified product' });
      await expect(match).toBeVisible({ timeout: 60_000 });
      const shown = (await match.getByRole('heading').textContent())?.trim();
      await expect(page.getByRole('alert').filter({ hasText: 'Mismatch' })).toHaveText(
        `Mismatch: the barcode 7394376616037 belongs to E2E Relabelled cocoa, but the picture shows ${shown}. Set the item aside for a check.`,
      );
      // One source of truth: the mismatch is the verdict's, not a second opinion beside it.
      await expect(verdictRegion(page)).toHaveText(/^Sideline/);
      await expect(verdictRegion(page)).toContainText('label does not match barcode');

      // The photo was read for its barcode in the worker; Diagnostics shows what that cost.
      await page.getByRole('link', { name: 'Diagnostics' }).click();
      const row = page.getByRole('row', { name: /relabelled\.jpg/ });
      await expect(row.getByRole('cell').nth(2)).toHaveText(/^\d+ ms$/);
      console.log(`barcode read in the worker: ${await row.getByRole('cell').nth(2).textContent()} (decode ${await row.getByRole('cell').nth(1).textContent()}, check ${await row.getByRole('cell').nth(6).textContent()})`);
    });

    test('a wedge-scanned barcode of another product goes into the verdict: Sideline, label does not match barcode', async ({ page }) => {
      test.setTimeout(180_000);
      await page.goto('./#/gallery');
      await expect(page.getByRole('link', { name: /^Ready/ })).toBeVisible({ timeout: 120_000 });
      await expect(page.getByText(/waiting for the embedding model|Updating references/)).toHaveCount(0, { timeout: 120_000 });
      const oatPhoto = await readFile('public/samples/oatly-oat-milk.jpg');
      // Product A, enrolled with its photo and barcode; product B owns the barcode the scanner reads.
      for (const [name, barcode] of [
        ['E2E Oat drink A', '7394376616037'],
        ['E2E Cocoa B', '7310865004703'],
      ]) {
        await page.getByRole('button', { name: 'Add product' }).click();
        await page.getByLabel('Name').fill(name);
        await page.getByLabel('Barcodes (separate with spaces)').fill(barcode);
        await page.getByRole('button', { name: 'Save product' }).click();
        await expect(page.getByRole('heading', { name, level: 3 })).toBeVisible();
      }
      await page.getByRole('button', { name: /E2E Oat drink A/ }).click();
      await expect(page.getByRole('heading', { name: 'E2E Oat drink A', level: 3 })).toBeVisible();
      await page.getByLabel('Add front photo').setInputFiles({ name: 'front.jpg', mimeType: 'image/jpeg', buffer: oatPhoto });
      await expect(page.getByRole('status', { name: 'Gallery status' })).toContainText('Added 1 front reference to E2E Oat drink A');

      await page.goto('./#/check');
      await expect(page.getByRole('button', { name: 'Try a sample' })).toBeEnabled({ timeout: 60_000 });
      await wedgeScan(page, '7310865004703');
      await expect(page.getByText('Barcode 7310865004703 scanned: it goes with the next check.')).toBeVisible();
      await page.getByLabel('Photo file').setInputFiles({ name: 'oat-a.jpg', mimeType: 'image/jpeg', buffer: oatPhoto });
      await expect(verdictRegion(page)).toHaveText(/^Sideline/);
      await expect(verdictRegion(page)).toContainText('label does not match barcode');
      await expect(page.getByRole('alert').filter({ hasText: 'Mismatch' })).toHaveText(
        'Mismatch: the barcode 7310865004703 belongs to E2E Cocoa B, but the picture shows E2E Oat drink A. Set the item aside for a check.',
      );
      // The scan belonged to that item; the next check goes without it.
      await expect(page.getByText(/scanned: it goes with the next check/)).toHaveCount(0);

      // The same photo with product A's own barcode scanned agrees with the picture.
      await wedgeScan(page, '7394376616037');
      await page.getByLabel('Photo file').setInputFiles({ name: 'oat-a-again.jpg', mimeType: 'image/jpeg', buffer: oatPhoto });
      await expect(page.getByText('Barcode 7394376616037 confirms E2E Oat drink A.')).toBeVisible();
      await expect(verdictRegion(page)).toHaveText(VERDICT);
      await expect(verdictRegion(page)).not.toContainText('label does not match barcode');
    });
  });
});
