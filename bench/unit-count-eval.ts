// Unit counting on multipacks built from real photos: is "2 of 6 units missing" true, and is a
// complete pack ever told units are missing (which would sideline a good item)?
//
// Products: each dev class as a 2×2 (4 units), 2×3 and 3×2 (6 units) multipack; references are
// complete packs of 5 train photos each. Queries are packs of other photos with 0, 1 or 2 units
// taken out (the slot shows a shelf, tray or tote floor with a shadow). Everything goes through
// the model (embedding cache), the product's patch memory, scorePatches and countUnits exactly
// as Inspector.inspect does.
//   tune: train photos 6–10 of each class (not among the references) — the options were chosen here;
//   val:  the val photos — reported, never tuned on.
// usage: npx tsx bench/unit-count-eval.ts [path/to/grocery-dev] [--out bench/unit-count-eval.json]
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { loadInspector } from '../src/cli/load-inspector.ts';
import { clopperPearsonUpper } from '../src/lib/core/decision/stats.ts';
import { seededRandom } from '../src/lib/core/seeded-random.ts';
import { productId, referenceId, type ProductId } from '../src/lib/core/types.ts';
import type { PatchSet } from '../src/lib/core/patch-anomaly.ts';
import { countUnits, DEFAULT_UNIT_COUNT_OPTIONS, unitLayout, type UnitCountOptions } from '../src/lib/core/unit-count.ts';
import type { Layout } from '../src/lib/core/unit-slots.ts';
import type { ImageEmbedding } from '../src/lib/pipeline/api.ts';
import { benchLog, devClasses, devPhotos, embedCached, type DevPhoto } from './dev-set.ts';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args.splice(outIndex, 2)[1] : 'bench/unit-count-eval.json';
const data = resolve(args[0] ?? '../shared/data/grocery-dev');
const REFERENCES = 5;
const TILE = { width: 160, height: 200 };
const LAYOUTS = [{ name: '2×2', rows: 2, cols: 2 }, { name: '2×3', rows: 2, cols: 3 }, { name: '3×2', rows: 3, cols: 2 }];
const MISSING = [0, 1, 2];

type PackLayout = (typeof LAYOUTS)[number];

/** An empty slot: shelf grey, cardboard tray, dark tote or pale shelf paper, shaded from one side. */
function emptySlotSvg(random: () => number): Buffer {
  const colours = ['#807e78', '#96734f', '#3e4044', '#c8c6be'];
  const fill = colours[Math.floor(random() * colours.length)];
  const shade = (0.15 + 0.35 * random()).toFixed(2);
  const x2 = random() < 0.5 ? 1 : 0;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${TILE.width}" height="${TILE.height}">
    <defs><linearGradient id="s" x1="0" y1="0" x2="${x2}" y2="1"><stop offset="0" stop-color="#000" stop-opacity="${shade}"/><stop offset="1" stop-color="#000" stop-opacity="0"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="${fill}"/><rect width="100%" height="100%" fill="url(#s)"/></svg>`);
}

async function multipack(path: string, layout: PackLayout, empty: Set<number>, random: () => number): Promise<Uint8Array> {
  const tile = await sharp(path).resize(TILE.width, TILE.height, { fit: 'cover' }).toBuffer();
  const composites = [];
  for (let k = 0; k < layout.rows * layout.cols; k++) {
    const input = empty.has(k) ? await sharp(emptySlotSvg(random)).png().toBuffer() : tile;
    composites.push({ input, left: (k % layout.cols) * TILE.width, top: Math.floor(k / layout.cols) * TILE.height });
  }
  const canvas = { width: layout.cols * TILE.width, height: layout.rows * TILE.height, channels: 3 as const, background: { r: 128, g: 126, b: 120 } };
  return new Uint8Array(await sharp({ create: canvas }).composite(composites).jpeg({ quality: 90 }).toBuffer());
}

/** `count` distinct slots out of `slots`. */
function pickSlots(slots: number, count: number, random: () => number): Set<number> {
  const order = Array.from({ length: slots }, (_, i) => i);
  for (let i = slots - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return new Set(order.slice(0, count));
}

interface Scored {
  name: string;
  units: number;
  missing: number;
  query: PatchSet;
  references: PatchSet[];
  layout: Layout | null;
  trueLayout: Layout;
}

function evaluate(scored: Scored[], grid: [number, number], options: UnitCountOptions) {
  const confusion: Record<string, Record<string, number>> = {};
  let exact = 0, complete = 0, falseMissing = 0, incomplete = 0, flagged = 0, overCount = 0, notCounted = 0, layoutRight = 0;
  for (const s of scored) {
    const estimate = countUnits({ query: s.query, references: s.references, grid, units: s.units, layout: s.layout }, options);
    const said = estimate ? estimate.expected - estimate.counted : null;
    const row = (confusion[`${s.missing} missing`] ??= {});
    const key = said === null ? 'not counted' : `said ${said}`;
    row[key] = (row[key] ?? 0) + 1;
    if (s.layout?.rows === s.trueLayout.rows && s.layout?.cols === s.trueLayout.cols) layoutRight++;
    if (said === null) notCounted++;
    if (said === s.missing) exact++;
    if (said !== null && said > s.missing) overCount++;
    if (s.missing === 0) {
      complete++;
      if (said !== null && said > 0) falseMissing++;
    } else {
      incomplete++;
      if (said !== null && said > 0) flagged++;
    }
  }
  return {
    n: scored.length,
    layoutFound: layoutRight / scored.length,
    exactCount: exact / scored.length,
    notCounted: notCounted / scored.length,
    completeToldMissing: falseMissing,
    complete,
    completeToldMissingRate: falseMissing / complete,
    completeToldMissingUpper95: clopperPearsonUpper(falseMissing, complete),
    incompleteFlagged: flagged / incomplete,
    saidMoreMissingThanTrue: overCount / scored.length,
    confusion,
  };
}

async function main() {
  const inspector = await loadInspector(benchLog);
  const entry = inspector.embeddingModel;
  const grid = entry.embedding!.patchGrid;
  const classes = devClasses(data, 'val').filter((c) => devPhotos(data, 'val', c).length > 0);
  const gallery = inspector.createGallery('float32');
  const random = seededRandom(17);
  const t0 = performance.now();
  const embedPack = async (photo: DevPhoto, layout: PackLayout, empty: Set<number>): Promise<ImageEmbedding> =>
    embedCached(inspector, await multipack(photo.path, layout, empty, random), `${photo.path} ${layout.name} -${empty.size}`);

  const packId = (cls: string, layout: PackLayout): ProductId => productId(`${cls} ${layout.name}`);
  for (const cls of classes) {
    for (const layout of LAYOUTS) {
      const id = packId(cls, layout);
      gallery.addProduct({ id, units: layout.rows * layout.cols });
      for (const photo of devPhotos(data, 'train', cls).slice(0, REFERENCES)) {
        const e = await embedPack(photo, layout, new Set());
        gallery.addReference({ id: referenceId(`${photo.path} ${layout.name}`), product: id, embedding: e.embedding, patches: e.patches, imageCells: e.imageCells });
      }
    }
  }
  benchLog.info(`references: ${gallery.referenceCount} packs embedded in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

  const layoutOf = new Map<ProductId, Layout | null>();
  const score = async (split: 'tune' | 'val'): Promise<Scored[]> => {
    const out: Scored[] = [];
    for (const cls of classes) {
      const photos = split === 'val' ? devPhotos(data, 'val', cls) : devPhotos(data, 'train', cls).slice(REFERENCES, 2 * REFERENCES);
      for (const photo of photos) {
        for (const layout of LAYOUTS) {
          const units = layout.rows * layout.cols;
          for (const missing of MISSING) {
            const empty = pickSlots(units, missing, random);
            const e = await embedPack(photo, layout, empty);
            const refs = gallery.referencesOf(packId(cls, layout)).map((ref) => ({ features: ref.patches, valid: ref.imageCells }));
            layoutOf.set(packId(cls, layout), layoutOf.get(packId(cls, layout)) ?? unitLayout(refs, grid, units));
            out.push({ name: layout.name, units, missing, query: { features: e.patches, valid: e.imageCells }, references: refs, layout: layoutOf.get(packId(cls, layout))!, trueLayout: { rows: layout.rows, cols: layout.cols } });
          }
        }
      }
      benchLog.info(`${split}: ${cls} (${out.length} packs, ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    return out;
  };
  const tune = await score('tune');
  const val = await score('val');

  // How sensitive the figures are to the options (on the tuning split only).
  const sensitivity = [];
  for (const emptyBelow of [0.2, 0.25, 0.27, 0.3, 0.35]) {
    for (const presentFloor of [0.35, 0.45, 0.55]) {
      const o = { ...DEFAULT_UNIT_COUNT_OPTIONS, emptyBelow, presentFloor };
      const { exactCount, completeToldMissing, incompleteFlagged, notCounted } = evaluate(tune, grid, o);
      sensitivity.push({ emptyBelow, presentFloor, exactCount, completeToldMissing, incompleteFlagged, notCounted });
    }
  }

  const results = {
    date: new Date().toISOString(),
    model: `${entry.id}@${entry.version} (${entry.precision}, ${entry.sha256.slice(0, 12)})`,
    products: `${classes.length} classes × ${LAYOUTS.map((l) => l.name).join(', ')}; ${REFERENCES} complete packs of train photos as references each`,
    options: DEFAULT_UNIT_COUNT_OPTIONS,
    val: { ...evaluate(val, grid, DEFAULT_UNIT_COUNT_OPTIONS), byLayout: Object.fromEntries(LAYOUTS.map((l) => [l.name, evaluate(val.filter((s) => s.name === l.name), grid, DEFAULT_UNIT_COUNT_OPTIONS)])) },
    tune: evaluate(tune, grid, DEFAULT_UNIT_COUNT_OPTIONS),
    sensitivityOnTune: sensitivity,
  };
  await inspector.dispose();
  writeFileSync(outFile, `${JSON.stringify(results, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify({ val: { ...results.val, byLayout: undefined }, tune: results.tune }, null, 1)}\n`);
}

await main();
