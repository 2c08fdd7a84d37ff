// The in-memory gallery: products, their reference embeddings for identification, and their
// reference patch features for comparison. The CLI fills it from a gallery folder (or a pack),
// the app from IndexedDB; both then search it with exactly this code.
//
// One index holds vectors of ONE embedding model (named by its sha256): vectors of two model
// versions live in different spaces and comparing them gives confident nonsense.
//
// References arrive as float (the CLI) or as int8 rows with one scale per row (the app, from
// IndexedDB through the worker). int8 references stay int8 here: the global embedding in an int8
// VectorIndex, the patch features as given, widened only while a product's patch memory or a
// reference's pooled patches are computed (both cached as float, the form the comparison reads).
// A reference's patch features are ~100× its global embedding, so this is where memory goes.
import type { ProductMatch } from './check-result.ts';
import { buildPatchMemory, type MemoryOptions, type PatchMemory } from './patch-anomaly.ts';
import { DEFAULT_RERANK_SCORING, poolPatches, rerank, type PooledPatches, type RerankScoring } from './rerank.ts';
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

/** A reference as int8 rows: the app's stored form (see gallery-pack/tensor.ts quantizeRows). */
export interface QuantizedReference {
  id: ReferenceId;
  product: ProductId;
  /** dim values; any scale (the row is normalised on insertion). */
  embedding: Int8Array;
  /** gridH × gridW rows of patchDim values, row-major. */
  patches: Int8Array;
  /** One scale per patch row (cell): the float feature is value × scale. */
  patchScales: Float32Array;
  imageCells?: ArrayLike<boolean>;
}

/** What the index keeps of a reference; its global embedding lives in the VectorIndex row. */
interface HeldReference {
  id: ReferenceId;
  product: ProductId;
  row: number;
  patches: ArrayLike<number> | { values: Int8Array; scales: Float32Array };
  imageCells?: ArrayLike<boolean>;
  /** The float reference as added, handed back as is by referencesOf. */
  source?: GalleryReference;
}

export interface GallerySpec {
  /** sha256 of the embedding model the vectors came from. */
  model: string;
  dim: number;
  patchDim: number;
  patchGrid: [number, number];
  precision?: VectorPrecision;
  memory?: MemoryOptions;
  /** The model's re-ranking numbers (its manifest's scoring.rerank); the defaults when absent. */
  rerank?: RerankScoring;
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
  /** How many references the product has: a best-of-n similarity grows with n (core/identity.ts). */
  references: number;
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
  private readonly patchesByProduct = new Map<ProductId, HeldReference[]>();
  private readonly memories = new Map<ProductId, PatchMemory>();
  private readonly pooled = new WeakMap<HeldReference, PooledPatches>();
  /** Widened int8 patches of one reference at a time, for pooling (which keeps nothing of its input). */
  private scratch: Float32Array | null = null;
  /**
   * The float references of the product asked for last: a multipack's unit count reads them on
   * every check of it, and widening hundreds of references each time would cost more than the check.
   */
  private lastReferences: { product: ProductId; references: readonly GalleryReference[] } | null = null;

  constructor(spec: GallerySpec) {
    this.spec = spec;
    this.vectors = new VectorIndex(spec.dim, spec.precision ?? 'float32');
  }

  get rerankScoring(): RerankScoring {
    return this.spec.rerank ?? DEFAULT_RERANK_SCORING;
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
    this.checkReference(ref.id, model, ref.patches.length);
    const row = this.vectors.add(ref.embedding, this.groupOf(ref.product));
    this.hold({ id: ref.id, product: ref.product, row, patches: ref.patches, imageCells: ref.imageCells, source: ref });
  }

  /**
   * Adds a reference kept as int8 (its arrays are held, not copied: views into one transferred
   * buffer cost nothing more). In a float32 gallery the embedding is widened.
   */
  addQuantizedReference(ref: QuantizedReference, model: string = this.spec.model): void {
    this.checkReference(ref.id, model, ref.patches.length);
    const [gh, gw] = this.spec.patchGrid;
    if (ref.patchScales.length !== gh * gw) throw new RangeError(`reference ${ref.id} has ${ref.patchScales.length} patch scales, expected ${gh}×${gw}`);
    const row = this.vectors.addQuantized(ref.embedding, this.groupOf(ref.product));
    this.hold({ id: ref.id, product: ref.product, row, patches: { values: ref.patches, scales: ref.patchScales }, imageCells: ref.imageCells });
  }

  private checkReference(id: ReferenceId, model: string, patchValues: number): void {
    if (model !== this.spec.model) {
      throw new Error(`reference ${id} was embedded with model ${model.slice(0, 12)}…, this gallery holds ${this.spec.model.slice(0, 12)}…; re-embed it`);
    }
    const [gh, gw] = this.spec.patchGrid;
    if (patchValues !== gh * gw * this.spec.patchDim) {
      throw new RangeError(`reference ${id} has ${patchValues} patch values, expected ${gh}×${gw}×${this.spec.patchDim}`);
    }
  }

  private hold(ref: HeldReference): void {
    if (this.lastReferences?.product === ref.product) this.lastReferences = null;
    this.referenceIds.push(ref.id);
    const list = this.patchesByProduct.get(ref.product) ?? [];
    list.push(ref);
    this.patchesByProduct.set(ref.product, list);
    this.memories.delete(ref.product);
  }

  /** The reference's patch features as float (int8 ones widened into `out`, a new array by default). */
  private floatPatches(ref: HeldReference, out?: Float32Array): ArrayLike<number> {
    const p = ref.patches;
    if (!('scales' in p)) return p;
    const dim = this.spec.patchDim;
    out ??= new Float32Array(p.values.length);
    for (let row = 0; row < p.scales.length; row++) {
      const s = p.scales[row];
      for (let i = row * dim; i < (row + 1) * dim; i++) out[i] = p.values[i] * s;
    }
    return out;
  }

  /** Bytes of the references' patch features as held (float or int8 with scales); derived caches not counted. */
  get patchBytes(): number {
    let bytes = 0;
    for (const refs of this.patchesByProduct.values()) {
      for (const { patches: p } of refs) bytes += 'scales' in p ? p.values.byteLength + p.scales.byteLength : p.length * 4;
    }
    return bytes;
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
    const scoring = this.rerankScoring;
    const shortlist = options.patches ? Math.max(top, groups?.length ?? scoring.shortlist) : top;
    const hits = this.vectors.searchGroups(embedding, shortlist, groups).map((hit) => ({
      product: this.productIds[hit.group],
      similarity: hit.similarity,
      reference: this.referenceIds[hit.row],
      references: this.patchesByProduct.get(this.productIds[hit.group])?.length ?? 0,
    }));
    if (!options.patches) return hits.map((h) => ({ ...h, score: toScore(h.similarity) }));

    const [gh, gw] = this.spec.patchGrid;
    const query = poolPatches(options.patches, options.imageCells, [gh, gw], this.spec.patchDim);
    const reranked = rerank(query, hits.map((h) => ({ item: h, global: h.similarity, references: this.nearestReferences(h.product, embedding) })), scoring.patchWeight);
    return reranked.slice(0, top).map(({ item, similarity, patch }) => ({ ...item, similarity, patchSimilarity: patch, score: toScore(similarity) }));
  }

  /** The product's references nearest to the query by global embedding, pooled for re-ranking. */
  private nearestReferences(product: ProductId, embedding: ArrayLike<number>): PooledPatches[] {
    const refs = this.patchesByProduct.get(product) ?? [];
    let ranked = refs;
    const perProduct = this.rerankScoring.referencesPerProduct;
    if (refs.length > perProduct) {
      // Scored in the vector index (the embeddings live there only), narrowed to this product: exact.
      const byRow = new Map(refs.map((r) => [r.row, r]));
      ranked = this.vectors.searchRows(embedding, perProduct, [this.productIndex.get(product)!]).map((hit) => byRow.get(hit.row)!);
    }
    return ranked.map((r) => {
      let p = this.pooled.get(r);
      if (!p) {
        const [gh, gw] = this.spec.patchGrid;
        this.scratch ??= new Float32Array(gh * gw * this.spec.patchDim);
        p = poolPatches(this.floatPatches(r, this.scratch), r.imageCells, this.spec.patchGrid, this.spec.patchDim);
        this.pooled.set(r, p);
      }
      return p;
    });
  }

  /**
   * The product's references with float patch features: those added as float as they were
   * given, int8 ones widened (with their embedding from the index); the last product's are kept.
   */
  referencesOf(product: ProductId): readonly GalleryReference[] {
    if (this.lastReferences?.product === product) return this.lastReferences.references;
    const references = (this.patchesByProduct.get(product) ?? []).map(
      (r) => r.source ?? { id: r.id, product: r.product, embedding: this.vectors.vector(r.row), patches: this.floatPatches(r), imageCells: r.imageCells },
    );
    this.lastReferences = { product, references };
    return references;
  }

  /** The product's patch memory (built on first use, then cached); null without references. */
  memoryFor(product: ProductId): PatchMemory | null {
    const cached = this.memories.get(product);
    if (cached) return cached;
    const refs = this.patchesByProduct.get(product);
    if (!refs || refs.length === 0) return null;
    const memory = buildPatchMemory(
      refs.map((r) => ({ features: this.floatPatches(r), valid: r.imageCells })),
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

