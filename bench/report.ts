// The benchmark as a markdown table (for the README) from the JSON result.
import type { ModelRow } from './model-latency.ts';
import type { PreprocessRow } from './preprocessing.ts';
import type { SearchRow } from './vector-search.ts';

export interface BenchResult {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; ortVersion: string; wasmThreads: number };
  models: ModelRow[];
  preprocessing: PreprocessRow[];
  vectorSearch: SearchRow[];
}

const f = (x: number, digits = 1) => x.toFixed(digits);

export function toMarkdown(r: BenchResult): string {
  const out: string[] = [];
  out.push(`Benchmark ${r.date} — ${r.machine.cpuModel} (${r.machine.cpus} cores), Node ${r.machine.node}, onnxruntime-web ${r.machine.ortVersion} WASM, ${r.machine.wasmThreads} thread(s)`, '');
  if (r.models.length) {
    out.push('| model | precision | file MB | load ms | warm-up ms | median ms | p90 ms |', '|---|---|---:|---:|---:|---:|---:|');
    for (const m of r.models) out.push(`| ${m.id} | ${m.precision} | ${f(m.mb, 2)} | ${f(m.loadMs, 0)} | ${f(m.warmupMs, 0)} | ${f(m.medianMs)} | ${f(m.p90Ms)} |`);
    out.push('');
  }
  out.push('| frame | preprocess ms | quality check ms |', '|---|---:|---:|');
  for (const p of r.preprocessing) out.push(`| ${p.frame} | ${f(p.preprocessMs)} | ${f(p.qualityMs)} |`);
  out.push('', '| references | dim | vectors | ms / query (all) | ms / query (20 candidates) | MB in memory |', '|---:|---:|---|---:|---:|---:|');
  for (const s of r.vectorSearch) out.push(`| ${s.references.toLocaleString('en-US')} | ${s.dim} | ${s.precision} | ${f(s.msPerQuery, 2)} | ${f(s.msPerQueryNarrowed, 3)} | ${f(s.mbInMemory)} |`);
  return out.join('\n');
}
