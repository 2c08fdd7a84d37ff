// Images as the comparison with references sees them in the benchmarks: the cached embedding
// (bench/dev-set.ts) plus the cell colours of the same model input (core/cell-colour.ts), and
// the scenarios' ROC-AUC and false-alarm counts, shared by bench/gallery-eval.ts (val photos)
// and bench/anomaly-selection.ts (the selection split the scorer's parameters were chosen on).
import { readFile } from 'node:fs/promises';
import { decodeImage } from '../src/cli/decode-image.ts';
import { cellColours } from '../src/lib/core/cell-colour.ts';
import { operatingPoints, rocAuc } from '../src/lib/core/decision/roc.ts';
import { buildPatchMemory, scorePatches, type AnomalyResult, type NormalDistances, type PatchMemory } from '../src/lib/core/patch-anomaly.ts';
import { preprocess } from '../src/lib/core/preprocess.ts';
import type { ImageEmbedding } from '../src/lib/pipeline/api.ts';
import type { Inspector } from '../src/lib/pipeline/inspector.ts';
import { seededRandom as rng } from '../src/lib/core/seeded-random.ts';
import { startClock } from './clock.ts';
import { embedCached, type DevPhoto } from './dev-set.ts';
import { multipack, printedDecoyFor, spillLayer, withPrint, withSpill, withTear } from './synthetic-anomalies.ts';

export interface ComparedImage extends ImageEmbedding {
  colours: Float32Array;
}

export async function embedWithColours(inspector: Inspector, bytes: Uint8Array, label: string): Promise<ComparedImage> {
  const entry = inspector.embeddingModel;
  const input = preprocess(await decodeImage(bytes, label), entry.input);
  const colours = cellColours(input.data, entry.input, entry.embedding!.patchGrid);
  return { ...(await embedCached(inspector, bytes, label)), colours };
}

export interface ScoredImage {
  image: ComparedImage;
  damaged: boolean;
}

/** How the comparison is run: with the cell colours, or with the patch features alone. */
export type Channel = 'features+colour' | 'features';

/** A product's memory from its references' images, as GalleryIndex builds it. */
export function memoryOf(references: ComparedImage[], grid: [number, number], channel: Channel): PatchMemory {
  return buildPatchMemory(references.map((r) => setOf(r, channel)), grid, references[0].patches.length / (grid[0] * grid[1]));
}

const setOf = (image: ComparedImage, channel: Channel) => ({ features: image.patches, valid: image.imageCells, ...(channel === 'features+colour' ? { colours: image.colours } : {}) });

/** The item's comparison, and the memory's pristine statistics in the metric it used. */
export function score(image: ComparedImage, memory: PatchMemory, grid: [number, number], channel: Channel): { r: AnomalyResult; normal: NormalDistances } {
  return { r: scorePatches(setOf(image, channel), grid, memory), normal: channel === 'features+colour' ? memory.normal : memory.featureNormal };
}

/**
 * ROC-AUC of the item score, of each of its halves alone, and, on the same distances, of the
 * worst blob normalised by the product's own leave-one-reference-out statistics and of the
 * plain worst patch.
 */
export function anomalyAuc(results: { r: AnomalyResult; damaged: boolean; normal: NormalDistances }[]) {
  const auc = (score: (x: (typeof results)[number]) => number) => rocAuc(operatingPoints(results.map((x) => ({ score: score(x), damaged: x.damaged }))));
  const worstPatch = (r: AnomalyResult) => Math.max(...[...r.distances].filter((d) => !Number.isNaN(d)));
  return {
    good: results.filter((x) => !x.damaged).length,
    damaged: results.filter((x) => x.damaged).length,
    rocAuc: auc((x) => x.r.score),
    rocAucRelativeHalf: auc((x) => x.r.relative),
    rocAucProductNormalisedHalf: auc((x) => x.r.productNormalised),
    rocAucPerProductNormalisedBlob: auc((x) => (x.r.blob - x.normal.median) / (x.normal.p99 - x.normal.median)),
    rocAucWorstPatch: auc((x) => worstPatch(x.r)),
  };
}

/** Which photos play which part in one split's anomaly measurement. */
export interface AnomalySplit {
  classes: string[];
  /** Photos checked (pristine, and with damage drawn on). */
  queries(cls: string): DevPhoto[];
  /** The product's references for spills and tears. */
  references(cls: string): DevPhoto[];
  /** The product's photos the look-alike and multipack references are made from (first 8 / 5). */
  train(cls: string): DevPhoto[];
  seeds: { spill: number; tear: number; decoy: number; set: number };
}

const DECOY_REFERENCES = 8;
const SET_REFERENCES = 5;

interface Labelled {
  product: string;
  image: ComparedImage;
  damaged: boolean;
}

/**
 * The split's synthetic anomalies (bench/synthetic-anomalies.ts), embedded with their colours.
 * Spills and tears on the queries against the product's references; printed look-alike artwork
 * (1) on references and queries alike, with a spill on the printed package as the damage, and
 * (2) on the query only; broken sets (2×2 multipacks with a unit missing) against complete ones.
 */
export async function anomalyImages(inspector: Inspector, split: AnomalySplit) {
  const embed = async (photo: DevPhoto) => embedWithColours(inspector, new Uint8Array(await readFile(photo.path)), photo.path);
  const spillRandom = rng(split.seeds.spill), tearRandom = rng(split.seeds.tear), decoyRandom = rng(split.seeds.decoy), setRandom = rng(split.seeds.set);
  const out = {
    references: new Map<string, ComparedImage[]>(),
    plainReferences: new Map<string, ComparedImage[]>(),
    printReferences: new Map<string, ComparedImage[]>(),
    setReferences: new Map<string, ComparedImage[]>(),
    pristine: [] as Labelled[],
    spill: [] as Labelled[],
    tear: [] as Labelled[],
    printed: [] as Labelled[],
    printOnQuery: [] as Labelled[],
    sets: [] as Labelled[],
  };
  for (const cls of split.classes) {
    const train = split.train(cls);
    out.references.set(cls, await Promise.all(split.references(cls).map(embed)));
    out.plainReferences.set(cls, await Promise.all(train.slice(0, DECOY_REFERENCES).map(embed)));
    for (const q of split.queries(cls)) {
      const image = await embed(q);
      out.pristine.push({ product: cls, image, damaged: false });
      out.spill.push({ product: cls, image, damaged: false }, { product: cls, image: await embedWithColours(inspector, await withSpill(q.path, spillRandom), `${q.path}+spill`), damaged: true });
      out.tear.push({ product: cls, image, damaged: false }, { product: cls, image: await embedWithColours(inspector, await withTear(q.path, tearRandom), `${q.path}+tear`), damaged: true });
    }
  }
  for (const cls of split.classes) {
    const refs = split.train(cls).slice(0, DECOY_REFERENCES);
    const decoy = await printedDecoyFor(refs[0].path, decoyRandom);
    const printed: ComparedImage[] = [];
    for (const it of refs) printed.push(await embedWithColours(inspector, await withPrint(it.path, decoy), `${it.path}+print`));
    out.printReferences.set(cls, printed);
    for (const q of split.queries(cls)) {
      const image = await embedWithColours(inspector, await withPrint(q.path, decoy), `${q.path}+print`);
      out.printed.push({ product: cls, image, damaged: false });
      out.printed.push({ product: cls, image: await embedWithColours(inspector, await withPrint(q.path, decoy, spillLayer(decoyRandom)), `${q.path}+print+spill`), damaged: true });
      out.printOnQuery.push({ product: cls, image, damaged: false });
    }
  }
  for (const cls of split.classes) {
    const sets: ComparedImage[] = [];
    for (const it of split.train(cls).slice(0, SET_REFERENCES)) sets.push(await embedWithColours(inspector, await multipack(it.path, null), `${it.path} ×4`));
    out.setReferences.set(cls, sets);
  }
  for (const cls of split.classes) {
    for (const q of split.queries(cls)) {
      out.sets.push({ product: cls, image: await embedWithColours(inspector, await multipack(q.path, null), `${q.path} ×4`), damaged: false });
      out.sets.push({ product: cls, image: await embedWithColours(inspector, await multipack(q.path, Math.floor(setRandom() * 4)), `${q.path} ×3`), damaged: true });
    }
  }
  return out;
}

export type AnomalyImages = Awaited<ReturnType<typeof anomalyImages>>;

const quantileOf = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};

/** The anomaly figures of one split and channel (what bench/gallery-eval.json reports). */
export function anomalyFigures(images: AnomalyImages, grid: [number, number], channel: Channel) {
  const memories = new Map<ComparedImage[], PatchMemory>();
  const memoryFor = (refs: ComparedImage[]) => {
    let m = memories.get(refs);
    if (!m) memories.set(refs, (m = memoryOf(refs, grid, channel)));
    return m;
  };
  const compare = (items: Labelled[], refs: Map<string, ComparedImage[]>) => {
    // Memories first: a product's memory is built once and cached, the clock times the checks.
    for (const it of items) memoryFor(refs.get(it.product)!);
    const stop = startClock();
    const results = items.map((it) => ({ ...score(it.image, memoryFor(refs.get(it.product)!), grid, channel), damaged: it.damaged }));
    return { results, cpuMs: stop().cpuMs };
  };
  // False alarms at the threshold that passes 95 % of plain pristine queries against as many
  // plain references as the look-alikes have (the number of references moves the scores).
  const plain = compare(images.pristine, images.plainReferences).results.map(({ r }) => r.score);
  const threshold = quantileOf(plain, 0.95);
  const falseAlarms = (items: Labelled[], refs: Map<string, ComparedImage[]>) => {
    const scores = compare(items.filter((x) => !x.damaged), refs).results.map(({ r }) => r.score);
    return scores.filter((x) => x > threshold).length / scores.length;
  };
  const spill = compare(images.spill, images.references);
  const pristineRatios = spill.results.filter((x) => !x.damaged).map(({ r }) => r.ratio);
  return {
    channel,
    spillAnomaly: { ...anomalyAuc(spill.results), cpuMsPerCheck: Number((spill.cpuMs / spill.results.length).toFixed(1)) },
    tearAnomaly: anomalyAuc(compare(images.tear, images.references).results),
    printedDecoys: {
      thresholdAt5pctPristine: threshold,
      printInReferences: {
        falseAlarmRate: falseAlarms(images.printed, images.printReferences),
        spillOnPrintedPackage: anomalyAuc(compare(images.printed, images.printReferences).results),
      },
      printOnlyOnQuery: { falseAlarmRate: falseAlarms(images.printOnQuery, images.plainReferences) },
    },
    brokenSetAnomaly: anomalyAuc(compare(images.sets, images.setReferences).results),
    pristineRatio: { median: quantileOf(pristineRatios, 0.5), p95: quantileOf(pristineRatios, 0.95) },
  };
}


/**
 * The relative half's midpoint against the number of references: the pristine queries'
 * worst-blob-to-spread ratios with the first n references of each product (features + colour),
 * and the least-squares line p95 = a − b · ln n through them.
 */
export function coverage(images: AnomalyImages, grid: [number, number], counts: number[]) {
  const pristine = images.spill.filter((x) => !x.damaged);
  const rows = counts.map((n) => {
    const memories = new Map([...images.references].map(([cls, refs]) => [cls, memoryOf(refs.slice(0, n), grid, 'features+colour')]));
    const ratios = pristine.map((x) => score(x.image, memories.get(x.product)!, grid, 'features+colour').r.ratio);
    const meanReferences = [...memories.values()].reduce((s, m) => s + Math.log(m.references), 0) / memories.size;
    return { references: n, meanLogReferences: meanReferences, median: quantileOf(ratios, 0.5), p95: quantileOf(ratios, 0.95) };
  });
  const xs = rows.map((r) => r.meanLogReferences), ys = rows.map((r) => r.p95);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length, my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const slope = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  const spreadToMedian = rows.reduce((s, r) => s + (r.p95 - r.median), 0) / rows.length;
  return { rows, fit: { atOne: my - slope * mx, perLog: -slope, slopeForMedianAt0_1: Math.log(9) / spreadToMedian } };
}
