/// <reference types="vitest/config" />
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';

// WASM threads need SharedArrayBuffer, which needs cross-origin isolation.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

// Nothing leaves the device: every fetch, script, worker and image comes from the app's origin.
// 'wasm-unsafe-eval' lets onnxruntime compile its WebAssembly; blob: workers are how its threads
// start. Styles come from the built CSS files only.
const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "style-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

const MIME: Record<string, string> = {
  '.json': 'application/json',
  '.onnx': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.mjs': 'text/javascript',
};

/** URL path (under the app) → file on disk, for the released models and their manifest. */
function releasedModelFiles(): Map<string, string> {
  const files = new Map<string, string>();
  // INTACT_MODELS_DIR serves another released-model folder (e.g. a candidate under test).
  const modelsDir = resolve(process.env.INTACT_MODELS_DIR ?? 'models');
  const manifestPath = join(modelsDir, 'manifest.json');
  if (!existsSync(manifestPath)) return files;
  files.set('models/manifest.json', manifestPath);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: { file: string; default?: boolean }[] };
  // Only the models the app loads ship with it; the others exist to be measured against (CLI).
  for (const entry of manifest.models.filter((m) => m.default)) {
    const path = resolve(modelsDir, entry.file);
    if (relative(modelsDir, path).startsWith('..')) throw new Error(`model file ${entry.file} lies outside models/`);
    if (existsSync(path)) files.set(`models/${relative(modelsDir, path)}`, path);
  }
  return files;
}

/**
 * Serves models/manifest.json and the default models at /models/... in dev, and copies them into
 * the build (hence preview and the service worker's precache). The manifest is re-read on every
 * dev request so a new model release shows up without restarting the server.
 */
function releasedModels(): Plugin {
  return {
    name: 'intact:released-models',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\//, '');
        const file = path.startsWith('models/') ? releasedModelFiles().get(path) : undefined;
        if (!file || !statSync(file).isFile()) return next();
        res.setHeader('Content-Type', MIME[extname(file)] ?? 'application/octet-stream');
        for (const [name, value] of Object.entries(isolationHeaders)) res.setHeader(name, value);
        res.end(readFileSync(file));
      });
    },
    generateBundle() {
      const files = releasedModelFiles();
      if (files.size === 0) this.warn('models/manifest.json is missing: the app will start without a model.');
      for (const [fileName, path] of files) this.emitFile({ type: 'asset', fileName, source: readFileSync(path) });
    },
  };
}

/** The CSP goes into the built page only: Vite's dev server relies on inline scripts for HMR. */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'intact:csp-meta',
    apply: 'build',
    transformIndexHtml: () => [
      { tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: contentSecurityPolicy }, injectTo: 'head-prepend' },
    ],
  };
}

export default defineConfig({
  plugins: [
    svelte(),
    releasedModels(),
    contentSecurityPolicyMeta(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      manifest: {
        name: 'Intact — damage check',
        short_name: 'Intact',
        description: 'Tells whether a packaged item is damaged and which product it is, on the device.',
        start_url: './',
        scope: './',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#10151c',
        theme_color: '#10151c',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell, onnxruntime's WebAssembly and the models: all of it is needed to check
        // an item with the network off.
        globPatterns: ['**/*.{html,js,mjs,css,wasm,onnx,json,webmanifest,png,svg,jpg,webp}'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The app is one page (hash routes); opening a file by its address must give that file.
        navigateFallbackDenylist: [/\/[^/?]+\.(?!html)[a-z0-9]+(\?.*)?$/i],
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  server: { headers: isolationHeaders },
  preview: { headers: { ...isolationHeaders, 'Content-Security-Policy': contentSecurityPolicy } },
  worker: { format: 'es' },
  test: {
    include: ['src/**/*.test.ts', 'tests/unit/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
  },
});
