// Unpacks the MobileNetV2-1.4 "mid" tfjs graph model that nsfwjs@4.3.0 ships as UMD modules
// (model topology + base64 weight shards) into a plain model.json + weights.bin pair that both
// the Python converter and the tfjs reference run can read.
// Usage: node models/tools/extract-nsfwjs.mjs <outDir>
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

// The shards are UMD bundles that only CommonJS loading evaluates into their exports.
const loadUmd = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

const outDir = process.argv[2];
if (!outDir) {
  console.error('usage: extract-nsfwjs.mjs <outDir>');
  process.exit(2);
}
// nsfwjs's package "exports" hide package.json, so locate the package from the repository root.
const packageDir = path.join(here, '..', '..', 'node_modules', 'nsfwjs');
const modelDir = path.join(packageDir, 'dist/models/mobilenet_v2_mid');
const pkg = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
const model = loadUmd(path.join(modelDir, 'model.min.js'));
const shards = model.weightsManifest.flatMap((group) => group.paths).map((name) => {
  const encoded = loadUmd(path.join(modelDir, `${name}.min.js`));
  if (typeof encoded !== 'string') throw new Error(`shard ${name} is not a base64 string`);
  return Buffer.from(encoded, 'base64');
});
fs.mkdirSync(outDir, { recursive: true });
const weights = Buffer.concat(shards);
const manifest = model.weightsManifest.map((group) => ({ ...group, paths: ['weights.bin'] }));
fs.writeFileSync(path.join(outDir, 'weights.bin'), weights);
fs.writeFileSync(
  path.join(outDir, 'model.json'),
  JSON.stringify({ ...model, weightsManifest: manifest, source: { package: 'nsfwjs', version: pkg.version, model: 'mobilenet_v2_mid' } }),
);
console.error(`extracted nsfwjs@${pkg.version} mobilenet_v2_mid: ${model.modelTopology.node.length} nodes, ${weights.length} weight bytes`);
