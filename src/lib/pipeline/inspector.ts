// The pipeline behind every check, in the app's worker and in the CLI alike:
// quality → preprocess → models → identify → compare with references → decide.
import type { CheckResult, ScoreMap, UnitCount } from '../core/check-result.ts';
import { productsWithBarcode, resolveBarcode, type BarcodeResolution } from '../core/barcode-crosscheck.ts';
import { GalleryIndex, type GalleryProduct } from '../core/gallery-index.ts';
import { rankForIdentity } from '../core/identity-ranking.ts';
import { checkClaim, identify, type ClaimCheck, type Identity } from '../core/identity.ts';
import { parseModelScoring, type ModelScoring } from '../core/model-scoring.ts';
import { colourSignature } from '../core/colour-signature.ts';
import { centreCrop, combineDescriptor, descriptorKey } from '../core/global-descriptor.ts';
import type { RgbaImage } from '../core/image.ts';
import { entryFor, parseManifest } from '../core/manifest-parse.ts';
import type { ModelEntry } from '../core/model-manifest.ts';
import { scorePatches, type MemoryOptions } from '../core/patch-anomaly.ts';
import type { RerankScoring } from '../core/rerank.ts';
import { imageCells, preprocess, type ModelInput } from '../core/preprocess.ts';
import { decide, DEFAULT_DECISION_CONFIG, type ClaimEvidence, type DecisionConfig, type IdentityEvidence } from '../core/decision/decide.ts';
import { assessQuality, DEFAULT_QUALITY_THRESHOLDS, type QualityThresholds } from '../core/quality.ts';
import { DAMAGE_TYPES, millis, probability, referenceId, type DamageType, type DamageTypeScores, type ProductId } from '../core/types.ts';
import { countUnits, unitLayout, type UnitCountOptions, type UnitEstimate } from '../core/unit-count.ts';
import type { Layout } from '../core/unit-slots.ts';
import type { VectorPrecision } from '../core/vector-index.ts';
import { descriptorDim, vectorKey } from '../core/vector-space.ts';
import { AbortedError, ModelError, ModelHost, type TensorData } from '../inference/index.ts';
import type { IdentifyResult, ImageEmbedding, InspectOptions, ModelStatus, Pipeline, PipelineOptions, ReferenceEmbedding } from './api.ts';

export interface InspectorOptions extends PipelineOptions {
  quality?: QualityThresholds;
  /** Storage of the default gallery's vectors (int8 = 4× smaller, see core/vector-index.ts). */
  galleryPrecision?: VectorPrecision;
  /** Multipack unit counting (see core/unit-count.ts); the model's scoring.unitCount when absent. */
  unitCount?: UnitCountOptions;
}

export class UnknownProductError extends Error {
  constructor(readonly product: ProductId) {
    super(`product "${product}" has no references in the gallery`);
    this.name = 'UnknownProductError';
  }
}

const now = () => performance.now();

const scoringCache = new WeakMap<ModelEntry, ModelScoring>();

const layoutCache = new WeakMap<GalleryIndex, Map<ProductId, Layout | null>>();

function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortedError();
}

export class Inspector implements Pipeline {
  private readonly host: ModelHost;
  private decision: DecisionConfig;
  private readonly qualityThresholds: QualityThresholds;
  private readonly galleryPrecision: VectorPrecision;
  private readonly unitCountOverride: UnitCountOptions | undefined;
  private defaultGallery: GalleryIndex | null = null;

  private constructor(options: InspectorOptions) {
    this.host = new ModelHost(options.readFile, options.providers);
    this.decision = options.decision ?? DEFAULT_DECISION_CONFIG;
    this.qualityThresholds = options.quality ?? DEFAULT_QUALITY_THRESHOLDS;
    this.galleryPrecision = options.galleryPrecision ?? 'float32';
    this.unitCountOverride = options.unitCount;
  }

  /** Loads the manifest's default damage and embedding models (verified, warmed up). */
  static async create(options: InspectorOptions): Promise<Inspector> {
    const inspector = new Inspector(options);
    const manifest = parseManifest(options.manifest);
    const damage = entryFor(manifest, 'damage');
    const embedding = entryFor(manifest, 'embedding');
    try {
      await checkDescriptorKey(embedding);
      await inspector.host.load(damage);
      if (embedding !== damage) await inspector.host.load(embedding);
    } catch (e) {
      await inspector.host.releaseAll();
      throw e;
    }
    return inspector;
  }

  /** Swaps in another model; on failure the current one stays (ModelError thrown). */
  async loadModel(entry: ModelEntry, bytes?: Uint8Array): Promise<void> {
    await checkDescriptorKey(entry);
    await this.host.load(entry, bytes);
    this.defaultGallery = null;
  }

  setDecision(decision: DecisionConfig): void {
    this.decision = decision;
  }

  status(): ModelStatus[] {
    return this.host.status();
  }

  get embeddingModel(): ModelEntry {
    return this.host.require('embedding').entry;
  }

  /** An empty gallery bound to the loaded embedding model. */
  createGallery(precision: VectorPrecision = this.galleryPrecision): GalleryIndex {
    const entry = this.embeddingModel;
    const spec = entry.embedding;
    if (!spec) throw new ModelError('manifest', `model ${entry.id} has the embedding role but no embedding spec`, entry.id);
    return new GalleryIndex({ model: vectorKey(entry), dim: descriptorDim(entry), patchDim: spec.patchDim, patchGrid: spec.patchGrid, precision, ...this.gallerySettings() });
  }

  /** The loaded model's numbers a gallery searches and compares with (its manifest's scoring block). */
  gallerySettings(): { rerank: RerankScoring; memory: MemoryOptions } {
    const { rerank, anomaly } = this.scoring;
    return { rerank, memory: { colourWeights: anomaly.colourWeights } };
  }

  setGallery(gallery: GalleryIndex | null): void {
    if (gallery && gallery.spec.model !== vectorKey(this.embeddingModel)) {
      throw new Error('the gallery was embedded with a different model than the one loaded');
    }
    this.defaultGallery = gallery;
  }

  setReferences(references: ReferenceEmbedding[], products: GalleryProduct[] = []): void {
    if (references.length === 0 && products.length === 0) {
      this.defaultGallery = null;
      return;
    }
    const gallery = this.createGallery();
    for (const p of products) gallery.addProduct(p);
    references.forEach((r, i) => {
      gallery.addProduct({ id: r.product });
      gallery.addReference({
        id: r.reference ?? referenceId(`${r.product}#${i}`),
        product: r.product,
        embedding: r.embedding,
        patches: r.patches,
        imageCells: r.imageCells,
      });
    });
    this.defaultGallery = gallery;
  }

  /**
   * Builds the default gallery's per-product patch memories in the background (call after
   * setReferences), so the first check of each product is as fast as the others.
   */
  async prepareGallery(options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {}): Promise<number> {
    return this.defaultGallery ? this.defaultGallery.buildMemories(options) : 0;
  }

  async embed(image: RgbaImage, signal?: AbortSignal): Promise<ImageEmbedding> {
    const { entry, session } = this.host.require('embedding');
    const input = preprocess(image, entry.input);
    const out = await session.run(input.data, input.dims, signal);
    return this.describe(image, this.readEmbedding(entry, out, input), signal);
  }

  /**
   * The gallery's global vector from the whole-image embedding: with a descriptor recipe in
   * the manifest, one more pass on the centred crop plus the colour signature.
   */
  private async describe(image: RgbaImage, whole: ImageEmbedding, signal?: AbortSignal): Promise<ImageEmbedding> {
    const { entry, session } = this.host.require('embedding');
    const recipe = entry.embedding?.global;
    if (!recipe) return whole;
    const crop = preprocess(centreCrop(image, recipe.centreCrop), entry.input);
    const out = await session.run(crop.data, crop.dims, signal);
    const centre = this.output(entry, out, entry.outputs.embedding, 'embedding').data;
    return { ...whole, embedding: combineDescriptor(whole.embedding, centre, colourSignature(image, recipe.colour), recipe.colour.weight), model: recipe.key };
  }

  async identify(image: RgbaImage, options: InspectOptions = {}): Promise<IdentifyResult> {
    const t0 = now();
    const gallery = options.gallery ?? this.defaultGallery;
    if (!gallery || gallery.referenceCount === 0) return { matches: [], unknown: true, identity: null, ms: now() - t0 };
    const emb = await this.embed(image, options.signal);
    checkAborted(options.signal);
    const identity = this.identityOf(gallery, emb, options.candidates, [], emb.item ?? null, options.top);
    return { matches: identity.matches.slice(0, options.top ?? 5), unknown: isUnknown(identity), identity, ms: now() - t0 };
  }

  /** The scoring numbers of the loaded embedding model (its manifest's `scoring` block). */
  get scoring(): ModelScoring {
    const entry = this.embeddingModel;
    let scoring = scoringCache.get(entry);
    if (!scoring) scoringCache.set(entry, (scoring = parseModelScoring(entry.scoring)));
    return scoring;
  }

  /** What the picture shows, with calibrated probabilities (see core/identity-ranking.ts for the ranking). */
  private identityOf(gallery: GalleryIndex, emb: ImageEmbedding, candidates: readonly ProductId[] | undefined, mustWeigh: readonly ProductId[], item: number | null, top = 0): Identity {
    return identify(rankForIdentity(gallery, emb, { candidates, mustWeigh, top }), this.scoring.identity, item);
  }

  async inspect(image: RgbaImage, options: InspectOptions = {}): Promise<CheckResult> {
    const t0 = now();
    const { signal } = options;
    const gallery = options.gallery ?? this.defaultGallery;
    if (options.product !== undefined && !gallery?.has(options.product)) throw new UnknownProductError(options.product);

    const quality = assessQuality(image, this.qualityThresholds);
    const damageModel = this.host.require('damage');
    const embeddingModel = this.host.require('embedding');
    const needEmbedding = gallery !== null && gallery.referenceCount > 0;
    const damageInput = preprocess(image, damageModel.entry.input);
    const sameGraph = damageModel === embeddingModel;
    const embedInput = needEmbedding && !sameGraph ? preprocess(image, embeddingModel.entry.input) : damageInput;
    const tPre = now();
    checkAborted(signal);

    // Sequential, not Promise.all: both sessions share one WASM instance (and one GPU queue).
    const damageOut = await damageModel.session.run(damageInput.data, damageInput.dims, signal);
    const embedOut = needEmbedding && !sameGraph ? await embeddingModel.session.run(embedInput.data, embedInput.dims, signal) : null;
    const emb = needEmbedding ? await this.describe(image, this.readEmbedding(embeddingModel.entry, embedOut ?? damageOut, embedInput), signal) : null;
    const tInfer = now();
    checkAborted(signal);

    const { damage, types, topType, heatmap } = this.readDamage(damageModel.entry, damageOut);
    let product: ProductId | null = null;
    let identity: Identity | null = null;
    let claim: ClaimCheck | null = null;
    let anomaly: number | null = null;
    let anomalyMap: ScoreMap | null = null;
    let barcode: BarcodeResolution | null = null;
    let units: UnitCount | null = null;
    if (emb && gallery) {
      const barcodeProducts = options.barcode ? productsWithBarcode(options.barcode, gallery.products()) : [];
      const claimed = options.product !== undefined ? [options.product] : [];
      identity = this.identityOf(gallery, emb, options.candidates, [...claimed, ...barcodeProducts], emb.item ?? null, options.top);
      const scoring = this.scoring.identity;
      if (options.barcode) barcode = resolveBarcode(options.barcode, gallery.products(), identity.matches, { mismatchAt: scoring.mismatchAt });
      if (options.product !== undefined) claim = checkClaim(identity, options.product, scoring);
      product = options.product ?? barcode?.product ?? judgedProduct(identity);
      // Compared with the claimed or identified product; between look-alikes, with the one the
      // item resembles most (a good item matches its own product's references well).
      const compareWith = product ? [product] : identity.status === 'lookalikes' ? identity.lookalikes.map((m) => m.product) : [];
      checkAborted(signal);
      const spec = embeddingModel.entry.embedding!;
      for (const p of compareWith) {
        const memory = gallery.memoryFor(p);
        if (!memory) continue;
        const result = scorePatches({ features: emb.patches, valid: emb.imageCells }, spec.patchGrid, memory, this.scoring.anomaly);
        if (anomaly === null || result.score < anomaly) {
          anomaly = result.score;
          anomalyMap = result.map;
          if (!product) product = p;
        }
      }
      if (product && anomaly !== null) {
        const count = this.countUnits(gallery, product, emb, spec.patchGrid);
        if (count) units = { expected: count.expected, counted: count.counted };
      }
    } else if (options.barcode) {
      // No references to recognise the picture by: the barcode alone names the product.
      barcode = resolveBarcode(options.barcode, gallery?.products() ?? [], []);
      product = options.product ?? barcode?.product ?? null;
    }
    const tGallery = now();

    const category = (product && gallery?.product(product)?.category) || product;
    const nameOf = (id: ProductId) => gallery?.product(id)?.name ?? id;
    const decision = decide({
      quality, damage, types, topType, anomaly, heatmap, anomalyMap, category,
      identity: identity && identityEvidence(identity, nameOf),
      claim: claim && claimEvidence(claim, identity!, nameOf),
      barcodeMismatch: barcode?.check.mismatch ?? false,
      units,
      galleryPreparing: options.galleryPreparing ?? false,
    }, this.decision);
    const notes = decision.verdict === 'retake' || !barcode?.note ? [] : [barcode.note];
    return {
      product,
      matches: identity?.matches.slice(0, options.top ?? 5) ?? [],
      identity,
      claim,
      damage: probability(damage),
      types,
      topType,
      heatmap,
      anomaly: anomaly === null ? null : probability(anomaly),
      anomalyMap,
      quality,
      score: decision.score,
      verdict: decision.verdict,
      reasons: [...decision.reasons, ...notes],
      severity: decision.severity,
      barcode: barcode?.check ?? null,
      units,
      timings: {
        preprocess: millis(tPre - t0),
        inference: millis(tInfer - tPre),
        gallery: millis(tGallery - tInfer),
        total: millis(now() - t0),
      },
      provider: damageModel.session.provider,
    };
  }

  async dispose(): Promise<void> {
    this.defaultGallery = null;
    await this.host.releaseAll();
  }

  /** Units of a multipack counted against its references; null for single items or no safe count. */
  private countUnits(gallery: GalleryIndex, product: ProductId, emb: ImageEmbedding, grid: [number, number]): UnitEstimate | null {
    const expected = gallery.product(product)?.units ?? 1;
    if (expected < 2) return null;
    const references = gallery.referencesOf(product).map((r) => ({ features: r.patches, valid: r.imageCells }));
    // The grid of units depends only on the references: found once per product and gallery.
    let layouts = layoutCache.get(gallery);
    if (!layouts) layoutCache.set(gallery, (layouts = new Map()));
    const unitCount = this.unitCountOverride ?? this.scoring.unitCount;
    if (!layouts.has(product)) layouts.set(product, unitLayout(references, grid, expected, unitCount));
    const query = { features: emb.patches, valid: emb.imageCells };
    return countUnits({ query, references, grid, units: expected, layout: layouts.get(product) }, unitCount);
  }

  private output(entry: ModelEntry, out: Record<string, TensorData>, name: string | undefined, what: string): TensorData {
    const t = name ? out[name] : undefined;
    if (!t) throw new ModelError('manifest', `model ${entry.id} produced no "${name ?? what}" output (${what})`, entry.id);
    return t;
  }

  private readDamage(entry: ModelEntry, out: Record<string, TensorData>) {
    const damage = this.output(entry, out, entry.outputs.damage, 'damage').data[0];
    const typeValues = this.output(entry, out, entry.outputs.types, 'types').data;
    if (typeValues.length !== DAMAGE_TYPES.length) {
      throw new ModelError('manifest', `model ${entry.id} gives ${typeValues.length} damage types, expected ${DAMAGE_TYPES.length}`, entry.id);
    }
    const types = {} as DamageTypeScores;
    let topType: DamageType = DAMAGE_TYPES[0];
    DAMAGE_TYPES.forEach((t, i) => {
      types[t] = probability(typeValues[i]);
      if (typeValues[i] > typeValues[DAMAGE_TYPES.indexOf(topType)]) topType = t;
    });
    let heatmap: ScoreMap = { width: 1, height: 1, values: Float32Array.of(damage) };
    const h = entry.outputs.heatmap ? out[entry.outputs.heatmap] : undefined;
    if (h && h.dims.length === 4) {
      heatmap = { width: h.dims[3], height: h.dims[2], values: Float32Array.from(h.data, (v) => Math.min(1, Math.max(0, v))) };
    }
    return { damage: probability(damage), types, topType, heatmap };
  }

  private readEmbedding(entry: ModelEntry, out: Record<string, TensorData>, input: ModelInput): ImageEmbedding {
    const item = entry.outputs.item ? out[entry.outputs.item]?.data[0] : undefined;
    const spec = entry.embedding;
    if (!spec) throw new ModelError('manifest', `model ${entry.id} has no embedding spec`, entry.id);
    const embedding = this.output(entry, out, entry.outputs.embedding, 'embedding').data;
    const patches = this.output(entry, out, entry.outputs.patches, 'patches').data;
    const [gh, gw] = spec.patchGrid;
    if (embedding.length !== spec.dim || patches.length !== gh * gw * spec.patchDim) {
      throw new ModelError('manifest', `model ${entry.id} output sizes (${embedding.length}, ${patches.length}) do not match its manifest embedding spec`, entry.id);
    }
    return {
      embedding: Float32Array.from(embedding),
      patches: Float32Array.from(patches),
      imageCells: imageCells(input.placement, entry.input.size, spec.patchGrid),
      model: entry.sha256,
      ...(item === undefined ? {} : { item }),
    };
  }
}

/** A descriptor recipe whose key does not hash to the model file + recipe was edited by hand. */
async function checkDescriptorKey(entry: ModelEntry): Promise<void> {
  const recipe = entry.embedding?.global;
  if (!recipe) return;
  if ((await descriptorKey(entry.sha256, recipe)) !== recipe.key) {
    throw new ModelError('manifest', `model ${entry.id}: embedding.global.key does not match the model file and descriptor recipe (the recipe was changed without a new key; rebuild the manifest)`, entry.id);
  }
}

const isUnknown = (identity: Identity): boolean => identity.status === 'unknown' || identity.status === 'no-item';

/** The product a verdict is judged against when nothing was claimed: only one the picture names. */
const judgedProduct = (identity: Identity): ProductId | null => (identity.status === 'identified' ? identity.product : null);

function identityEvidence(identity: Identity, nameOf: (id: ProductId) => string): IdentityEvidence {
  const shown = identity.status === 'lookalikes' ? identity.lookalikes : identity.matches.slice(0, 1);
  return { status: identity.status, names: shown.map((m) => nameOf(m.product)), probability: identity.probability };
}

function claimEvidence(claim: ClaimCheck, identity: Identity, nameOf: (id: ProductId) => string): ClaimEvidence {
  const other = identity.matches.find((m) => m.product !== claim.claimed) ?? null;
  return { claimedName: nameOf(claim.claimed), looksLikeName: other && nameOf(other.product), otherProbability: other?.score ?? 0, mismatch: claim.mismatch };
}
