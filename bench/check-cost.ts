// A whole check, as the CLI and the app's worker run it (Inspector.inspect: quality, both model
// passes, identity, comparison with references, decision), on camera-sized frames, for the model
// released now and for a baseline release read from git history, interleaved in one process so
// machine load hits both alike. The gallery is the test fixtures' mini gallery, embedded by each
// model; queries are the bundled samples and the fixture queries scaled up to 1920 px (a 1080p
// frame's longer side), so decoding and preprocessing cost what they cost on a device.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../src/cli/decode-image.ts';
import { projectRoot } from '../src/cli/paths.ts';
import type { GalleryIndex } from '../src/lib/core/gallery-index.ts';
import type { RgbaImage } from '../src/lib/core/image.ts';
import { parseManifest } from '../src/lib/core/manifest-parse.ts';
import type { ModelManifest } from '../src/lib/core/model-manifest.ts';
import { productId, referenceId } from '../src/lib/core/types.ts';
import { Inspector } from '../src/lib/pipeline/inspector.ts';
import { quantile, startClock } from './clock.ts';

/** The last commit with the release before this one's (intact-vision 1.1.0). */
export const BASELINE_REF = 'af836e2';
const FRAME_SIDE = 1920;

export interface CheckCostRow {
  model: string;
  release: 'current' | 'baseline';
  checks: number;
  medianMs: number;
  p90Ms: number;
  medianCpuMs: number;
  /** Share of checks whose identity was a close call (look-alikes). */
  closeCalls: number;
}

interface Loaded {
  release: CheckCostRow['release'];
  inspector: Inspector;
  gallery: GalleryIndex;
  times: number[];
  cpu: number[];
  close: number;
}

/** The manifest and files of a release: this checkout's, or the baseline's from git (null when git cannot give it). */
function releaseFiles(release: CheckCostRow['release']): { manifest: ModelManifest; read: (file: string) => Promise<Uint8Array> } | null {
  const models = join(projectRoot, 'models');
  if (release === 'current') {
    return { manifest: parseManifest(JSON.parse(readFileSync(join(models, 'manifest.json'), 'utf8'))), read: async (f) => new Uint8Array(readFileSync(join(models, f))) };
  }
  const show = (path: string) => execFileSync('git', ['show', `${BASELINE_REF}:${path}`], { cwd: projectRoot, maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const manifest = parseManifest(JSON.parse(show('models/manifest.json').toString('utf8')));
    return { manifest, read: async (f) => new Uint8Array(show(`models/${f}`)) };
  } catch {
    return null;
  }
}

const photosIn = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(dir, f));

async function frame(path: string): Promise<RgbaImage> {
  const bytes = await sharp(path).resize(FRAME_SIDE, FRAME_SIDE, { fit: 'inside' }).jpeg({ quality: 90 }).toBuffer();
  return decodeImage(new Uint8Array(bytes), path);
}

export async function benchCheckCost(rounds: number, log: (m: string) => void): Promise<CheckCostRow[]> {
  const fixtures = join(projectRoot, 'tests', 'fixtures', 'grocery-mini');
  const galleryPhotos = photosIn(join(fixtures, 'gallery'));
  const queries = [...photosIn(join(projectRoot, 'public', 'samples')), ...photosIn(join(fixtures, 'queries'))];
  const frames = await Promise.all(queries.map(frame));
  const loaded: Loaded[] = [];
  for (const release of ['current', 'baseline'] as const) {
    const files = releaseFiles(release);
    if (!files) {
      log(`check cost: the ${release} release (${BASELINE_REF}) is not in this clone's history; its row is skipped`);
      continue;
    }
    const inspector = await Inspector.create({ manifest: files.manifest, readFile: files.read, providers: ['wasm'] });
    const gallery = inspector.createGallery('int8');
    for (const path of galleryPhotos) {
      const product = productId(path.split('/').at(-2)!);
      const e = await inspector.embed(await decodeImage(new Uint8Array(readFileSync(path)), path));
      gallery.addProduct({ id: product });
      gallery.addReference({ id: referenceId(path), product, embedding: e.embedding, patches: e.patches, imageCells: e.imageCells }, e.model);
    }
    await gallery.buildMemories();
    await inspector.inspect(frames[0], { gallery }); // warm-up
    loaded.push({ release, inspector, gallery, times: [], cpu: [], close: 0 });
  }
  for (let r = 0; r < rounds; r++) {
    for (const image of frames) {
      for (const m of loaded) {
        const stop = startClock();
        const result = await m.inspector.inspect(image, { gallery: m.gallery });
        const t = stop();
        m.times.push(t.wallMs);
        m.cpu.push(t.cpuMs);
        if (result.identity?.status === 'lookalikes') m.close++;
      }
    }
  }
  const rows = loaded.map((m) => ({
    model: `${m.inspector.embeddingModel.id}@${m.inspector.embeddingModel.version}`,
    release: m.release,
    checks: m.times.length,
    medianMs: quantile(m.times, 0.5),
    p90Ms: quantile(m.times, 0.9),
    medianCpuMs: quantile(m.cpu, 0.5),
    closeCalls: m.close / m.times.length,
  }));
  for (const m of loaded) await m.inspector.dispose();
  for (const r of rows) log(`check ${r.release} ${r.model}: ${r.medianMs.toFixed(0)} ms median`);
  return rows;
}
