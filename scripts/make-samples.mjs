// Builds the bundled "Try a sample" photos in public/samples/ from the MIT-licensed GroceryStore
// dev photos, plus one with damage drawn onto it (a tear and a spill stain) so a newcomer sees a
// Sideline as well as a Pass. Run once; the outputs are committed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const data = process.env.GROCERY_DEV ?? '/work/shared/data/grocery-dev';
const out = 'public/samples';
mkdirSync(out, { recursive: true });

const photos = [
  ['oatly-oat-milk.jpg', 'val/Oatly-Oat-Milk/Oatly-Oat-Milk_002.jpg'],
  ['god-morgon-orange-juice.jpg', 'val/God-Morgon-Orange-Juice/God-Morgon-Orange-Juice_002.jpg'],
  ['alpro-blueberry-soyghurt.jpg', 'val/Alpro-Blueberry-Soyghurt/Alpro-Blueberry-Soyghurt_001.jpg'],
  ['arla-standard-milk.jpg', 'val/Arla-Standard-Milk/Arla-Standard-Milk_001.jpg'],
];
for (const [name, source] of photos) writeFileSync(join(out, name), readFileSync(join(data, source)));

// A jagged tear across the carton's face (dark gap with a pale torn-fibre rim) and a brown spill
// running down from it, drawn at the photo's own size.
const base = join(data, 'val/Alpro-Blueberry-Soyghurt/Alpro-Blueberry-Soyghurt_001.jpg');
const { width, height } = await sharp(base).metadata();
const tear = 'M 112 214 L 131 201 L 139 209 L 156 196 L 166 207 L 183 199 L 196 212 L 214 206 L 222 221 L 209 233 L 214 246 L 196 242 L 181 252 L 168 240 L 151 249 L 140 236 L 122 238 L 126 226 Z';
const flap = 'M 183 199 L 196 212 L 214 206 L 231 178 L 205 181 Z';
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <defs><filter id="soft"><feGaussianBlur stdDeviation="2.5"/></filter></defs>
  <path d="M 140 236 C 128 270, 160 300, 146 338 C 138 362, 190 372, 186 332 C 182 296, 206 272, 190 240 Z"
        fill="#5a3b16" fill-opacity="0.7" filter="url(#soft)"/>
  <path d="${tear}" fill="none" stroke="#f4efe4" stroke-width="6" stroke-linejoin="bevel"/>
  <path d="${tear}" fill="#1a140f"/>
  <path d="${flap}" fill="#d9d2c3" stroke="#f4efe4" stroke-width="2"/>
  <path d="M 188 201 L 222 186" stroke="#a59c8a" stroke-width="1.5"/>
</svg>`;
await sharp(base)
  .composite([{ input: Buffer.from(svg) }])
  .jpeg({ quality: 90 })
  .toFile(join(out, 'alpro-blueberry-soyghurt-torn.jpg'));

writeFileSync(
  join(out, 'README.md'),
  `# Sample photos

Used by the app's "Try a sample" button.

* \`oatly-oat-milk.jpg\`, \`god-morgon-orange-juice.jpg\`, \`alpro-blueberry-soyghurt.jpg\`,
  \`arla-standard-milk.jpg\`: unmodified photos from the GroceryStore dataset
  (Klasson, Zhang, Kjellström, "A Hierarchical Grocery Store Image Dataset with Visual and Semantic
  Labels", WACV 2019; github.com/marcusklasson/GroceryStoreDataset), val split, as re-encoded in
  the project's dev data. Licence: MIT, Copyright (c) 2019 Marcus Klasson — see \`LICENSE\`.
* \`alpro-blueberry-soyghurt-torn.jpg\`: the Alpro photo above with a synthetic tear and spill stain
  drawn on by \`scripts/make-samples.mjs\` (same licence).
`,
);
writeFileSync(join(out, 'LICENSE'), readFileSync(join(data, 'LICENSE')));
console.log(`wrote ${photos.length + 1} samples to ${out}`);
