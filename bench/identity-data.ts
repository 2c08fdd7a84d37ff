// The identity scenarios of the dev photos, ranked exactly as a check ranks them
// (core/identity-ranking.ts through the CLI's Inspector and embedding cache), for the scripts that
// fit the identity calibration (scripts/fit-scoring.ts, selection split) and report it
// (bench/identity-eval.ts, both splits).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GalleryIndex, GalleryMatch } from '../src/lib/core/gallery-index.ts';
import { rankForIdentity } from '../src/lib/core/identity-ranking.ts';
import { SHORTLIST } from '../src/lib/core/rerank.ts';
import { productId, type ProductId } from '../src/lib/core/types.ts';
import type { ImageEmbedding } from '../src/lib/pipeline/api.ts';
import type { Inspector } from '../src/lib/pipeline/inspector.ts';
import { allDevPhotos, benchLog, devGallery, embedCached, enrolHeldOut, toteCandidates, type DevPhoto } from './dev-set.ts';
import { valRoles, type SplitRole } from './splits.ts';

/** Never trained on by the embedding (models/pipeline/build.py HELD_OUT): the "unseen" and open-set products. */
export const HELD_OUT = ['Arla-Sour-Cream', 'God-Morgon-Red-Grapefruit-Juice', 'Garant-Ecological-Standard-Milk', 'Alpro-Vanilla-Soyghurt', 'Yoggi-Vanilla-Yoghurt'];
export const TOTE_SIZE = 20;
export const ENROL_UNSEEN = 5;

export interface RankedQuery {
  photo: DevPhoto;
  role: SplitRole;
  /** The ranking a check computes; `truth` is absent from the gallery for open-set queries. */
  ranked: GalleryMatch[];
  /** The product the item is, or null when the gallery does not hold it. */
  truth: ProductId | null;
}

export interface ClaimCase {
  role: SplitRole;
  /** The ranking with the claimed product weighed too. */
  ranked: GalleryMatch[];
  claimed: ProductId;
  genuine: boolean;
  /** Index of the photo among the val photos (for its damage score). */
  photo: number;
}

export interface IdentityScenarios {
  val: DevPhoto[];
  roles: SplitRole[];
  valVectors: ImageEmbedding[];
  closed: RankedQuery[];
  iconic: RankedQuery[];
  narrowed: RankedQuery[];
  unseen: RankedQuery[];
  /** Held-out products against a gallery without them (truth null), and enrolled ones as known. */
  openSet: RankedQuery[];
  /** Each val photo of an enrolled product, claimed as itself and as each look-alike. */
  claims: ClaimCase[];
  /** Each val photo against the train gallery with its own product removed (truth null). */
  leaveProductOut: RankedQuery[];
  /** The same two with only the first k train photos of every product, k in FEW_REFERENCES. */
  fewReferences: RankedQuery[];
}

/** Gallery sizes per product the calibration is fitted across (a best-of-n similarity grows with n). */
export const FEW_REFERENCES = [1, 3, 5, 10];

/** The first `k` photos of every product. */
const firstOfEach = (photos: readonly DevPhoto[], k: number): DevPhoto[] => {
  const taken = new Map<string, number>();
  return photos.filter((p) => {
    const n = taken.get(p.product) ?? 0;
    taken.set(p.product, n + 1);
    return n < k;
  });
};

/** Look-alikes: another product of the same kind (milk, juice, yoghurt …) per classes.csv. */
export function lookalikesOf(data: string): (p: ProductId) => ProductId[] {
  const rows = readFileSync(join(data, 'classes.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
  const coarse = new Map(rows.map(([fine, , c]) => [fine, c]));
  return (p) => rows.filter(([fine]) => fine !== p && coarse.get(fine) === coarse.get(p)).map(([fine]) => fine as ProductId);
}

/** The catalogue images, one per product (iconic/<product>.jpg). */
export const iconicDevPhotos = (data: string): DevPhoto[] =>
  readdirSync(join(data, 'iconic')).filter((f) => f.endsWith('.jpg')).sort().map((f) => ({ path: join(data, 'iconic', f), product: productId(f.slice(0, -4)) }));

async function embedAll(inspector: Inspector, photos: DevPhoto[], what: string): Promise<ImageEmbedding[]> {
  const t0 = performance.now();
  const out: ImageEmbedding[] = [];
  for (const p of photos) out.push(await embedCached(inspector, readFileSync(p.path), p.path));
  benchLog.info(`${what}: ${photos.length} photos embedded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return out;
}

const withoutProduct = (ranked: GalleryMatch[], p: ProductId) => ranked.filter((m) => m.product !== p).slice(0, SHORTLIST);

export async function identityScenarios(inspector: Inspector, data: string): Promise<IdentityScenarios> {
  const train = allDevPhotos(data, 'train');
  const val = allDevPhotos(data, 'val');
  const iconicPhotos = iconicDevPhotos(data);
  const roles = valRoles(val);
  const [trainVectors, valVectors, iconicVectors] = [await embedAll(inspector, train, 'train'), await embedAll(inspector, val, 'val'), await embedAll(inspector, iconicPhotos, 'iconic')];
  const full = devGallery(inspector, train, trainVectors);
  const iconic = devGallery(inspector, iconicPhotos, iconicVectors);
  const heldOut = new Set(HELD_OUT);
  const enrolled = enrolHeldOut(train, heldOut, ENROL_UNSEEN);
  const unseenGallery = devGallery(inspector, enrolled, enrolled.map((p) => trainVectors[train.indexOf(p)]));
  const withoutHeldOut = train.filter((p) => !heldOut.has(p.product));
  const openGallery = devGallery(inspector, withoutHeldOut, withoutHeldOut.map((p) => trainVectors[train.indexOf(p)]));
  const products = [...new Set(train.map((p) => p.product))];
  const totes = toteCandidates(val, products, TOTE_SIZE);
  const lookalikes = lookalikesOf(data);

  const rank = (g: GalleryIndex, i: number, options: Parameters<typeof rankForIdentity>[2] = {}) => rankForIdentity(g, valVectors[i], options);
  const closed: RankedQuery[] = [], iconicQ: RankedQuery[] = [], narrowed: RankedQuery[] = [], unseen: RankedQuery[] = [];
  const openSet: RankedQuery[] = [], claims: ClaimCase[] = [], leaveProductOut: RankedQuery[] = [], fewReferences: RankedQuery[] = [];
  const few = FEW_REFERENCES.map((k) => {
    const photos = firstOfEach(train, k);
    return devGallery(inspector, photos, photos.map((p) => trainVectors[train.indexOf(p)]));
  });
  val.forEach((photo, i) => {
    const role = roles[i];
    const base = { photo, role, truth: photo.product };
    const ranked = rank(full, i, { top: SHORTLIST + 1 });
    closed.push({ ...base, ranked: ranked.slice(0, SHORTLIST) });
    leaveProductOut.push({ ...base, truth: null, ranked: withoutProduct(ranked, photo.product) });
    iconicQ.push({ ...base, ranked: rank(iconic, i) });
    for (const g of few) {
      const r = rank(g, i, { top: SHORTLIST + 1 });
      fewReferences.push({ ...base, ranked: r.slice(0, SHORTLIST) }, { ...base, truth: null, ranked: withoutProduct(r, photo.product) });
    }
    narrowed.push({ ...base, ranked: rank(full, i, { candidates: totes[i] }) });
    if (heldOut.has(photo.product)) {
      unseen.push({ ...base, ranked: rank(unseenGallery, i) });
      openSet.push({ ...base, truth: null, ranked: rank(openGallery, i) });
    } else {
      openSet.push({ ...base, ranked: rank(openGallery, i) });
      for (const claimed of [photo.product, ...lookalikes(photo.product)]) {
        claims.push({ role, claimed, genuine: claimed === photo.product, photo: i, ranked: rank(full, i, { mustWeigh: [claimed] }) });
      }
    }
  });
  return { val, roles, valVectors, closed, iconic: iconicQ, narrowed, unseen, openSet, claims, leaveProductOut, fewReferences };
}
