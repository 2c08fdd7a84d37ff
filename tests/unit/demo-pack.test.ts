// The bundled demo pack carries vectors so that a first run searches at once instead of embedding
// its photos. They are only of use while they are what the current embedding model computes:
// this fails, naming the command that rebuilds the pack, as soon as they are stale (another
// model or descriptor key, or vectors that re-embedding no longer reproduces).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { embeddingModelRef } from '../../src/cli/commands/gallery.ts';
import { decodeImage } from '../../src/cli/decode-image.ts';
import { loadInspector } from '../../src/cli/load-inspector.ts';
import { manifestPath, projectRoot } from '../../src/cli/paths.ts';
import { decodePack, describeModel, sameModel, toFloat32, type DecodedPack, type PackReference } from '../../src/lib/core/gallery-pack/index.ts';
import { entryFor, parseManifest } from '../../src/lib/core/manifest-parse.ts';

const PACK = 'public/demo/demo.intactpack';
const REBUILD = `rebuild it with \`npm run demo:pack\` (scripts/build-demo-pack.mjs)`;
/** int8 storage keeps a unit row within ~1e-3 cosine of its float; beyond this the vectors are another model's. */
const MIN_GLOBAL_COSINE = 0.995;
const MIN_MEAN_PATCH_COSINE = 0.99;

const manifest = parseManifest(JSON.parse(readFileSync(manifestPath(), 'utf8')));
const current = embeddingModelRef(entryFor(manifest, 'embedding'));

function cosine(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = from; i < to; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

describe('bundled demo pack', () => {
  let pack: DecodedPack;
  beforeAll(async () => {
    pack = await decodePack(new Uint8Array(readFileSync(join(projectRoot, PACK))));
  });

  it('carries vectors for every reference, of the embedding model models/manifest.json names', () => {
    const { model, references } = pack.content;
    expect(model, `${PACK} carries no vectors; ${REBUILD}`).not.toBeNull();
    const bare = references.filter((r) => !r.embedding || !r.patches).map((r) => r.id);
    expect(bare, `${PACK} has references without vectors; ${REBUILD}`).toEqual([]);
    expect(sameModel(model!, current), `${PACK} carries vectors of ${describeModel(model!)}, but models/manifest.json embeds with ${describeModel(current)}; ${REBUILD}`).toBe(true);
    expect({ dim: model!.dim, patchDim: model!.patchDim, patchGrid: model!.patchGrid }).toEqual({ dim: current.dim, patchDim: current.patchDim, patchGrid: current.patchGrid });
  });

  it('holds the vectors the real Inspector computes for its photos, within int8 tolerance', async () => {
    const inspector = await loadInspector({ info: () => {}, progress: () => {} });
    try {
      const { references } = pack.content;
      // The first and last reference: two products, a shelf photo and a catalogue image.
      const sample: PackReference[] = [references[0], references[references.length - 1]];
      for (const r of sample) {
        expect(r.embedding && r.patches, `${PACK}: reference ${r.id} has no vectors; ${REBUILD}`).toBeTruthy();
        const fresh = await inspector.embed(await decodeImage(r.image.bytes, r.id));
        expect(fresh.model, `${PACK}: vectors stored under another key than the model computes; ${REBUILD}`).toBe(pack.content.model?.sha256);
        const shipped = toFloat32(r.embedding!);
        expect(shipped.length, `${PACK}: reference ${r.id} has a ${shipped.length}-value embedding, the model gives ${fresh.embedding.length}; ${REBUILD}`).toBe(fresh.embedding.length);
        const global = cosine(shipped, fresh.embedding);
        expect(global, `${PACK}: reference ${r.id}'s embedding is ${global.toFixed(4)} cosine from a re-embedding; ${REBUILD}`).toBeGreaterThan(MIN_GLOBAL_COSINE);

        const patches = toFloat32(r.patches!);
        const { patchDim } = current;
        let sum = 0;
        const cells = fresh.patches.length / patchDim;
        for (let c = 0; c < cells; c++) sum += cosine(patches, fresh.patches, c * patchDim, (c + 1) * patchDim);
        expect(sum / cells, `${PACK}: reference ${r.id}'s patch features are ${(sum / cells).toFixed(4)} mean cosine from a re-embedding; ${REBUILD}`).toBeGreaterThan(MIN_MEAN_PATCH_COSINE);
        expect(r.imageCells ?? fresh.imageCells.map(() => true)).toEqual(fresh.imageCells);
      }
    } finally {
      await inspector.dispose();
    }
  }, 120_000);
});
