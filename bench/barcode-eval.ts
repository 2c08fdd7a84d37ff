// How far the barcode's product may trail the picture's best match before the pipeline calls
// the item relabelled ("label does not match barcode", a sideline). Too small a margin sidelines
// good items whose picture was simply misidentified; too large a margin misses relabelled items.
// Measured on the dev photos through the real model, the pipeline's identification (re-ranked by
// patches, as Inspector.inspect calls it) and its own resolveBarcode:
//   good:       each val photo with the barcode of its own product → a mismatch here is a false sideline;
//   relabelled: each val photo with the barcode of every other product → a mismatch here is caught.
// usage: npx tsx bench/barcode-eval.ts [path/to/grocery-dev] [--out bench/barcode-eval.json]
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadInspector } from '../src/cli/load-inspector.ts';
import { resolveBarcode } from '../src/lib/core/barcode-crosscheck.ts';
import { BARCODE_MARGIN } from '../src/lib/core/barcode-match.ts';
import { clopperPearsonUpper } from '../src/lib/core/decision/stats.ts';
import type { GalleryProduct } from '../src/lib/core/gallery-index.ts';
import { allDevPhotos, benchLog, devClasses, devGallery, embedCached, type DevPhoto } from './dev-set.ts';
import { productId } from '../src/lib/core/types.ts';
import type { ImageEmbedding } from '../src/lib/pipeline/api.ts';
import type { Inspector } from '../src/lib/pipeline/inspector.ts';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args.splice(outIndex, 2)[1] : 'bench/barcode-eval.json';
const data = resolve(args[0] ?? '../shared/data/grocery-dev');
const MARGINS = [0, 0.01, 0.02, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2];

/** A valid EAN-13 per product (GS1 check digit), so the codes pass the same checks as scans. */
function ean13(n: number): string {
  const body = `200${String(n).padStart(9, '0')}`;
  const sum = [...body].reverse().reduce((s, d, i) => s + Number(d) * (i % 2 === 0 ? 3 : 1), 0);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

async function embedAll(inspector: Inspector, photos: DevPhoto[], what: string): Promise<ImageEmbedding[]> {
  const t0 = performance.now();
  const out: ImageEmbedding[] = [];
  for (const p of photos) out.push(await embedCached(inspector, readFileSync(p.path), p.path));
  benchLog.info(`${what}: ${photos.length} photos embedded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

async function main() {
  const inspector = await loadInspector(benchLog);
  const entry = inspector.embeddingModel;
  const train = allDevPhotos(data, 'train');
  const val = allDevPhotos(data, 'val');
  const gallery = devGallery(inspector, train, await embedAll(inspector, train, 'train'));
  const valVec = await embedAll(inspector, val, 'val');
  const products: GalleryProduct[] = devClasses(data, 'train').map((c, i) => ({ id: productId(c), name: c, barcodes: [ean13(i + 1)] }));
  const codeOf = new Map(products.map((p) => [p.id, p.barcodes![0]]));
  // Juice for milk is a coarser relabel than one milk for another: caught separately.
  const coarse = new Map(readFileSync(join(data, 'classes.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')).map(([fine, , c]) => [fine, c]));

  // Every product's score per query, as the pipeline sees them (ranking + the barcode product's).
  const scored = val.map((q, i) => {
    const { embedding, patches, imageCells } = valVec[i];
    return { q, matches: gallery.identify(embedding, { top: products.length, patches, imageCells }).map(({ product, score }) => ({ product, score })) };
  });
  const top1 = scored.filter(({ q, matches }) => matches[0].product === q.product).length;
  // How far each good item's own product trails its best match: the margin must exceed these.
  const ownGaps = scored.map(({ q, matches }) => matches[0].score - matches.find((m) => m.product === q.product)!.score).sort((a, b) => a - b);
  const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

  const rows = MARGINS.map((margin) => {
    let falseMismatch = 0, settled = 0, caught = 0, relabels = 0, caughtAcross = 0, relabelsAcross = 0;
    for (const { q, matches } of scored) {
      const own = resolveBarcode(codeOf.get(q.product)!, products, matches, { margin })!;
      if (own.check.mismatch) falseMismatch++;
      // The barcode put the right product in place of a wrong top match.
      else if (matches[0].product !== q.product && own.product === q.product) settled++;
      for (const other of products) {
        if (other.id === q.product) continue;
        const across = coarse.get(other.id) !== coarse.get(q.product);
        const hit = resolveBarcode(other.barcodes![0], products, matches, { margin })!.check.mismatch;
        relabels++;
        if (hit) caught++;
        if (across) relabelsAcross++;
        if (across && hit) caughtAcross++;
      }
    }
    return {
      margin,
      goodFalseMismatch: falseMismatch / scored.length,
      goodFalseMismatchUpper95: clopperPearsonUpper(falseMismatch, scored.length),
      goodSettledByBarcode: settled / scored.length,
      relabelledCaught: caught / relabels,
      relabelledOtherKindCaught: caughtAcross / relabelsAcross,
    };
  });

  const results = {
    date: new Date().toISOString(),
    model: `${entry.id}@${entry.version} (${entry.precision}, ${entry.sha256.slice(0, 12)})`,
    gallery: `train: ${train.length} photos of ${products.length} products`,
    queries: `val: ${val.length} photos; relabelled = each with every other product's barcode (${val.length * (products.length - 1)} pairs); other kind = another coarse class (juice for milk)`,
    identificationTop1: top1 / val.length,
    goodGap: { median: quantile(ownGaps, 0.5), p90: quantile(ownGaps, 0.9), p99: quantile(ownGaps, 0.99), max: ownGaps[ownGaps.length - 1] },
    defaultMargin: BARCODE_MARGIN,
    margins: rows,
  };
  await inspector.dispose();
  writeFileSync(outFile, `${JSON.stringify(results, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
}

await main();
