// Atomic pack import. 1) verify every byte of the pack in memory (hashes, signature, model);
// 2) write its records to the staging stores; 3) swap staging into the live stores in ONE
// transaction, re-marking superseded references by the merge rules. A failure at 1 or 2 never
// touches the live stores; a failure at 3 aborts that transaction, which IndexedDB rolls back.
import {
  decodePack,
  isPackError,
  mergeCatalogs,
  sameModel,
  sha256Hex,
  type DecodedPack,
  type EmbeddingModelRef,
  type PackErrorReason,
  type VerifyOptions,
} from '../core/gallery-pack/index.ts';
import { versionRow } from './catalog.ts';
import { getMeta, type GalleryDatabase } from './db.ts';
import { GalleryError, isQuotaError, quotaError } from './errors.ts';
import { loadPackPolicy, packVerifyOptions } from './pack-policy.ts';
import { modelKey, STAGING_STORES, type EmbeddingRecord, type ImageRecord, type ProductRecord, type ReferenceRecord } from './schema.ts';

export interface ImportOptions extends Omit<VerifyOptions, 'expectedModel'> {
  /** Shown in the gallery history, e.g. the file name. */
  source?: string;
  /**
   * A pack whose vectors come from another embedding model than this device's: refused (the
   * default; whoever imports it wants those vectors), or taken without its vectors, the photos
   * to be re-embedded here (the bundled demo pack, which must outlive model changes).
   */
  otherModel?: 'refuse' | 'reembed';
}

export interface ImportSummary {
  contentHash: string;
  products: number;
  references: number;
  /** References that arrived without vectors for the active model and wait for re-embedding. */
  needEmbedding: number;
  signer: string | null;
}

export class PackImportError extends GalleryError {
  constructor(
    readonly reason: PackErrorReason,
    message: string,
  ) {
    super('pack', message);
  }
}

async function verify(bytes: Uint8Array, db: GalleryDatabase, activeModel: EmbeddingModelRef | undefined, options: ImportOptions): Promise<DecodedPack> {
  const { otherModel, source: _source, ...verifyOptions } = options;
  // The device's policy comes last: no caller can import around "only signed packs".
  const policy = packVerifyOptions(await loadPackPolicy(db));
  try {
    return await decodePack(bytes, { ...verifyOptions, ...policy, expectedModel: otherModel === 'reembed' ? undefined : activeModel });
  } catch (e) {
    if (isPackError(e)) throw new PackImportError(e.reason, `Pack refused: ${e.message}. The gallery is unchanged.`);
    throw e;
  }
}

async function clearStaging(db: GalleryDatabase): Promise<void> {
  const tx = db.transaction([...STAGING_STORES], 'readwrite');
  await Promise.all(STAGING_STORES.map((s) => tx.objectStore(s).clear()));
  await tx.done;
}

export async function importPack(db: GalleryDatabase, bytes: Uint8Array, options: ImportOptions = {}): Promise<ImportSummary> {
  const activeModel = (await getMeta(db, 'activeModel')) ?? undefined;
  const pack = await verify(bytes, db, activeModel, options);
  const { content, contentHash } = pack;
  const now = new Date().toISOString();
  // Vectors of another model than the device's (only let through with otherModel: 'reembed') are left out.
  const model = content.model && (!activeModel || sameModel(content.model, activeModel)) ? modelKey(content.model) : null;

  const products: ProductRecord[] = content.products.map((p) => ({ ...p, updatedAt: now }));
  const references: ReferenceRecord[] = [];
  const images: ImageRecord[] = [];
  const embeddings: EmbeddingRecord[] = [];
  for (const r of content.references) {
    references.push({
      id: r.id,
      product: r.product,
      packagingVersion: r.packagingVersion,
      superseded: r.superseded,
      view: r.view,
      captureDate: r.captureDate,
      sourceDevice: r.sourceDevice,
      origin: 'pack',
      exported: false,
      packHash: contentHash,
      imageSha256: await sha256Hex(r.image.bytes),
    });
    images.push({ reference: r.id, full: r.image, thumbnail: r.thumbnail });
    if (r.embedding && r.patches && model) {
      embeddings.push({ reference: r.id, product: r.product, model, embedding: r.embedding, patches: r.patches, imageCells: r.imageCells });
    }
  }

  try {
    await clearStaging(db);
    const stage = db.transaction([...STAGING_STORES], 'readwrite');
    await Promise.all([
      ...products.map((p) => stage.objectStore('stagingProducts').put(p)),
      ...references.map((r) => stage.objectStore('stagingReferences').put(r)),
      ...images.map((i) => stage.objectStore('stagingImages').put(i)),
      ...embeddings.map((e) => stage.objectStore('stagingEmbeddings').put(e)),
      stage.done,
    ]);
    await swapIn(db, `imported pack "${content.name}"${options.source ? ` from ${options.source}` : ''}`, contentHash);
  } catch (e) {
    await clearStaging(db).catch(() => undefined);
    if (isQuotaError(e)) throw quotaError(`pack "${content.name}"`);
    throw e;
  }

  const active = await getMeta(db, 'activeModel');
  return {
    contentHash,
    products: products.length,
    references: references.length,
    needEmbedding: active && model === modelKey(active) ? references.length - embeddings.length : references.length,
    signer: pack.signer,
  };
}

async function swapIn(db: GalleryDatabase, summary: string, packHash: string): Promise<void> {
  const tx = db.transaction(['products', 'references', 'images', 'embeddings', 'versions', ...STAGING_STORES], 'readwrite');
  const [stagedProducts, stagedReferences, liveProducts, liveReferences] = await Promise.all([
    tx.objectStore('stagingProducts').getAll(),
    tx.objectStore('stagingReferences').getAll(),
    tx.objectStore('products').getAll(),
    tx.objectStore('references').getAll(),
  ]);
  const now = new Date().toISOString();
  const merged = mergeCatalogs([
    { products: liveProducts, references: liveReferences },
    { products: stagedProducts, references: stagedReferences },
  ]);
  const liveById = new Map(liveReferences.map((r) => [r.id, r]));
  const writes: Promise<unknown>[] = [];
  for (const p of merged.products) writes.push(tx.objectStore('products').put({ ...p, updatedAt: now }));
  for (const r of merged.references) if (liveById.get(r.id) !== r) writes.push(tx.objectStore('references').put(r));
  let cursor = await tx.objectStore('stagingImages').openCursor();
  while (cursor) {
    writes.push(tx.objectStore('images').put(cursor.value));
    cursor = await cursor.continue();
  }
  let vectors = await tx.objectStore('stagingEmbeddings').openCursor();
  while (vectors) {
    writes.push(tx.objectStore('embeddings').put(vectors.value));
    vectors = await vectors.continue();
  }
  for (const s of STAGING_STORES) writes.push(tx.objectStore(s).clear());
  writes.push(tx.objectStore('versions').add(versionRow('import', summary, packHash)));
  await Promise.all([...writes, tx.done]);
}

/**
 * Imports from a same-origin URL (the bundled demo pack, or packs placed on the app's static
 * host). Cross-origin URLs are refused: the app talks to nothing but its own origin.
 */
export async function importPackFromUrl(db: GalleryDatabase, url: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const resolved = new URL(url, location.href);
  if (resolved.origin !== location.origin) {
    throw new GalleryError('fetch', `Packs are only loaded from this app's own address (${location.origin}), not ${resolved.origin}.`);
  }
  let response: Response;
  try {
    response = await fetch(resolved, { cache: 'no-cache' });
  } catch {
    throw new GalleryError('fetch', `Could not download the pack from ${resolved.pathname}: the network request failed.`);
  }
  if (!response.ok) throw new GalleryError('fetch', `Could not download the pack from ${resolved.pathname}: HTTP ${response.status}.`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  // A pack named by its content hash (e.g. gallery-<sha256>.intactpack) must hash to that name.
  const named = /([0-9a-f]{64})\.intactpack$/i.exec(resolved.pathname)?.[1];
  return importPack(db, bytes, { source: resolved.pathname, ...(named ? { expectedContentHash: named } : {}), ...options });
}
