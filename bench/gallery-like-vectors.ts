// Synthetic reference embeddings shaped like a real gallery, for search benchmarks and tests.
//
// Isotropic Gaussian vectors have no cluster structure, and any approximate index then looks
// arbitrarily good or bad. Real embeddings are far from that: measured on the 964 grocery-dev
// photos with intact-vision 1.0.0 (256-d), 90 % of the variance lies in 25 directions (the
// spectrum falls about geometrically, ratio ≈ 0.917), all vectors share a common direction
// (norm of the mean 0.39), photos of one product have cosine 0.72 ± 0.16, of different products
// 0.13 ± 0.16, and products come in families of look-alikes (centroid cosine up to 0.92).
// So a vector here is common direction + family offset + product offset + photo noise, each
// drawn with that spectrum (plus a small floor), with the noise scale varying per photo (near
// duplicates and odd angles), then rotated off the axes (random signs + Walsh–Hadamard, so the
// int8 per-row scale sees realistic coordinates) and normalised. The weights below reproduce the
// figures above within a few hundredths (same product 0.73 ± 0.12, different 0.13 ± 0.20).
// A query is a photo taken elsewhere (another store, light, camera): besides photo noise it
// carries an offset of its own, weighted so that its best reference's cosine matches that of
// real val photos against the train photos (0.71); without it queries sit much closer to their
// references than real ones do (0.86), which flatters any approximate index.
//
// Streamed product by product from per-product seeds, so a million references need no more
// memory than the index they are added to, and a query of any product can be drawn later.
import { seededRandom } from '../src/lib/core/seeded-random.ts';

export interface GalleryLikeOptions {
  products: number;
  referencesPerProduct: number;
  dim: number;
  seed?: number;
  /** Products per family of look-alikes. */
  familySize?: number;
}

const WEIGHT = { common: 0.1, family: 0.3, product: 0.32, photo: 0.28 };
const PHOTO_SCALE = [0.05, 2.0] as const;
const QUERY_SHIFT = 0.6;

export class GalleryLikeVectors {
  readonly dim: number;
  readonly products: number;
  readonly referencesPerProduct: number;
  private readonly seed: number;
  private readonly familySize: number;
  private readonly sd: Float32Array;
  private readonly signs: Float32Array;
  private readonly common: Float32Array;

  constructor(options: GalleryLikeOptions) {
    const { dim } = options;
    this.dim = dim;
    this.products = options.products;
    this.referencesPerProduct = options.referencesPerProduct;
    this.seed = options.seed ?? 1;
    this.familySize = options.familySize ?? 4;
    const variance = Float32Array.from({ length: dim }, (_, i) => 0.083 * 0.917 ** i + 0.0002);
    const total = variance.reduce((a, v) => a + v, 0);
    this.sd = variance.map((v) => Math.sqrt(v / total));
    const random = seededRandom(this.seed);
    this.signs = Float32Array.from({ length: dim }, () => (random() < 0.5 ? -1 : 1));
    this.common = this.draw(random);
    const n = Math.hypot(...this.common);
    this.common.forEach((v, i) => (this.common[i] = v / n));
  }

  /** Total references. */
  get size(): number {
    return this.products * this.referencesPerProduct;
  }

  /** Every reference as (unit vector, product), product by product; the vector is reused between calls. */
  *references(): Generator<{ vector: Float32Array; product: number }> {
    for (let p = 0; p < this.products; p++) {
      const centre = this.centre(p);
      const random = seededRandom(this.mix(p, 0x5eed));
      for (let r = 0; r < this.referencesPerProduct; r++) yield { vector: this.photo(centre, random), product: p };
    }
  }

  /** A new photo of product `p` (not one of its references): a query. */
  query(p: number, random: () => number): Float32Array {
    const shift = this.draw(random);
    const w = Math.sqrt(QUERY_SHIFT);
    return this.photo(this.centre(p).map((x, i) => x + w * shift[i]), random).slice();
  }

  private photo(centre: Float32Array, random: () => number): Float32Array {
    const [lo, hi] = PHOTO_SCALE;
    const scale = Math.sqrt(WEIGHT.photo * (lo + (hi - lo) * random()));
    const noise = this.draw(random);
    const v = noise.map((x, i) => centre[i] + scale * x);
    this.rotate(v);
    let norm = 0;
    for (const x of v) norm += x * x;
    norm = Math.sqrt(norm);
    for (let i = 0; i < v.length; i++) v[i] /= norm;
    return v;
  }

  /** A product's centre before rotation: common direction + its family's offset + its own. */
  private centre(p: number): Float32Array {
    const family = this.draw(seededRandom(this.mix(Math.floor(p / this.familySize), 0xfa11)));
    const own = this.draw(seededRandom(this.mix(p, 0x9d0c)));
    const a = Math.sqrt(WEIGHT.common), f = Math.sqrt(WEIGHT.family), o = Math.sqrt(WEIGHT.product);
    return own.map((x, i) => a * this.common[i] + f * family[i] + o * x);
  }

  /** Anisotropic Gaussian vector with the embedding spectrum (expected squared norm 1). */
  private draw(random: () => number): Float32Array {
    const v = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i += 2) {
      const r = Math.sqrt(-2 * Math.log(random() || 1e-12));
      const t = 2 * Math.PI * random();
      v[i] = r * Math.cos(t) * this.sd[i];
      if (i + 1 < this.dim) v[i + 1] = r * Math.sin(t) * this.sd[i + 1];
    }
    return v;
  }

  /** Random signs then an orthonormal Walsh–Hadamard transform (dimensions that are powers of two; others stay on the axes). */
  private rotate(v: Float32Array): void {
    const n = v.length;
    if ((n & (n - 1)) !== 0) return;
    for (let i = 0; i < n; i++) v[i] *= this.signs[i];
    for (let h = 1; h < n; h *= 2) {
      for (let i = 0; i < n; i += 2 * h) {
        for (let j = i; j < i + h; j++) {
          const a = v[j], b = v[j + h];
          v[j] = a + b;
          v[j + h] = a - b;
        }
      }
    }
    const s = 1 / Math.sqrt(n);
    for (let i = 0; i < n; i++) v[i] *= s;
  }

  private mix(i: number, salt: number): number {
    return (Math.imul(i + 1, 0x9e3779b1) ^ Math.imul(this.seed, 0x85ebca6b) ^ salt) >>> 0;
  }
}
