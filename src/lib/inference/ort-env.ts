// The one place onnxruntime-web is imported (lint enforces it). Everything above this module
// sees plain typed arrays, never ort.Tensor, so the engine could be swapped in one folder.
import * as ort from 'onnxruntime-web';

export { ort };

export interface OrtConfig {
  /**
   * Where the .wasm/.mjs runtime files are served from (a URL prefix ending in "/", or a
   * per-file map). The app sets its own origin so nothing is fetched from a CDN.
   */
  wasmPaths?: string | Record<string, string>;
  /** WASM threads; defaults to what the environment can actually use (see defaultThreads). */
  numThreads?: number;
}

/**
 * Threads need SharedArrayBuffer, which browsers only grant cross-origin isolated pages;
 * asking for more without it only produces a console warning and one thread anyway.
 * Capped at 4: beyond that the small models here gain nothing and the UI thread loses a core.
 */
export function defaultThreads(): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number }; process?: unknown };
  const isNode = typeof g.process === 'object' && g.process !== null && typeof (g.process as { versions?: { node?: string } }).versions?.node === 'string';
  if (!isNode && g.crossOriginIsolated !== true) return 1;
  const cores = g.navigator?.hardwareConcurrency ?? 1;
  return Math.max(1, Math.min(4, cores));
}

let configured: Required<Pick<OrtConfig, 'numThreads'>> & OrtConfig = { numThreads: 1 };

/** Call before the first session is created (later changes do not affect live sessions). */
export function configureOrt(config: OrtConfig = {}): void {
  const numThreads = config.numThreads ?? defaultThreads();
  if (!(Number.isInteger(numThreads) && numThreads >= 1)) throw new RangeError(`numThreads must be a positive integer, got ${numThreads}`);
  ort.env.wasm.numThreads = numThreads;
  if (config.wasmPaths !== undefined) ort.env.wasm.wasmPaths = config.wasmPaths;
  // Errors surface as exceptions; ort's own console chatter would only pollute CLI stderr.
  ort.env.logLevel = 'error';
  configured = { ...config, numThreads };
}

export function ortSettings(): { numThreads: number; wasmPaths?: OrtConfig['wasmPaths']; version: string } {
  return { numThreads: configured.numThreads, wasmPaths: configured.wasmPaths, version: ort.env.versions?.web ?? 'unknown' };
}
