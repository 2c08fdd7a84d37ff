// The in-memory gallery: products, their reference embeddings for identification, and their
// reference patch features for comparison. The CLI fills it from a gallery folder (or a pack),
// the app from IndexedDB; both then search it with exactly this code.
//
// One index holds vectors of ONE embedding model (named by its sha256): vectors of two model
// versions live in different spaces and comparing them gives confident nonsense.
import type { ProductMatch } from './check-result.ts';
import { buildPatchMemory, type MemoryOptions, type PatchMemory } from './patch-anomaly.ts';
import { poolPatches, REFERENCES_PER_PRODUCT, rerank, SHORTLIST, type PooledPatches } from './rerank.ts';
import type { ProductId, ReferenceId } from './types.ts';
import { VectorIndex, type VectorPrecision } from './vector-index.ts';

export interface GalleryProduct {
  id: ProductId;
  name?: string;
  barcodes?: string[];
  /** Units in a pack (a broken set has fewer). */
  units?: number;
  /** Packaging version, e.g. "2026-09". */
  version?: string;
  /** For per-category thresholds and severity policy (e.g. "dairy"). */
  category?: string;
}

export interface GalleryReference {
  id: ReferenceId;
  product: ProductId;
  embedding: ArrayLike<number>;
  /** gridH × gridW × patchDim, row-major. */
  patches: ArrayLike<number>;
  /** Grid cells showing the image rather than letterbox padding; absent = all. */
  imageCells?: ArrayLike<boolean>;
}

export interface GallerySpec {
  /** sha256 of the embedding model the vectors came from. */
  model: string;
  dim: number;
  patchDim: number;
  patchGrid: [number, number];
  precision?: VectorPrecision;
  memory?: MemoryOptions;
}

export interface GalleryMatch extends ProductMatch {
  /**
   * Cosine-like similarity in [-1, 1]; `score` is the same mapped to [0, 1] as (1 + s) / 2.
   * The global embedding's cosine, or, when the query's patches were given, that blended
   * with the patch similarity (core/rerank.ts).
   */
  similarity: number;
  /** The windowed patch similarity the ranking used; absent without query patches. */
  patchSimilarity?: number;
  /** The reference that matched best (to show beside the query). */
  reference: ReferenceId;
}

export interface IdentifyOptions {
  top?: number;
  /** Only these products (a tote's expected items); unknown ids are ignored. */
  candidates?: Iterable<ProductId>;
  /**
   * The query's patch features (gridH × gridW × patchDim): when given, the global ranking's
   * best products (every candidate, when a candidate list is given) are re-ranked by their
   * patch similarity too, see core/rerank.ts.
   */
  patches?: ArrayLike<number>;
  /** The query's grid cells showing image rather than letterbox padding; absent = all. */
  imageCells?: ArrayLike<boolean>;
}

export class GalleryIndex {
  readonly spec: GallerySpec;
  private readonly vectors: VectorIndex;
  private readonly productIds: ProductId[] = [];
  private readonly productIndex = new Map<ProductId, number>();
  private readonly productInfo = new Map<ProductId, GalleryProduct>();
  private readonly referenceIds: ReferenceId[] = [];
  private readonly patchesByProduct = new Map<ProductId, GalleryReference[]>();
  private readonly memories = new Map<ProductId, PatchMemory>();
  private readonly pooled = new WeakMap<GalleryReference, PooledPatches>();

  constructor(spec: GallerySpec) {
    this.spec = spec;
    this.vectors = new VectorIndex(spec.dim, spec.precision ?? 'float32');
  }

  get productCount(): number {
    return this.productIds.length;
  }

  get referenceCount(): number {
    return this.vectors.size;
  }

  get vectorBytes(): number {
    return this.vectors.bytes;
  }

  products(): GalleryProduct[] {
    return this.productIds.map((id) => this.productInfo.get(id) ?? { id });
  }

  product(id: ProductId): GalleryProduct | undefined {
    return this.productInfo.get(id);
  }

  has(id: ProductId): boolean {
    return this.productIndex.has(id);
  }

  addProduct(product: GalleryProduct): void {
    this.groupOf(product.id);
    this.productInfo.set(product.id, { ...this.productInfo.get(product.id), ...product });
  }

  addReference(ref: GalleryReference, model: string = this.spec.model): void {
    if (model !== this.spec.model) {
      throw new Error(`reference ${ref.id} was embedded with model ${model.slice(0, 12)}…, this gallery holds ${this.spec.model.slice(0, 12)}…; re-embed it`);
    }
    const [gh, gw] = this.spec.patchGrid;
    if (ref.patches.length !== gh * gw * this.spec.patchDim) {
      throw new RangeError(`reference ${ref.id} has ${ref.patches.length} patch values, expected ${gh}×${gw}×${this.spec.patchDim}`);
    }
    this.vectors.add(ref.embedding, this.groupOf(ref.product));
    this.referenceIds.push(ref.id);
    const list = this.patchesByProduct.get(ref.product) ?? [];
    list.push(ref);
    this.patchesByProduct.set(ref.product, list);
    this.memories.delete(ref.product);
  }

  /**
   * Products ranked by their best reference's similarity to the query embedding, re-ranked
   * with the query's patches when they are given.
   */
  identify(embedding: ArrayLike<number>, options: IdentifyOptions = {}): GalleryMatch[] {
    if (this.vectors.size === 0) return [];
    let groups: number[] | undefined;
    if (options.candidates) {
      groups = [];
      for (const id of options.candidates) {
        const g = this.productIndex.get(id);
        if (g !== undefined) groups.push(g);
      }
      if (groups.length === 0) return [];
    }
    const top = options.top ?? 5;
    const shortlist = options.patches ? Math.max(top, groups?.length ?? SHORTLIST) : top;
    const hits = this.vectors.searchGroups(embedding, shortlist, groups).map((hit) => ({
      product: this.productIds[hit.group],
      similarity: hit.similarity,
      reference: this.referenceIds[hit.row],
    }));
    if (!options.patches) return hits.map((h) => ({ ...h, score: toScore(h.similarity) }));

    const [gh, gw] = this.spec.patchGrid;
    const query = poolPatches(options.patches, options.imageCells, [gh, gw], this.spec.patchDim);
    const reranked = rerank(query, hits.map((h) => ({ item: h, global: h.similarity, references: this.nearestReferences(h.product, embedding) })));
    return reranked.slice(0, top).map(({ item, similarity, patch }) => ({ ...item, similarity, patchSimilarity: patch, score: toScore(similarity) }));
  }

  /** The product's references nearest to the query by global embedding, pooled for re-ranking. */
  private nearestReferences(product: ProductId, embedding: ArrayLike<number>): PooledPatches[] {
    const refs = this.patchesByProduct.get(product) ?? [];
    const ranked = refs.length <= REFERENCES_PER_PRODUCT
      ? refs
      : refs.map((r) => ({ r, s: dotProduct(r.embedding, embedding) })).sort((a, b) => b.s - a.s).slice(0, REFERENCES_PER_PRODUCT).map(({ r }) => r);
    return ranked.map((r) => {
      let p = this.pooled.get(r);
      if (!p) {
        p = poolPatches(r.patches, r.imageCells, this.spec.patchGrid, this.spec.patchDim);
        this.pooled.set(r, p);
      }
      return p;
    });
  }

  referencesOf(product: ProductId): readonly GalleryReference[] {
    return this.patchesByProduct.get(product) ?? [];
  }

  /** The product's patch memory (built on first use, then cached); null without references. */
  memoryFor(product: ProductId): PatchMemory | null {
    const cached = this.memories.get(product);
    if (cached) return cached;
    const refs = this.patchesByProduct.get(product);
    if (!refs || refs.length === 0) return null;
    const memory = buildPatchMemory(
      refs.map((r) => ({ features: r.patches, valid: r.imageCells })),
      this.spec.patchGrid,
      this.spec.patchDim,
      this.spec.memory,
    );
    this.memories.set(product, memory);
    return memory;
  }

  /** How an open (not narrowed) search runs now: exact, or through the inverted file. */
  get searchPlan(): VectorIndex['searchPlan'] {
    return this.vectors.searchPlan;
  }

  /**
   * Builds every product's patch memory ahead of time (a first check of a product otherwise
   * pays for it), one product per macrotask so a worker stays responsive; stops when aborted.
   */
  async buildMemories(options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<number> {
    // A large gallery's first open search would otherwise pay the whole inverted-file build
    // (≈ 47 s CPU at 1M references); building it here, in slices, keeps checks exact until then.
    await this.vectors.prepareApproximateInBackground({ signal: options.signal });
    const products = [...this.patchesByProduct.keys()];
    let done = 0;
    for (const p of products) {
      if (options.signal?.aborted) break;
      this.memoryFor(p);
      options.onProgress?.(++done, products.length);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return done;
  }

  private groupOf(id: ProductId): number {
    let g = this.productIndex.get(id);
    if (g === undefined) {
      g = this.productIds.length;
      this.productIds.push(id);
      this.productIndex.set(id, g);
    }
    return g;
  }
}

const toScore = (similarity: number) => Math.min(1, Math.max(0, (1 + similarity) / 2));

function dotProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
