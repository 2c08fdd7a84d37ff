// Starts the same Inspector the app's worker uses, reading models from disk.
import { availableParallelism } from 'node:os';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseManifest } from '../lib/core/manifest-parse.ts';
import { configureOrt } from '../lib/inference/index.ts';
import { Inspector } from '../lib/pipeline/inspector.ts';
import type { Log } from './log.ts';
import { manifestPath } from './paths.ts';

export async function loadInspector(log: Log): Promise<Inspector> {
  const path = manifestPath();
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`cannot read the model manifest ${path}: ${(e as Error).message} (run "npm run models:build" or set INTACT_MODELS)`);
  }
  const manifest = parseManifest(json);
  // Node has no cross-origin isolation to worry about; leave a core for sharp's decoding.
  configureOrt({ numThreads: Math.max(1, Math.min(4, availableParallelism() - 1)) });
  const base = dirname(path);
  const inspector = await Inspector.create({
    manifest,
    readFile: async (file) => new Uint8Array(await readFile(resolve(base, file))),
    providers: ['wasm'],
  });
  for (const s of inspector.status()) log.info(`model ${s.id}@${s.version} (${s.precision}, ${s.sha256.slice(0, 12)}) on ${s.provider}, warm-up ${s.warmupMs.toFixed(0)} ms`);
  return inspector;
}
