// int8 vs fp32 latency on the WASM provider, measured side by side in one process: the runs
// are interleaved (A, B, A, B, …) so machine load affects both alike.
import type { ModelEntry } from '../src/lib/core/model-manifest.ts';
import { ModelSession } from '../src/lib/inference/index.ts';
import { quantile, startClock } from './clock.ts';

export interface ModelRow {
  id: string;
  precision: string;
  file: string;
  mb: number;
  loadMs: number;
  warmupMs: number;
  medianMs: number;
  p90Ms: number;
  /** Median CPU time of a run (≈ wall time on an idle machine; one WASM thread). */
  medianCpuMs: number;
}


export async function benchModels(entries: ModelEntry[], readFile: (file: string) => Promise<Uint8Array>, runs: number, log: (m: string) => void): Promise<ModelRow[]> {
  const loaded = [];
  for (const entry of entries) {
    const bytes = await readFile(entry.file);
    const t0 = performance.now();
    const session = await ModelSession.create(bytes, ['wasm']);
    const loadMs = performance.now() - t0;
    const dims = [1, 3, entry.input.size, entry.input.size];
    await session.warmUp(dims);
    const input = Float32Array.from({ length: 3 * entry.input.size ** 2 }, (_, i) => Math.sin(i) * 1.5);
    loaded.push({ entry, session, loadMs, dims, input, times: [] as number[], cpu: [] as number[] });
  }
  for (let r = 0; r < runs; r++) {
    for (const m of loaded) {
      const stop = startClock();
      await m.session.run(m.input, m.dims);
      const t = stop();
      m.times.push(t.wallMs);
      m.cpu.push(t.cpuMs);
    }
  }
  const rows = loaded.map((m) => ({
    id: m.entry.id, precision: m.entry.precision, file: m.entry.file, mb: m.entry.bytes / 2 ** 20,
    loadMs: m.loadMs, warmupMs: m.session.warmupMs, medianMs: quantile(m.times, 0.5), p90Ms: quantile(m.times, 0.9), medianCpuMs: quantile(m.cpu, 0.5),
  }));
  for (const m of loaded) await m.session.release();
  for (const r of rows) log(`model ${r.id} ${r.precision}: ${r.medianMs.toFixed(1)} ms median`);
  return rows;
}
