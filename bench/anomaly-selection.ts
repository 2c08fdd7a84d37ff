// How the comparison with references got its parameters (core/patch-anomaly.ts: COLOUR_WEIGHTS,
// the relative half's ITEM_MIDPOINT_AT_ONE, ITEM_MIDPOINT_PER_LOG and ITEM_SLOPE), measured on a
// SELECTION split that shares no photo and no product with the val figures in
// bench/gallery-eval.json: the 11 GroceryStore classes that have no val photos; per class,
// train photos 9–14 are the queries (pristine, and with spills, tears, look-alike print and a
// missing multipack unit drawn on, bench/synthetic-anomalies.ts, with seeds of their own) and
// the class's other train photos the references. Reported with the patch features alone and
// with the cell colours; "coverage" fits the relative half's midpoint to the number of
// references (the pristine queries' 95th-percentile ratio with the first n references).
//
// What was chosen on it with intact-vision 1.1.0 (figures in bench/anomaly-selection.json; the
// colour weights 0.1, 0.3 and 1 and the poolings were first compared on the same split's
// vectors): colour weight 0.1, which caught more spills than the features alone without more
// false alarms on printed look-alikes there (0.3 and 1 raised them); the blob as the item's
// pooling; the logistic's midpoint and slope from "coverage". The product-normalised half is
// kept beside the relative one for the bundled torn sample (see the header of patch-anomaly.ts),
// not for a figure of this split.
// usage: npx tsx bench/anomaly-selection.ts [path/to/grocery-dev] [--out bench/anomaly-selection.json]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadInspector } from '../src/cli/load-inspector.ts';
import { anomalyFigures, anomalyImages, coverage, type AnomalySplit } from './anomaly-data.ts';
import { benchLog, devClasses, devPhotos } from './dev-set.ts';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args.splice(outIndex, 2)[1] : 'bench/anomaly-selection.json';
const data = resolve(args[0] ?? '../shared/data/grocery-dev');
const QUERIES = [8, 14];

const valClasses = new Set(devClasses(data, 'val'));
const train = (cls: string) => devPhotos(data, 'train', cls);
const split: AnomalySplit = {
  classes: devClasses(data, 'train').filter((c) => !valClasses.has(c)),
  queries: (cls) => train(cls).slice(...QUERIES),
  references: (cls) => train(cls).filter((_, i) => i < QUERIES[0] || i >= QUERIES[1]),
  train,
  seeds: { spill: 111, tear: 117, decoy: 119, set: 113 },
};

const inspector = await loadInspector(benchLog);
const entry = inspector.embeddingModel;
const grid = entry.embedding!.patchGrid;
const images = await anomalyImages(inspector, split);
await inspector.dispose();
const results = {
  date: new Date().toISOString(),
  model: `${entry.id}@${entry.version} (${entry.precision}, ${entry.sha256.slice(0, 12)})`,
  split: { classes: split.classes, queriesPerClass: QUERIES[1] - QUERIES[0], queries: images.pristine.length },
  features: anomalyFigures(images, grid, 'features'),
  featuresAndColour: anomalyFigures(images, grid, 'features+colour'),
  coverage: coverage(images, grid, [1, 2, 3, 5, 8, 1000]),
};
const { fit } = results.coverage;
benchLog.info(`relative half: midpoint ${fit.atOne.toFixed(3)} − ${fit.perLog.toFixed(3)}·ln n, slope ${fit.slopeForMedianAt0_1.toFixed(1)}`);
writeFileSync(outFile, `${JSON.stringify(results, null, 1)}\n`);
process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
