import type { EngineConfig } from '../worker/messages.ts';

/** What this browser can give the inference worker. */
export function browserEngineConfig(): EngineConfig {
  const isolated = globalThis.crossOriginIsolated === true;
  return {
    modelBaseUrl: new URL('models/', document.baseURI).href,
    // Without isolation there is no SharedArrayBuffer, so WASM runs single-threaded.
    numThreads: isolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1,
    providers: 'gpu' in navigator ? ['webgpu', 'wasm'] : ['wasm'],
  };
}
