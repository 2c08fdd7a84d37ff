// Identification as the gallery does it (GalleryIndex.identify: best reference per product,
// top 5 products) on clustered vectors — products photographed from several sides sit near a
// product centre — so the int8 index can be checked against exact float32 ranking, not just timed.
import { GalleryIndex } from '../src/lib/core/gallery-index.ts';
import { seededRandom as rng } from '../src/lib/core/seeded-random.ts';
import { productId, referenceId } from '../src/lib/core/types.ts';

export interface GallerySearchRow {
  references: number;
  products: number;
  dim: number;
  /** Median ms per identify() over the whole gallery, int8 rows. */
  msPerQueryInt8: number;
  msPerQueryFloat32: number;
  mbInt8: number;
  mbFloat32: number;
  /** Share of queries whose int8 top-1 product equals the float32 (exact) top-1. */
  top1AgreementInt8: number;
  /** Share of queries whose float32 top-1 is the product the query was drawn from. */
  top1Float32: number;
}

const REFS_PER_PRODUCT = 10;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
}

function around(centre: Float32Array, spread: number, random: () => number): Float32Array {
  const v = centre.map((c) => c + spread * gaussian(random));
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

export function benchGallerySearch(sizes: number[], dim: number, queries: number, log: (m: string) => void): GallerySearchRow[] {
  const rows: GallerySearchRow[] = [];
  for (const n of sizes) {
    const random = rng(5);
    const products = Math.ceil(n / REFS_PER_PRODUCT);
    // Spread chosen so a query's nearest product is often only narrowly the best (float32 top-1
    // well below 100% at 10k+): where int8 rounding would flip rankings if it could.
    const spread = 2 / Math.sqrt(dim);
    const centres = Array.from({ length: products }, () => around(new Float32Array(dim), 1, random));
    const spec = { model: 'bench', dim, patchDim: 1, patchGrid: [1, 1] as [number, number] };
    const int8 = new GalleryIndex({ ...spec, precision: 'int8' });
    const float32 = new GalleryIndex({ ...spec, precision: 'float32' });
    const patches = new Float32Array(1).fill(1);
    for (let i = 0; i < n; i++) {
      const p = productId(`p${Math.floor(i / REFS_PER_PRODUCT)}`);
      const ref = { id: referenceId(`r${i}`), product: p, embedding: around(centres[Math.floor(i / REFS_PER_PRODUCT)], spread, random), patches };
      int8.addReference(ref);
      float32.addReference(ref);
    }
    let agree = 0;
    let correct = 0;
    const t8: number[] = [];
    const t32: number[] = [];
    for (let q = 0; q < queries; q++) {
      const truth = Math.floor(random() * products);
      const query = around(centres[truth], spread, random);
      let t = performance.now();
      const a = int8.identify(query, { top: 5 });
      t8.push(performance.now() - t);
      t = performance.now();
      const b = float32.identify(query, { top: 5 });
      t32.push(performance.now() - t);
      if (a[0]?.product === b[0]?.product) agree++;
      if (b[0]?.product === `p${truth}`) correct++;
    }
    const row = {
      references: n,
      products,
      dim,
      msPerQueryInt8: median(t8),
      msPerQueryFloat32: median(t32),
      mbInt8: int8.vectorBytes / 2 ** 20,
      mbFloat32: float32.vectorBytes / 2 ** 20,
      top1AgreementInt8: agree / queries,
      top1Float32: correct / queries,
    };
    log(`gallery search ${n}: int8 ${row.msPerQueryInt8.toFixed(2)} ms (agrees ${(row.top1AgreementInt8 * 100).toFixed(1)}%), float32 ${row.msPerQueryFloat32.toFixed(2)} ms`);
    rows.push(row);
  }
  return rows;
}
