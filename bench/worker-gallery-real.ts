// The worker's int8 gallery against float32 on real embeddings: grocery-dev train photos as the
// gallery, val photos as queries, identification as a check runs it (top 5, patch re-ranking).
//   float32:      the embedder's float vectors, searched as float (the CLI's gallery);
//   float32 (i8): those vectors stored as int8 (as IndexedDB holds them), widened in the worker
//                 (the worker before 47f3f46);
//   int8:         the same int8 batch kept as it arrived (the worker now).
// Reported: top-1 agreement and top-5 order agreement with float32 (and with the widened int8, the
// worker before), top-1/top-5 accuracy of each, the largest score difference from float32, the
// median ms per identify, and the bytes each gallery holds (vectors + patch features).
// usage: npx tsx bench/worker-gallery-real.ts [path/to/grocery-dev]   (embeds through the CLI's cache)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadInspector } from '../src/cli/load-inspector.ts';
import { GalleryIndex, type GalleryMatch } from '../src/lib/core/gallery-index.ts';
import { quantizeRows, toFloat32, type StoredTensor } from '../src/lib/core/gallery-pack/tensor.ts';
import { referenceId } from '../src/lib/core/types.ts';
import { addBatchToGallery, batchTransferables, packReferences } from '../src/lib/worker/reference-batch.ts';
import type { ImageEmbedding } from '../src/lib/pipeline/api.ts';
import { allDevPhotos, benchLog, devGallery, embedCached, type DevPhoto } from './dev-set.ts';

const data = resolve(process.argv[2] ?? '../shared/data/grocery-dev');

async function embedAll(inspector: Awaited<ReturnType<typeof loadInspector>>, photos: DevPhoto[]): Promise<ImageEmbedding[]> {
  const out: ImageEmbedding[] = [];
  for (const p of photos) out.push(await embedCached(inspector, new Uint8Array(readFileSync(p.path)), p.path));
  return out;
}

async function main() {
  const inspector = await loadInspector(benchLog);
  const train = allDevPhotos(data, 'train');
  const val = allDevPhotos(data, 'val');
  const [trainVectors, valVectors] = [await embedAll(inspector, train), await embedAll(inspector, val)];
  const model = trainVectors[0].model;
  const dim = trainVectors[0].embedding.length;
  const cells = trainVectors[0].imageCells.length;
  const patchDim = trainVectors[0].patches.length / cells;

  const float = devGallery(inspector, train, trainVectors);
  const stored = train.map((p, i) => ({
    product: p.product,
    reference: p.path,
    embedding: quantizeRows(trainVectors[i].embedding, 1, dim),
    patches: quantizeRows(trainVectors[i].patches, cells, patchDim),
    imageCells: trainVectors[i].imageCells,
  }));
  const widened = inspector.createGallery('float32');
  stored.forEach((s) => widened.addReference({ id: referenceId(s.reference), product: s.product, embedding: toFloat32(s.embedding as StoredTensor), patches: toFloat32(s.patches as StoredTensor), imageCells: s.imageCells }));
  const batch = packReferences(model, { dim, patchDim, cells }, stored, [...new Set(train.map((p) => p.product))].map((id) => ({ id })));
  const int8 = inspector.createGallery('int8');
  addBatchToGallery(int8, structuredClone(batch, { transfer: batchTransferables(batch) }));

  const galleries: [string, GalleryIndex][] = [['float32', float], ['float32 (i8)', widened], ['int8', int8]];
  const results = galleries.map(() => [] as GalleryMatch[][]);
  const ms = galleries.map(() => [] as number[]);
  for (const q of valVectors) {
    galleries.forEach(([, g], k) => {
      const t = performance.now();
      results[k].push(g.identify(q.embedding, { top: 5, patches: q.patches, imageCells: q.imageCells }));
      ms[k].push(performance.now() - t);
    });
  }
  const n = val.length;
  const report = galleries.map(([name, g], k) => {
    const top1 = results[k].filter((r, i) => r[0]?.product === val[i].product).length / n;
    const top5 = results[k].filter((r, i) => r.some((m) => m.product === val[i].product)).length / n;
    const agree1 = results[k].filter((r, i) => r[0]?.product === results[0][i][0]?.product).length / n;
    const agree5 = results[k].filter((r, i) => r.map((m) => m.product).join() === results[0][i].map((m) => m.product).join()).length / n;
    const maxScoreDiff = Math.max(...results[k].flatMap((r, i) => r.map((m, j) => Math.abs(m.score - (results[0][i][j]?.score ?? m.score)))));
    const top5OrderAgreesWithWidened = results[k].filter((r, i) => r.map((m) => m.product).join() === results[1][i].map((m) => m.product).join()).length / n;
    const sorted = [...ms[k]].sort((a, b) => a - b);
    return { gallery: name, top1, top5, top1AgreesWithFloat32: agree1, top5OrderAgreesWithFloat32: agree5, top5OrderAgreesWithWidened, maxScoreDiff, msMedian: sorted[Math.floor(n / 2)], mb: (g.vectorBytes + g.patchBytes) / 2 ** 20 };
  });
  process.stdout.write(`${JSON.stringify({ model, references: train.length, queries: n, dim, cells, patchDim, results: report }, null, 1)}\n`);
  await inspector.dispose();
}

await main();
