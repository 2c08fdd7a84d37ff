// Renders the logical anomalies a comparison with references catches and a damage model may not
// (bench/synthetic-anomalies.ts): a spill beside and over the item, and a broken set (a 2×2
// multipack with a unit missing) of a multipack product enrolled with complete packs. Each is
// paired with the same photo unchanged (a complete pack), so the set ranks what changed, not
// which photo. One val split's photos only (bench/splits.ts), like render-calibration-set.py.
// Writes <out>/gallery (the train photos plus a "<product>-4-pack" product per class, with
// product.json units 4) and <out>/images/logical/…, and <out>/labels.csv (image,label,category,set).
// usage: npx tsx scripts/render-logical-set.ts <out_dir> [selection|report] [path/to/grocery-dev]
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { allDevPhotos, devClasses, devPhotos } from '../bench/dev-set.ts';
import { valRoles, type SplitRole } from '../bench/splits.ts';
import { multipack, withSpill } from '../bench/synthetic-anomalies.ts';
import { seededRandom } from '../src/lib/core/seeded-random.ts';

const SEEDS: Record<SplitRole, number> = { selection: 71, report: 73 };
const PACK_REFERENCES = 5;

const [outArg, splitArg = 'selection', dataArg = '../shared/data/grocery-dev'] = process.argv.slice(2);
if (!outArg || (splitArg !== 'selection' && splitArg !== 'report')) {
  process.stderr.write('usage: npx tsx scripts/render-logical-set.ts <out_dir> [selection|report] [path/to/grocery-dev]\n');
  process.exit(2);
}
const out = resolve(outArg), split = splitArg as SplitRole, data = resolve(dataArg);
const stamp = join(out, 'params.json');
const params = JSON.stringify({ split, seed: SEEDS[split], data });
if (existsSync(stamp) && readFileSync(stamp, 'utf8') === params) {
  process.stderr.write(`reusing ${out} (${split} split)\n`);
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
const gallery = join(out, 'gallery');
const images = join(out, 'images', 'logical');
for (const cls of devClasses(data, 'train')) {
  cpSync(join(data, 'train', cls), join(gallery, cls), { recursive: true });
  const pack = join(gallery, `${cls}-4-pack`);
  mkdirSync(pack, { recursive: true });
  writeFileSync(join(pack, 'product.json'), JSON.stringify({ name: `${cls.replace(/-/g, ' ')}, 4-pack`, units: 4 }));
  for (const p of devPhotos(data, 'train', cls).slice(0, PACK_REFERENCES)) writeFileSync(join(pack, basename(p.path)), await multipack(p.path, null));
}
const val = allDevPhotos(data, 'val');
const roles = valRoles(val);
const random = seededRandom(SEEDS[split]);
const rows: string[] = ['image,label,category,set'];
const write = (name: string, bytes: Uint8Array | Buffer, label: 'good' | 'damaged') => {
  const path = join(images, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, bytes);
  rows.push(`logical/${name},${label},,logical`);
};
for (const [i, p] of val.entries()) {
  if (roles[i] !== split) continue;
  const stem = `${p.product}/${basename(p.path, '.jpg')}`;
  write(`${stem}.jpg`, readFileSync(p.path), 'good');
  write(`${stem}+spill.jpg`, await withSpill(p.path, random), 'damaged');
  write(`${stem}-4-pack.jpg`, await multipack(p.path, null), 'good');
  write(`${stem}-3-of-4.jpg`, await multipack(p.path, Math.floor(random() * 4)), 'damaged');
}
writeFileSync(join(out, 'labels.csv'), `${rows.join('\n')}\n`);
writeFileSync(stamp, params);
process.stderr.write(`wrote ${rows.length - 1} logical-anomaly images (${split} split) and a gallery of ${devClasses(data, 'train').length} products + their 4-packs to ${out}\n`);
