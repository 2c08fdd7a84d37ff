#!/usr/bin/env node
// Builds public/demo/demo.intactpack, the gallery the app imports on first run, with the same
// `intact gallery build` anyone would use: 8 GroceryStore products (MIT), a few train-split
// photos each plus the catalogue ("iconic") image. The "Try a sample" photos are from the val
// split, so none of them is in the gallery they are matched against.
//
// With vectors of the current embedding model (models/manifest.json), so a first run searches at
// once instead of embedding 48 photos. A device whose model differs imports the photos and
// re-embeds them in the background, as after a model change (the first-run import happens before
// the device records its model, so the pack is never refused for it). Rerun after every change
// of the embedding model or its descriptor: tests/unit/demo-pack.test.ts fails while the shipped
// vectors are stale.
// usage: npm run demo:pack [-- path/to/grocery-dev]
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const data = resolve(process.argv[2] ?? '../shared/data/grocery-dev');
const PRODUCTS = [
  'Oatly-Oat-Milk',
  'Oatly-Natural-Oatghurt',
  'God-Morgon-Orange-Juice',
  'God-Morgon-Apple-Juice',
  'Alpro-Blueberry-Soyghurt',
  'Alpro-Vanilla-Soyghurt',
  'Arla-Standard-Milk',
  'Arla-Medium-Fat-Milk',
];
const PHOTOS_PER_PRODUCT = 5;
// Fixed dates make a rebuild from the same inputs byte-identical, so the pack keeps its address.
const SOURCE_DATE_EPOCH = '1764028800'; // 2025-11-25T00:00:00Z
const captured = new Date(Number(SOURCE_DATE_EPOCH) * 1000);

const categories = new Map(
  readFileSync(join(data, 'classes.csv'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','))
    .map(([fine, , coarse]) => [fine, coarse.replace(/-/g, ' ')]),
);

const work = mkdtempSync(join(tmpdir(), 'intact-demo-'));
try {
  for (const id of PRODUCTS) {
    const dir = join(work, id);
    mkdirSync(dir);
    const train = readdirSync(join(data, 'train', id)).filter((f) => f.endsWith('.jpg')).sort();
    // Spread over the class's photos rather than the first few (often one shelf, one angle).
    const step = Math.max(1, Math.floor(train.length / PHOTOS_PER_PRODUCT));
    const picked = train.filter((_, i) => i % step === 0).slice(0, PHOTOS_PER_PRODUCT);
    for (const f of picked) copyFileSync(join(data, 'train', id, f), join(dir, f));
    copyFileSync(join(data, 'iconic', `${id}.jpg`), join(dir, `${id}_front_catalogue.jpg`));
    writeFileSync(join(dir, 'product.json'), `${JSON.stringify({ name: id.replace(/-/g, ' '), category: categories.get(id) ?? null })}\n`);
    for (const f of readdirSync(dir)) utimesSync(join(dir, f), captured, captured);
  }
  mkdirSync('public/demo', { recursive: true });
  execFileSync('node', ['bin/intact.mjs', 'gallery', 'build', work, '-o', 'public/demo/demo.intactpack', '--name', 'Intact demo gallery (GroceryStore, MIT)', '--precision', 'i8'], {
    stdio: 'inherit',
    env: { ...process.env, SOURCE_DATE_EPOCH },
  });
  copyFileSync(join(data, 'LICENSE'), 'public/demo/LICENSE');
} finally {
  rmSync(work, { recursive: true, force: true });
}
