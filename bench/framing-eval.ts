// The framing checks (core/framing.ts) on real photos: how often do they ask for a retake of a
// good photo, and do they fire when the item really is too small or cut off?
//   good:        every dev photo (train, val: store shelves in hand; iconic: catalogue shots on white)
//   too small:   each iconic product (cut from its white surround) shrunk to a quarter of the frame side, in a corner of a plain background
//   cut off:     each iconic product half out of the frame at each edge, on a plain background
// Plain backgrounds: a white table, grey shelf, cardboard and a dark tote, each with a light shading.
// usage: npx tsx bench/framing-eval.ts [path/to/grocery-dev] [--out bench/framing-eval.json]
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { decodeImage } from '../src/cli/decode-image.ts';
import { clopperPearsonUpper } from '../src/lib/core/decision/stats.ts';
import { assessFraming, framingProblems, type Edge } from '../src/lib/core/framing.ts';
import { analysisLuma, assessQuality } from '../src/lib/core/quality.ts';
import { allDevPhotos } from './dev-set.ts';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const outFile = outIndex >= 0 ? args.splice(outIndex, 2)[1] : 'bench/framing-eval.json';
const data = resolve(args[0] ?? '../shared/data/grocery-dev');
const FRAME = { width: 480, height: 640 };
const BACKGROUNDS = ['#f2f1ec', '#807e78', '#a67c52', '#2f3134'];

function plainBackground(colour: string): Buffer {
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${FRAME.width}" height="${FRAME.height}">
    <defs><linearGradient id="s" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="0.08"/><stop offset="1" stop-color="#000" stop-opacity="0.12"/></linearGradient></defs>
    <rect width="100%" height="100%" fill="${colour}"/><rect width="100%" height="100%" fill="url(#s)"/></svg>`);
}

async function onBackground(path: string, colour: string, place: (w: number, h: number) => { width: number; left: number; top: number }): Promise<Uint8Array> {
  // The catalogue shot without its white surround: the package itself is what is placed.
  const product = await sharp(path).trim({ threshold: 30 }).toBuffer();
  const meta = await sharp(product).metadata();
  const { width, left, top } = place(meta.width!, meta.height!);
  const item = await sharp(product).resize({ width }).toBuffer();
  const itemMeta = await sharp(item).metadata();
  // Parts of the item beyond the frame are cropped away, as a camera would.
  const x0 = Math.max(0, -left), y0 = Math.max(0, -top);
  const w = Math.min(itemMeta.width!, FRAME.width - left) - x0, h = Math.min(itemMeta.height!, FRAME.height - top) - y0;
  const visible = await sharp(item).extract({ left: x0, top: y0, width: w, height: h }).toBuffer();
  const base = await sharp(plainBackground(colour)).png().toBuffer();
  return new Uint8Array(await sharp(base).composite([{ input: visible, left: Math.max(0, left), top: Math.max(0, top) }]).jpeg({ quality: 90 }).toBuffer());
}

/** Item about 70 % of the frame height, centred, then pushed half its size off `edge`. */
function cutOffPlacement(edge: Edge) {
  return (w: number, h: number) => {
    const height = 0.7 * FRAME.height;
    const width = Math.round((w / h) * height);
    let left = Math.round((FRAME.width - width) / 2), top = Math.round((FRAME.height - height) / 2);
    if (edge === 'left') left = -Math.round(width / 2);
    if (edge === 'right') left = FRAME.width - Math.round(width / 2);
    if (edge === 'top') top = -Math.round(height / 2);
    if (edge === 'bottom') top = FRAME.height - Math.round(height / 2);
    return { width, left, top };
  };
}

const smallPlacement = (corner: number) => (w: number, h: number) => {
  const height = 0.25 * FRAME.height;
  const width = Math.round((w / h) * height);
  const margin = 48;
  return { width, left: corner % 2 ? FRAME.width - width - margin : margin, top: corner < 2 ? margin : FRAME.height - Math.round(height) - margin };
};

function rate(fired: number, n: number) {
  return { n, fired, rate: fired / n, upper95: clopperPearsonUpper(fired, n) };
}

async function main() {
  const good: Record<string, { n: number; fired: number; rate: number; upper95: number }> = {};
  const firedOn: string[] = [];
  let ms = 0, measured = 0;
  for (const split of ['train', 'val', 'iconic']) {
    const paths = split === 'iconic'
      ? readdirSync(join(data, 'iconic')).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(data, 'iconic', f))
      : allDevPhotos(data, split).map((p) => p.path);
    let fired = 0, qualityRetake = 0;
    for (const path of paths) {
      const image = await decodeImage(readFileSync(path), path);
      const t0 = performance.now();
      // As assessQuality does: on the analysis copy it has already made.
      const problems = framingProblems(assessFraming(analysisLuma(image).small));
      ms += performance.now() - t0;
      measured++;
      if (problems.length) {
        fired++;
        firedOn.push(`${path.slice(data.length + 1)}: ${problems[0]}`);
      }
      if (!assessQuality(image).ok) qualityRetake++;
    }
    good[split] = { ...rate(fired, paths.length), qualityRetakeWithFraming: qualityRetake } as never;
  }

  const iconic = readdirSync(join(data, 'iconic')).filter((f) => f.endsWith('.jpg')).sort().map((f) => join(data, 'iconic', f));
  let small = 0, smallN = 0;
  const cut: Record<Edge, { right: number; wrongEdge: number; n: number }> = { top: { right: 0, wrongEdge: 0, n: 0 }, bottom: { right: 0, wrongEdge: 0, n: 0 }, left: { right: 0, wrongEdge: 0, n: 0 }, right: { right: 0, wrongEdge: 0, n: 0 } };
  for (const [k, path] of iconic.entries()) {
    const colour = BACKGROUNDS[k % BACKGROUNDS.length];
    const shrunk = await decodeImage(await onBackground(path, colour, smallPlacement(k % 4)), path);
    smallN++;
    if (assessFraming(analysisLuma(shrunk).small).tooSmall) small++;
    for (const edge of ['top', 'bottom', 'left', 'right'] as Edge[]) {
      const image = await decodeImage(await onBackground(path, colour, cutOffPlacement(edge)), path);
      const report = assessFraming(analysisLuma(image).small);
      cut[edge].n++;
      if (report.cutOff.includes(edge)) cut[edge].right++;
      else if (report.cutOff.length) cut[edge].wrongEdge++;
    }
  }

  const results = {
    date: new Date().toISOString(),
    goodPhotosAskedToRetakeForFraming: good,
    firedOn,
    constructed: {
      frame: `${FRAME.width}×${FRAME.height}, backgrounds ${BACKGROUNDS.join(' ')}`,
      tooSmallCaught: rate(small, smallN),
      cutOffCaught: Object.fromEntries(Object.entries(cut).map(([edge, c]) => [edge, { ...rate(c.right, c.n), wrongEdge: c.wrongEdge }])),
    },
    msPerPhotoWithAnalysisCopy: ms / measured,
  };
  writeFileSync(outFile, `${JSON.stringify(results, null, 1)}\n`);
  process.stdout.write(`${JSON.stringify(results, null, 1)}\n`);
}

await main();
