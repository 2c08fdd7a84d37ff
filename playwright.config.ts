// End-to-end tests run Debian's Chromium against the BUILT app served by `vite preview`
// (production bundle, service worker, COOP/COEP), exactly what `npm start` serves.
import { resolve } from 'node:path';
import { defineConfig } from '@playwright/test';
import { FAKE_CAMERA_FILE } from './tests/e2e/fake-camera.ts';

// Port, build and output folder are overridable so two test runs (say, two engineers' branches) can share a machine.
const PORT = Number(process.env.E2E_PORT ?? 4174);
const DIST = process.env.E2E_DIST ?? 'dist';

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: process.env.E2E_OUTPUT ?? 'test-results',
  globalSetup: './tests/e2e/global-setup.ts',
  // WASM inference on a 2-core machine: one browser at a time keeps timings honest and CI stable.
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: `http://localhost:${PORT}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--enable-unsafe-webgpu',
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-video-capture=${resolve(FAKE_CAMERA_FILE)}`,
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --outDir ${DIST}`,
    url: `http://localhost:${PORT}`,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
