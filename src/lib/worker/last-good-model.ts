// Keeps a copy of the last model set that loaded and verified, in Cache Storage, so that a model
// update that arrives damaged (or half-downloaded) never leaves the associate without a checker:
// the worker falls back to these bytes, and the pipeline verifies them again before use.
import type { ModelManifest } from '../core/model-manifest.ts';
import type { ReadModelFile } from '../pipeline/api.ts';

const CACHE_NAME = 'intact-last-good-model-v1';
const keyFor = (file: string) => new URL(`/__last-good-model__/${file}`, self.location.origin).href;
const MANIFEST_KEY = '__manifest__.json';

export async function rememberGoodModels(manifest: ModelManifest, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  if (typeof caches === 'undefined') return;
  const cache = await caches.open(CACHE_NAME);
  const manifestText = JSON.stringify(manifest);
  const stored = await cache.match(keyFor(MANIFEST_KEY));
  if (stored && (await stored.text()) === manifestText) return;
  // Files first, manifest last: a copy interrupted half-way has no manifest pointing at it yet.
  await cache.delete(keyFor(MANIFEST_KEY));
  for (const [file, bytes] of files) {
    await cache.put(keyFor(file), new Response(bytes.slice().buffer as ArrayBuffer));
  }
  await cache.put(keyFor(MANIFEST_KEY), new Response(manifestText, { headers: { 'content-type': 'application/json' } }));
}

export async function recallGoodModels(): Promise<{ manifest: ModelManifest; readFile: ReadModelFile } | null> {
  if (typeof caches === 'undefined') return null;
  const cache = await caches.open(CACHE_NAME);
  const stored = await cache.match(keyFor(MANIFEST_KEY));
  if (!stored) return null;
  const manifest = (await stored.json()) as ModelManifest;
  const readFile: ReadModelFile = async (file) => {
    const response = await cache.match(keyFor(file));
    if (!response) throw new Error(`previous model file ${file} is no longer stored`);
    return new Uint8Array(await response.arrayBuffer());
  };
  return { manifest, readFile };
}
