// The Gallery screen's state, and the gallery as the rest of the app sees it (product names and
// reference photos for the Check screen, the search set for the worker).
import { getContext, setContext } from 'svelte';
import type { EmbeddingModelRef, ReferenceView } from '../core/gallery-pack/index.ts';
import type { ProductId } from '../core/types.ts';
import {
  addReference,
  countPending,
  deleteProduct,
  deleteReference,
  exportDeviceEnrollments,
  GalleryError,
  getMeta,
  getProduct,
  importPack,
  importPackFromUrl,
  listProducts,
  listReferences,
  loadPackPolicy,
  loadSearchSet,
  parsePublicKey,
  savePackPolicy,
  markNewPackagingVersion,
  openGalleryDb,
  prepareEnrolImage,
  productsByBarcode,
  referenceImage,
  reembedAll,
  requestPersistence,
  saveProduct,
  setActiveModel,
  storageState,
  toStored,
  recentChanges,
  type GalleryDatabase,
  type GalleryVersionRecord,
  type PackPolicy,
  type ProductRecord,
  type ProductSummary,
  type ReferenceRecord,
  type SearchSet,
  type Vectors,
} from '../gallery/index.ts';
import type { ReferencesSent } from '../worker/client.ts';
import type { ProductCatalog } from './catalog.ts';
import { galleryPreparation } from './gallery-preparation.ts';

/** What the gallery needs from the inference engine; null while no embedding model is loaded. */
export interface GalleryEngine {
  embeddingModel(): EmbeddingModelRef | null;
  embed(image: Blob): Promise<Vectors>;
  /** Hands the search set (read by `load`, again after a worker restart) to the checker. */
  publish(load: () => Promise<SearchSet>): Promise<ReferencesSent>;
}

export const DEMO_PACK_URL = 'demo/demo.intactpack';

export interface ReferenceItem extends ReferenceRecord {
  thumbnailUrl: string | null;
}

export class GalleryState {
  ready = $state(false);
  products = $state<ProductSummary[]>([]);
  query = $state('');
  selected = $state<ProductRecord | null>(null);
  references = $state<ReferenceItem[]>([]);
  /** Status line for the live region: what just happened, in words. */
  message = $state('');
  /** A refused action; shown as an alert. */
  problem = $state('');
  busy = $state(false);
  usage = $state<number | null>(null);
  quota = $state<number | null>(null);
  persisted = $state<boolean | null>(null);
  /** Current references waiting for vectors from the loaded model. */
  pending = $state(0);
  reembedding = $state<{ done: number; total: number } | null>(null);
  history = $state<GalleryVersionRecord[]>([]);
  unexported = $derived(this.products.reduce((n, p) => n + p.unexported, 0));
  /** The loaded model is being handed the gallery for the first time. */
  attaching = $state(false);
  /** What the checker last received: references, vector bytes moved, milliseconds. */
  published = $state.raw<ReferencesSent | null>(null);
  /** Non-null while the checker's gallery is still being put together (see gallery-preparation.ts). */
  preparing = $derived(galleryPreparation({ opened: this.ready, attaching: this.attaching, reembedding: this.reembedding }));
  /** Which packs this device accepts. */
  packPolicy = $state.raw<PackPolicy>({ requireSigned: false, trustedKeys: [] });

  #db: GalleryDatabase | null = null;
  #urls: string[] = [];
  #engine: GalleryEngine | null = null;
  #reembedAgain = false;
  #opening: Promise<void> | null = null;
  /** One object URL per product shown on the Check screen, dropped when the gallery changes. */
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- a cache nothing renders from.
  #referenceUrls = new Map<string, string>();

  constructor(private readonly dbName?: string) {}

  get db(): GalleryDatabase {
    if (!this.#db) throw new GalleryError('blocked', 'The gallery is not open yet.');
    return this.#db;
  }

  /** Opens the store (once, however often called); on a device's first run imports the bundled demo pack. */
  open(options: { demoPack?: string | null } = {}): Promise<void> {
    this.#opening ??= this.#open(options);
    return this.#opening;
  }

  async #open(options: { demoPack?: string | null }): Promise<void> {
    await this.#run(async () => {
      this.#db = await openGalleryDb(this.dbName);
      this.packPolicy = await loadPackPolicy(this.#db);
      this.persisted = await requestPersistence();
      const demo = options.demoPack === undefined ? DEMO_PACK_URL : options.demoPack;
      if (demo && !(await getMeta(this.#db, 'demoImported'))) {
        // Marked only on success, so a failed first attempt (offline, storage full) is retried next start.
        try {
          // Its vectors are of the bundled model; a device running another re-embeds its photos.
          const s = await importPackFromUrl(this.#db, demo, { source: 'the bundled demo pack', otherModel: 'reembed' });
          await this.#db.put('meta', true, 'demoImported');
          this.message = `Demo gallery loaded: ${s.products} products, ${s.references} references.`;
        } catch (e) {
          this.problem = `The demo gallery could not be loaded: ${(e as Error).message}`;
        }
      }
      this.ready = true;
    });
    await this.refresh();
  }

  /** Connects the engine: records its model, re-embeds what lacks its vectors, feeds the search. */
  async attachEngine(engine: GalleryEngine): Promise<void> {
    this.#engine = engine;
    const model = engine.embeddingModel();
    if (!model) return;
    this.attaching = true;
    try {
      await this.open();
      if (!this.#db) return;
      await setActiveModel(this.#db, model);
      await this.#publishSearchSet().catch((e: unknown) => (this.problem = `The checker did not get the gallery: ${(e as Error).message}`));
      // Started before `attaching` clears, so the gallery never looks ready in between.
      void this.reembed();
    } finally {
      this.attaching = false;
    }
  }

  async reembed(): Promise<void> {
    const engine = this.#engine;
    const model = engine?.embeddingModel();
    if (!engine || !model || !this.#db) return;
    if (this.reembedding) {
      // References that arrived after the running pass counted its work get a pass of their own.
      this.#reembedAgain = true;
      return;
    }
    this.reembedding = { done: 0, total: 0 };
    try {
      do {
        this.#reembedAgain = false;
        const done = await reembedAll(this.#db, model, (img) => engine.embed(new Blob([img.bytes as Uint8Array<ArrayBuffer>], { type: img.mime })), (p) => (this.reembedding = p));
        // Nothing new to search: the checker already holds this gallery.
        if (done.total > 0) await this.#publishSearchSet();
      } while (this.#reembedAgain);
    } catch (e) {
      this.problem = `Re-embedding stopped: ${(e as Error).message}`;
    } finally {
      this.reembedding = null;
    }
  }

  async refresh(): Promise<void> {
    if (!this.#db) return;
    for (const url of this.#referenceUrls.values()) URL.revokeObjectURL(url);
    this.#referenceUrls.clear();
    this.products = await listProducts(this.#db, this.query);
    this.history = await recentChanges(this.#db, 10);
    if (this.selected) await this.select(this.selected.id);
    const s = await storageState();
    this.usage = s.usage;
    this.quota = s.quota;
    this.persisted = s.persisted;
    this.pending = await countPending(this.#db);
  }

  async search(query: string): Promise<void> {
    this.query = query;
    if (this.#db) this.products = await listProducts(this.#db, query);
  }

  async select(id: string | null): Promise<void> {
    for (const url of this.#urls) URL.revokeObjectURL(url);
    this.#urls = [];
    if (!id || !this.#db) {
      this.selected = null;
      this.references = [];
      return;
    }
    const db = this.#db;
    this.selected = (await getProduct(db, id)) ?? null;
    const refs = this.selected ? await listReferences(db, id) : [];
    this.references = await Promise.all(
      refs.map(async (r) => {
        const blob = await referenceImage(db, r.id, 'thumbnail');
        const thumbnailUrl = blob ? URL.createObjectURL(blob) : null;
        if (thumbnailUrl) this.#urls.push(thumbnailUrl);
        return { ...r, thumbnailUrl };
      }),
    );
  }

  async addProduct(product: Omit<ProductRecord, 'updatedAt'>): Promise<boolean> {
    return this.#run(async () => {
      if (await getProduct(this.db, product.id)) throw new GalleryError('invalid', `A product with id "${product.id}" already exists.`);
      await saveProduct(this.db, product);
      this.message = `Added ${product.name}.`;
      await this.refresh();
      await this.select(product.id);
      // Its barcodes count in the checker's barcode cross-check before it has any references.
      await this.#publishSearchSet();
    });
  }

  async enrol(files: File[], view: ReferenceView): Promise<boolean> {
    const product = this.selected;
    if (!product) return false;
    return this.#run(async () => {
      const model = this.#engine?.embeddingModel() ?? null;
      let added = 0;
      for (const file of files) {
        const prepared = await prepareEnrolImage(file, file.name || 'The photo');
        const vectors =
          this.#engine && model ? toStored(await this.#engine.embed(new Blob([prepared.image.bytes as Uint8Array<ArrayBuffer>], { type: prepared.image.mime })), model) : undefined;
        await addReference(this.db, { product: product.id, view, ...prepared, vectors });
        added++;
      }
      this.message = `Added ${added} ${view} reference${added === 1 ? '' : 's'} to ${product.name}.`;
      await this.refresh();
      await this.#publishSearchSet();
    });
  }

  async newPackagingVersion(version: string): Promise<boolean> {
    const product = this.selected;
    if (!product) return false;
    return this.#run(async () => {
      await markNewPackagingVersion(this.db, product.id, version.trim());
      this.message = `${product.name} now has packaging version ${version.trim()}; older references are kept but marked superseded.`;
      await this.refresh();
      await this.#publishSearchSet();
    });
  }

  async removeReference(reference: string): Promise<boolean> {
    return this.#run(async () => {
      await deleteReference(this.db, reference);
      this.message = 'Reference deleted.';
      await this.refresh();
      await this.#publishSearchSet();
    });
  }

  async removeProduct(id: string): Promise<boolean> {
    return this.#run(async () => {
      await deleteProduct(this.db, id);
      this.message = `Deleted ${id} and its references.`;
      await this.select(null);
      await this.refresh();
      await this.#publishSearchSet();
    });
  }

  async importFile(file: File): Promise<boolean> {
    return this.#run(async () => {
      const s = await importPack(this.db, new Uint8Array(await file.arrayBuffer()), { source: file.name });
      const signed = s.signer ? `, signed by ${s.signer.slice(0, 16)}…` : '';
      this.message = `Imported ${file.name}: ${s.products} products, ${s.references} references${s.needEmbedding ? ` (${s.needEmbedding} to embed)` : ''}${signed}.`;
      await this.refresh();
      await this.#publishSearchSet();
      void this.reembed();
    });
  }

  async importUrl(url: string): Promise<boolean> {
    return this.#run(async () => {
      const s = await importPackFromUrl(this.db, url);
      this.message = `Imported ${url}: ${s.products} products, ${s.references} references.`;
      await this.refresh();
      await this.#publishSearchSet();
      void this.reembed();
    });
  }

  /** Builds the pack of this device's unexported enrolments and hands it to the browser as a download. */
  async exportEnrollments(): Promise<boolean> {
    return this.#run(async () => {
      const pack = await exportDeviceEnrollments(this.db);
      const url = URL.createObjectURL(new Blob([pack.bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: pack.fileName });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      this.message = `Exported ${pack.references} references as ${pack.fileName}.`;
      await this.refresh();
    });
  }

  async productsWithBarcode(barcode: string): Promise<ProductRecord[]> {
    return this.#db ? productsByBarcode(this.#db, barcode) : [];
  }

  /** "Only accept signed gallery packs": needs a trusted key; refused otherwise, the old setting stays. */
  async setRequireSigned(requireSigned: boolean): Promise<boolean> {
    return this.#savePolicy({ ...this.packPolicy, requireSigned }, requireSigned ? 'Only signed gallery packs are accepted now.' : 'Unsigned gallery packs are accepted again.');
  }

  async addTrustedKey(text: string): Promise<boolean> {
    return this.#run(async () => {
      const key = parsePublicKey(text);
      await this.#storePolicy({ ...this.packPolicy, trustedKeys: [...this.packPolicy.trustedKeys, key] });
      this.message = `Packs signed by ${key.slice(0, 16)}… are trusted.`;
    });
  }

  async removeTrustedKey(key: string): Promise<boolean> {
    return this.#savePolicy({ ...this.packPolicy, trustedKeys: this.packPolicy.trustedKeys.filter((k) => k !== key) }, `Packs signed by ${key.slice(0, 16)}… are no longer trusted.`);
  }

  #savePolicy(policy: PackPolicy, message: string): Promise<boolean> {
    return this.#run(async () => {
      await this.#storePolicy(policy);
      this.message = message;
    });
  }

  async #storePolicy(policy: PackPolicy): Promise<void> {
    this.packPolicy = await savePackPolicy(this.db, policy);
  }

  /** The Check screen's view of the gallery. */
  readonly catalog: ProductCatalog = {
    nameOf: async (product: ProductId) => (this.#db ? ((await getProduct(this.#db, product))?.name ?? null) : null),
    referenceImageOf: async (product: ProductId) => {
      if (!this.#db) return null;
      const cached = this.#referenceUrls.get(product);
      if (cached) return cached;
      const current = (await listReferences(this.#db, product)).find((r) => !r.superseded);
      const blob = current ? await referenceImage(this.#db, current.id, 'full') : null;
      if (!blob) return null;
      const url = URL.createObjectURL(blob);
      this.#referenceUrls.set(product, url);
      return url;
    },
  };

  async #publishSearchSet(): Promise<void> {
    const db = this.#db;
    if (!this.#engine || !db) return;
    this.published = await this.#engine.publish(async () => {
      const set = await loadSearchSet(db);
      this.pending = set.pending;
      return set;
    });
  }

  async #run(action: () => Promise<void>): Promise<boolean> {
    this.busy = true;
    this.problem = '';
    try {
      await action();
      return true;
    } catch (e) {
      this.problem = e instanceof GalleryError ? e.message : `Something went wrong: ${(e as Error).message}`;
      return false;
    } finally {
      this.busy = false;
    }
  }
}

const GALLERY = Symbol('intact-gallery');

export const provideGallery = (gallery: GalleryState): GalleryState => setContext(GALLERY, gallery);

export function useGallery(): GalleryState {
  const gallery = getContext<GalleryState | undefined>(GALLERY);
  if (!gallery) throw new Error('useGallery() called outside the app; App.svelte provides the gallery');
  return gallery;
}
