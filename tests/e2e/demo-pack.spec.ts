// The bundled demo pack carries vectors of the bundled model. A device that runs another model
// when it imports the pack (here: a first import that failed, retried after the device recorded
// a model of its own) still gets the demo: photos and metadata, re-embedded on the device.
import { expect, test } from '@playwright/test';
import { openApp } from './app.ts';

test.use({ serviceWorkers: 'block' });

test('the demo pack is imported on a device running another model, and its photos are re-embedded there', async ({ page }) => {
  test.setTimeout(300_000);
  // First start: the pack does not arrive, so the import is retried on the next start.
  await page.route('**/demo/demo.intactpack', (route) => route.abort());
  await openApp(page);
  await page.goto('./#/gallery');
  await expect(page.getByRole('alert')).toContainText('The demo gallery could not be loaded');
  await page.unroute('**/demo/demo.intactpack');

  // The device's model, as recorded in the gallery, becomes one the pack was not embedded with.
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          new Promise<boolean>((resolve, reject) => {
            const open = indexedDB.open('intact-gallery');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const tx = open.result.transaction('meta', 'readwrite');
              const meta = tx.objectStore('meta');
              const read = meta.get('activeModel');
              read.onsuccess = () => {
                const model = read.result as Record<string, unknown> | undefined;
                if (model) meta.put({ ...model, id: 'another-model', sha256: '0'.repeat(64) }, 'activeModel');
                tx.oncomplete = () => {
                  open.result.close();
                  resolve(model !== undefined);
                };
              };
            };
          }),
      ),
    )
    .toBe(true);

  await page.reload();
  await expect(page.getByRole('status', { name: 'Gallery status' })).toContainText('Demo gallery loaded: 8 products, 48 references.');
  await page.goto('./#/');
  const preparing = page.getByText(/^Gallery still being prepared/);
  await expect(preparing).toContainText(/\(\d+ of 48\)/, { timeout: 120_000 });
  await expect(preparing).toHaveCount(0, { timeout: 240_000 });
  await page.getByRole('link', { name: 'Diagnostics' }).click();
  await expect(page.getByTestId('gallery-references')).toHaveText('48 references, 8 products');
});
