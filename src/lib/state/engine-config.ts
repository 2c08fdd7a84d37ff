import type { EngineConfig } from '../worker/messages.ts';

/** What the browser offers for WebGPU, as Diagnostics reports it. */
export interface GpuReport {
  usable: boolean;
  /** e.g. "nvidia ampere", "google swiftshader (software fallback, not used)", "none". */
  adapter: string;
}

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  isFallbackAdapter?: boolean;
}

/**
 * A fallback adapter (SwiftShader: WebGPU emulated on the CPU) is many times slower than WASM
 * on the same CPU, so it counts as no GPU at all.
 */
async function inspectGpu(): Promise<GpuReport> {
  const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ info?: AdapterInfoLike; isFallbackAdapter?: boolean } | null> } }).gpu;
  if (!gpu) return { usable: false, adapter: 'none (no WebGPU in this browser)' };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { usable: false, adapter: 'none' };
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture].filter(Boolean).join(' ') || 'unnamed adapter';
  if (info.isFallbackAdapter || adapter.isFallbackAdapter) return { usable: false, adapter: `${name} (software fallback, not used)` };
  return { usable: true, adapter: name };
}

/** What this browser can give the inference worker. */
export async function browserEngineConfig(): Promise<{ config: EngineConfig; gpu: GpuReport }> {
  const isolated = globalThis.crossOriginIsolated === true;
  const gpu = await inspectGpu();
  return {
    gpu,
    config: {
      modelBaseUrl: new URL('models/', document.baseURI).href,
      // Without isolation there is no SharedArrayBuffer, so WASM runs single-threaded.
      numThreads: isolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1)) : 1,
      providers: gpu.usable ? ['webgpu', 'wasm'] : ['wasm'],
    },
  };
}
