// The benchmark as a markdown table (for the README) from the JSON result.
import type { CheckCostRow } from './check-cost.ts';
import type { ModelRow } from './model-latency.ts';
import type { GallerySearchRow } from './gallery-search.ts';
import type { PatchCompareRow } from './patch-compare.ts';
import type { PreprocessRow } from './preprocessing.ts';
import type { SearchRow } from './vector-search.ts';
import type { WorkerGalleryRow } from './worker-gallery.ts';

export interface BenchResult {
  date: string;
  machine: { cpus: number; cpuModel: string; node: string; ortVersion: string; wasmThreads: number; loadAverage?: number };
  models: ModelRow[];
  checkCost?: CheckCostRow[];
  preprocessing: PreprocessRow[];
  vectorSearch: SearchRow[];
  gallerySearch?: GallerySearchRow[];
  patchCompare?: PatchCompareRow[];
  workerGallery?: WorkerGalleryRow[];
}

const f = (x: number, digits = 1) => x.toFixed(digits);

export function toMarkdown(r: BenchResult): string {
  const out: string[] = [];
  out.push(`Benchmark ${r.date} — ${r.machine.cpuModel} (${r.machine.cpus} cores, load average ${r.machine.loadAverage?.toFixed(1) ?? '?'}), Node ${r.machine.node}, onnxruntime-web ${r.machine.ortVersion} WASM, ${r.machine.wasmThreads} thread(s). ms = wall clock; CPU = this process's CPU time, ≈ wall time on an idle machine.`, '');
  if (r.models.length) {
    out.push('| model | precision | file MB | load ms | warm-up ms | median ms | p90 ms | median CPU ms |', '|---|---|---:|---:|---:|---:|---:|---:|');
    for (const m of r.models) out.push(`| ${m.id} | ${m.precision} | ${f(m.mb, 2)} | ${f(m.loadMs, 0)} | ${f(m.warmupMs, 0)} | ${f(m.medianMs)} | ${f(m.p90Ms)} | ${f(m.medianCpuMs)} |`);
    out.push('');
  }
  if (r.checkCost?.length) {
    const baseline = r.checkCost.find((c) => c.release === 'baseline');
    out.push('| whole check, 1920 px frame (Inspector.inspect) | checks | median ms | p90 ms | median CPU ms | × baseline (median) | close calls |', '|---|---:|---:|---:|---:|---:|---:|');
    for (const c of r.checkCost) {
      const ratio = baseline ? `${f(c.medianMs / baseline.medianMs, 2)}×` : 'n/a';
      out.push(`| ${c.model} (${c.release}) | ${c.checks} | ${f(c.medianMs, 0)} | ${f(c.p90Ms, 0)} | ${f(c.medianCpuMs, 0)} | ${ratio} | ${f(100 * c.closeCalls, 0)} % |`);
    }
    out.push('');
  }
  out.push('| frame | preprocess ms (CPU) | quality check ms (CPU) |', '|---|---:|---:|');
  for (const p of r.preprocessing) out.push(`| ${p.frame} | ${f(p.preprocessMs)} (${f(p.preprocessCpuMs)}) | ${f(p.qualityMs)} (${f(p.qualityCpuMs)}) |`);
  out.push('', '| references | dim | vectors | ms / query, all (CPU) | ms / query, 20 candidates | MB in memory |', '|---:|---:|---|---:|---:|---:|');
  for (const s of r.vectorSearch) out.push(`| ${s.references.toLocaleString('en-US')} | ${s.dim} | ${s.precision} | ${f(s.msPerQuery, 2)} (${f(s.cpuMsPerQuery, 2)}) | ${f(s.msPerQueryNarrowed, 3)} | ${f(s.mbInMemory)} |`);
  const approximate = r.vectorSearch.flatMap((s) => (s.approximate ? [{ s, a: s.approximate }] : []));
  if (approximate.length) {
    out.push('', '| references | products | exact int8 ms median / p95 | IVF lists | nprobe | IVF ms median / p95 | recall@1 | recall@5 | rows scored | build s (CPU) | MB exact → with IVF | default |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const { s, a } of approximate) {
      const c = a.sweep.find((p) => p.nprobe === a.nprobe)!;
      out.push(`| ${s.references.toLocaleString('en-US')} | ${a.products.toLocaleString('en-US')} | ${f(a.exactMsMedian, 2)} / ${f(a.exactMsP95, 2)} | ${a.lists} | ${a.nprobe} | ${f(c.msMedian, 2)} / ${f(c.msP95, 2)} | ${f(c.recallAt1, 3)} | ${f(c.recallAt5, 3)} | ${Math.round(c.rowsScanned).toLocaleString('en-US')} | ${f(a.buildMs / 1000)} (${f(a.buildCpuMs / 1000)}) | ${f(s.mbInMemory)} → ${f(a.mbWithIndex)} | ${a.usedByDefault ? 'IVF' : 'exact'} |`);
    }
    out.push('', '| references | nprobe / lists | IVF ms median (CPU) | recall@1 | recall@5 | rows scored | queries |', '|---:|---:|---:|---:|---:|---:|---:|');
    for (const { s, a } of approximate) {
      for (const p of a.sweep) out.push(`| ${s.references.toLocaleString('en-US')} | ${p.nprobe} / ${a.lists}${p.nprobe === a.nprobe ? ' (default)' : ''} | ${f(p.msMedian, 2)} (${f(p.cpuMsMedian, 2)}) | ${f(p.recallAt1, 3)} | ${f(p.recallAt5, 3)} | ${Math.round(p.rowsScanned).toLocaleString('en-US')} | ${a.queries} |`);
    }
  }
  if (r.gallerySearch?.length) {
    out.push('', '| references | products | identify search | int8 ms / identify (first) | exact float32 ms | int8 MB | float32 MB | identify top-1 = exact float32 top-1 |', '|---:|---:|---|---:|---:|---:|---:|---:|');
    for (const g of r.gallerySearch) {
      out.push(`| ${g.references.toLocaleString('en-US')} | ${g.products.toLocaleString('en-US')} | ${g.search ?? 'exact'} | ${f(g.msPerQueryInt8, 2)} (${f(g.firstQueryMsInt8 ?? g.msPerQueryInt8, 0)}) | ${f(g.msPerQueryFloat32, 2)} | ${f(g.mbInt8)} | ${f(g.mbFloat32)} | ${f(g.top1AgreementInt8 * 100)}% |`);
    }
  }
  if (r.patchCompare?.length) {
    out.push('', '| references of the product | patches in | memory patches | memory MB | build ms, once per product (CPU) | compare ms per check (CPU) |', '|---:|---:|---:|---:|---:|---:|');
    for (const p of r.patchCompare) out.push(`| ${p.references} | ${p.patchesIn.toLocaleString('en-US')} | ${p.memoryPatches} | ${f(p.memoryMb, 2)} | ${f(p.buildMs, 0)} (${f(p.buildCpuMs, 0)}) | ${f(p.scoreMs)} (${f(p.scoreCpuMs)}) |`);
  }
  if (r.workerGallery?.length) {
    const w0 = r.workerGallery[0];
    out.push('', `Gallery held by the inference worker (${w0.dim}-d embeddings, ${w0.cells} × ${w0.patchDim} patch features per reference): float32 = widened on arrival (before 47f3f46), int8 = kept as it arrived. ms = identify with patch re-ranking, median of ${w0.queries} queries (first pass pools the references it touches).`, '');
    out.push('| references | MB held float32 → int8 | ratio | ms / identify float32 → int8 | first pass ms float32 → int8 | install ms float32 → int8 | int8 top-1 = float32 top-1 |', '|---:|---:|---:|---:|---:|---:|---:|');
    for (const w of r.workerGallery) {
      const floatMb = w.mbFloat !== null ? f(w.mbFloat, 0) : `≈ ${f(w.floatMbEstimate ?? 0, 0)} (not run)`;
      const ratio = f((w.mbFloat ?? w.floatMbEstimate ?? 0) / w.mbInt8, 2);
      const or = (x: number | null, digits = 1) => (x === null ? '—' : f(x, digits));
      out.push(`| ${w.references.toLocaleString('en-US')} | ${floatMb} → ${f(w.mbInt8, 0)} | ${ratio}× | ${or(w.msFloat)} → ${f(w.msInt8)} | ${or(w.msFirstFloat)} → ${f(w.msFirstInt8)} | ${or(w.installMsFloat, 0)} → ${f(w.installMsInt8, 0)} | ${w.top1Agreement === null ? '—' : `${f(w.top1Agreement * 100, 0)}%`} |`);
    }
  }
  return out.join('\n');
}
