// intact bench [--sizes 1000,10000,100000,1000000] [--runs N] [--json]
// Markdown tables on stdout (or the JSON with --json); the JSON is also saved to
// bench/results.json (atomically) so the README table can be regenerated from it.
import { cpus, loadavg } from 'node:os';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { benchCheckCost } from '../../../bench/check-cost.ts';
import { benchModels } from '../../../bench/model-latency.ts';
import { benchGallerySearch } from '../../../bench/gallery-search.ts';
import { benchPatchCompare } from '../../../bench/patch-compare.ts';
import { benchPreprocessing } from '../../../bench/preprocessing.ts';
import { toMarkdown, type BenchResult } from '../../../bench/report.ts';
import { benchVectorSearch } from '../../../bench/vector-search.ts';
import { benchWorkerGallery, WORKER_GALLERY_LARGEST } from '../../../bench/worker-gallery.ts';
import { parseManifest } from '../../lib/core/manifest-parse.ts';
import type { ModelInputSpec, ModelManifest } from '../../lib/core/model-manifest.ts';
import { configureOrt, ortSettings } from '../../lib/inference/index.ts';
import { intFlag, listFlag, parseArgs } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { UsageError } from '../errors.ts';
import { manifestPath, projectRoot } from '../paths.ts';
import { writeFileAtomically } from '../write-atomically.ts';

const DEFAULT_INPUT: ModelInputSpec = { name: 'input', size: 224, layout: 'NCHW', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export const command: CliCommand = {
  summary: 'measure model latency (int8 vs fp32, WASM), preprocessing and vector search at 1k–1M references',
  usage: 'intact bench [--sizes 1000,10000,100000,1000000] [--runs N] [--dim D] [--json]',
  async run(argv, io) {
    const args = parseArgs(argv, { valued: ['sizes', 'runs', 'dim'], boolean: ['json'] });
    const sizes = (listFlag(args, 'sizes') ?? ['1000', '10000', '100000', '1000000']).map((s) => {
      const n = Number(s);
      if (!Number.isInteger(n) || n < 1 || n > 5_000_000) throw new UsageError(`--sizes: "${s}" is not a size from 1 to 5000000`);
      return n;
    });
    const runs = intFlag(args, 'runs', 1, 1000) ?? 20;
    const log = (m: string) => io.log.info(m);

    let manifest: ModelManifest | null = null;
    try {
      manifest = parseManifest(JSON.parse(await readFile(manifestPath(), 'utf8')));
    } catch (e) {
      log(`no usable model manifest (${(e as Error).message}); model rows are skipped`);
    }
    // One thread: the figure that holds on every device (no cross-origin isolation needed).
    configureOrt({ numThreads: 1 });
    const base = dirname(manifestPath());
    const damageModels = manifest?.models.filter((m) => m.roles.includes('damage')) ?? [];
    const models = await benchModels(damageModels, async (file) => new Uint8Array(await readFile(resolve(base, file))), runs, log);
    const spec = manifest?.models.find((m) => m.default)?.input ?? DEFAULT_INPUT;
    const embeddingSpec = manifest?.models.find((m) => m.default && m.embedding)?.embedding;
    const dim = intFlag(args, 'dim', 8, 4096) ?? embeddingSpec?.dim ?? 256;

    const result: BenchResult = {
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.versions.node, ortVersion: ortSettings().version, wasmThreads: ortSettings().numThreads, loadAverage: loadavg()[0] },
      models,
      checkCost: manifest ? await benchCheckCost(Math.max(1, Math.min(runs, 5)), log) : [],
      preprocessing: benchPreprocessing(spec, Math.max(3, Math.min(runs, 10))),
      vectorSearch: benchVectorSearch(sizes, dim, 9, log),
      gallerySearch: benchGallerySearch(sizes, dim, 9, log),
      patchCompare: benchPatchCompare([5, 30, 300], embeddingSpec?.patchGrid ?? [14, 14], embeddingSpec?.patchDim ?? 128, log),
      workerGallery: await benchWorkerGallery(sizes.filter((n) => n <= WORKER_GALLERY_LARGEST), dim, embeddingSpec?.patchGrid ?? [14, 14], embeddingSpec?.patchDim ?? 128, 40, log),
    };
    const json = JSON.stringify(result, null, 1);
    const target = join(projectRoot, 'bench', 'results.json');
    await writeFileAtomically(target, `${json}\n`);
    io.out(args.flags.has('json') ? JSON.stringify(result) : toMarkdown(result));
    return 0;
  },
};
