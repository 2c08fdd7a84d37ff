// Identification as the gallery does it (GalleryIndex.identify: best reference per product,
// top 5 products, int8 rows, exact below APPROXIMATE_FROM references and through the inverted
// file above) on gallery-like vectors, checked against an exact float32 scan of the same
// vectors: does int8 storage plus the approximate index still name the same product?
import { GalleryIndex } from '../src/lib/core/gallery-index.ts';
import { seededRandom } from '../src/lib/core/seeded-random.ts';
import { productId, referenceId } from '../src/lib/core/types.ts';
import { APPROXIMATE_FROM, VectorIndex } from '../src/lib/core/vector-index.ts';
import { median } from './clock.ts';
import { GalleryLikeVectors } from './gallery-like-vectors.ts';

export interface GallerySearchRow {
  references: number;
  products: number;
  dim: number;
  /** How identify() searched at this size: 'exact' or 'approximate' (inverted file). */
  search: 'exact' | 'approximate';
  /** Median ms per identify() over the whole gallery, int8 rows, as the app searches. */
  msPerQueryInt8: number;
  /** The first identify(), which builds the inverted file where the search is approximate. */
  firstQueryMsInt8: number;
  /** Median ms of the exact float32 scan used as the reference. */
  msPerQueryFloat32: number;
  mbInt8: number;
  mbFloat32: number;
  /** Share of queries whose identify() top-1 product equals the exact float32 top-1. */
  top1AgreementInt8: number;
  /** Share of queries whose exact float32 top-1 is the product the query was drawn from. */
  top1Float32: number;
}

const REFS_PER_PRODUCT = 10;
/**
 * Above this the run would build a second million-row inverted file (a minute of CPU) to measure
 * the same VectorIndex that vector-search.ts measures at that size; GalleryIndex adds only id lookups.
 */
const LARGEST = 100_000;

export function benchGallerySearch(sizes: number[], dim: number, queries: number, log: (m: string) => void): GallerySearchRow[] {
  const rows: GallerySearchRow[] = [];
  for (const n of sizes) {
    if (n > LARGEST) {
      log(`gallery search ${n}: skipped (above ${LARGEST}; see the vector search rows of that size)`);
      continue;
    }
    const products = Math.ceil(n / REFS_PER_PRODUCT);
    const gallery = new GalleryLikeVectors({ products, referencesPerProduct: REFS_PER_PRODUCT, dim, seed: 5 });
    const spec = { model: 'bench', dim, patchDim: 1, patchGrid: [1, 1] as [number, number] };
    const int8 = new GalleryIndex({ ...spec, precision: 'int8' });
    const exact = new VectorIndex(dim, 'float32', n, { from: Infinity });
    const patches = new Float32Array(1).fill(1);
    let i = 0;
    for (const { vector, product } of gallery.references()) {
      int8.addReference({ id: referenceId(`r${i}`), product: productId(`p${product}`), embedding: vector, patches });
      // Products are added in order, so GalleryIndex's group for p<k> is k here too.
      exact.add(vector, product);
      if (++i === n) break;
    }
    const random = seededRandom(6);
    let agree = 0;
    let correct = 0;
    let first = 0;
    const t8: number[] = [];
    const t32: number[] = [];
    for (let q = 0; q < queries; q++) {
      const truth = Math.floor(random() * products);
      const query = gallery.query(truth, random);
      let t = performance.now();
      const a = int8.identify(query, { top: 5 });
      if (q === 0) first = performance.now() - t;
      else t8.push(performance.now() - t);
      t = performance.now();
      const b = exact.searchGroups(query, 5);
      t32.push(performance.now() - t);
      if (a[0]?.product === `p${b[0]?.group}`) agree++;
      if (b[0]?.group === truth) correct++;
    }
    const row: GallerySearchRow = {
      references: n,
      products,
      dim,
      // GalleryIndex keeps its VectorIndex private; the rule it follows is VectorIndex's default.
      search: int8.referenceCount >= APPROXIMATE_FROM ? 'approximate' : 'exact',
      msPerQueryInt8: median(t8.length ? t8 : [first]),
      firstQueryMsInt8: first,
      msPerQueryFloat32: median(t32),
      mbInt8: int8.vectorBytes / 2 ** 20,
      mbFloat32: exact.bytes / 2 ** 20,
      top1AgreementInt8: agree / queries,
      top1Float32: correct / queries,
    };
    log(`gallery search ${n} (${row.search}): int8 ${row.msPerQueryInt8.toFixed(2)} ms (first ${row.firstQueryMsInt8.toFixed(0)} ms; top-1 agrees with exact float32 ${(row.top1AgreementInt8 * 100).toFixed(1)}%), exact float32 ${row.msPerQueryFloat32.toFixed(2)} ms`);
    rows.push(row);
  }
  return rows;
}
