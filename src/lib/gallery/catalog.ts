// Products and references on this device: browse, enrol, supersede, delete. Every write is one
// transaction, so a failure (a full disk included) leaves the gallery as it was.
import { applySupersession, comparePackagingVersions, sha256Hex, type ReferenceView, type StoredTensor } from '../core/gallery-pack/index.ts';
import { deviceId, getMeta, type GalleryDatabase } from './db.ts';
import { GalleryError, guardQuota } from './errors.ts';
import { modelKey, type GalleryVersionRecord, type ProductRecord, type ReferenceRecord } from './schema.ts';

export interface ProductSummary extends ProductRecord {
  references: number;
  superseded: number;
  /** Enrolled here and not yet exported in a pack. */
  unexported: number;
}

const PRODUCT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function validateProduct(p: Omit<ProductRecord, 'updatedAt'>): void {
  if (!PRODUCT_ID.test(p.id)) throw new GalleryError('invalid', 'Product id must be letters, digits, ".", "_" or "-" (up to 128), starting with a letter or digit.');
  if (p.name.trim() === '') throw new GalleryError('invalid', 'Product name must not be empty.');
  if (p.units !== null && (!Number.isInteger(p.units) || p.units < 1)) throw new GalleryError('invalid', 'Units per pack must be a whole number of at least 1.');
  for (const b of p.barcodes) if (!/^[0-9A-Za-z-]{4,64}$/.test(b)) throw new GalleryError('invalid', `"${b}" does not look like a barcode.`);
}

const versionRow = (change: GalleryVersionRecord['change'], summary: string, packHash?: string): GalleryVersionRecord => ({
  at: new Date().toISOString(),
  change,
  summary,
  ...(packHash ? { packHash } : {}),
});

export async function listProducts(db: GalleryDatabase, query = ''): Promise<ProductSummary[]> {
  const tx = db.transaction(['products', 'references']);
  const [products, references] = await Promise.all([tx.objectStore('products').getAll(), tx.objectStore('references').getAll()]);
  await tx.done;
  const q = query.trim().toLowerCase();
  const counts = new Map<string, { references: number; superseded: number; unexported: number }>();
  for (const r of references) {
    const c = counts.get(r.product) ?? { references: 0, superseded: 0, unexported: 0 };
    c.references++;
    if (r.superseded) c.superseded++;
    if (r.origin === 'device' && !r.exported) c.unexported++;
    counts.set(r.product, c);
  }
  return products
    .filter((p) => !q || p.name.toLowerCase().includes(q) || p.id.toLowerCase().includes(q) || p.barcodes.some((b) => b.includes(q)))
    .map((p) => ({ ...p, ...(counts.get(p.id) ?? { references: 0, superseded: 0, unexported: 0 }) }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The gallery's change log (imports, enrolments, edits), newest first. */
export async function recentChanges(db: GalleryDatabase, count: number): Promise<GalleryVersionRecord[]> {
  const out: GalleryVersionRecord[] = [];
  let cursor = await db.transaction('versions').store.openCursor(null, 'prev');
  while (cursor && out.length < count) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out;
}

export const getProduct = (db: GalleryDatabase, id: string): Promise<ProductRecord | undefined> => db.get('products', id);

export async function productsByBarcode(db: GalleryDatabase, barcode: string): Promise<ProductRecord[]> {
  return db.getAllFromIndex('products', 'byBarcode', barcode);
}

export async function listReferences(db: GalleryDatabase, product: string): Promise<ReferenceRecord[]> {
  const refs = await db.getAllFromIndex('references', 'byProduct', product);
  return refs.sort((a, b) => Number(a.superseded) - Number(b.superseded) || b.captureDate.localeCompare(a.captureDate));
}

export async function referenceImage(db: GalleryDatabase, reference: string, size: 'full' | 'thumbnail'): Promise<Blob | null> {
  const rec = await db.get('images', reference);
  if (!rec) return null;
  const img = size === 'full' ? rec.full : rec.thumbnail;
  return new Blob([img.bytes as Uint8Array<ArrayBuffer>], { type: img.mime });
}

export async function saveProduct(db: GalleryDatabase, product: Omit<ProductRecord, 'updatedAt'>): Promise<ProductRecord> {
  validateProduct(product);
  const record: ProductRecord = { ...product, barcodes: [...new Set(product.barcodes)], updatedAt: new Date().toISOString() };
  await guardQuota(`product "${product.name}"`, async () => {
    const tx = db.transaction(['products', 'versions'], 'readwrite');
    const held = await tx.objectStore('products').get(product.id);
    if (held && comparePackagingVersions(product.packagingVersion, held.packagingVersion) !== 0) {
      throw new GalleryError('invalid', 'Use "new packaging version" to change the packaging version, so older references are marked superseded.');
    }
    await tx.objectStore('products').put(record);
    await tx.objectStore('versions').add(versionRow('edit', `${held ? 'edited' : 'added'} product ${product.id}`));
    await tx.done;
  });
  return record;
}

export interface NewReference {
  product: string;
  view: ReferenceView;
  image: { mime: string; bytes: Uint8Array };
  thumbnail: { mime: string; bytes: Uint8Array };
  /** Present when the embedder ran at enrolment; otherwise the background re-embed fills it in. */
  vectors?: { embedding: StoredTensor; patches: StoredTensor; imageCells?: boolean[] };
}

export async function addReference(db: GalleryDatabase, ref: NewReference): Promise<ReferenceRecord> {
  const product = await db.get('products', ref.product);
  if (!product) throw new GalleryError('not-found', `Product "${ref.product}" is not in the gallery.`);
  const model = await getMeta(db, 'activeModel');
  if (ref.vectors && !model) throw new GalleryError('invalid', 'Vectors were given but no embedding model is active.');
  const record: ReferenceRecord = {
    id: `${ref.product}--${crypto.randomUUID()}`,
    product: ref.product,
    packagingVersion: product.packagingVersion,
    superseded: false,
    view: ref.view,
    captureDate: new Date().toISOString(),
    sourceDevice: await deviceId(db),
    origin: 'device',
    exported: false,
    packHash: null,
    imageSha256: await sha256Hex(ref.image.bytes),
  };
  await guardQuota(`the new ${ref.view} reference`, async () => {
    const tx = db.transaction(['references', 'images', 'embeddings', 'versions'], 'readwrite');
    await tx.objectStore('references').put(record);
    await tx.objectStore('images').put({ reference: record.id, full: ref.image, thumbnail: ref.thumbnail });
    if (ref.vectors && model) {
      await tx.objectStore('embeddings').put({ reference: record.id, product: record.product, model: modelKey(model), ...ref.vectors });
    }
    await tx.objectStore('versions').add(versionRow('enroll', `enrolled ${ref.view} reference for ${ref.product}`));
    await tx.done;
  });
  return record;
}

/** Starts a new packaging version; the product's older references stay, marked superseded. */
export async function markNewPackagingVersion(db: GalleryDatabase, productIdValue: string, version: string): Promise<void> {
  if (version.trim() === '') throw new GalleryError('invalid', 'Packaging version must not be empty.');
  await guardQuota('the new packaging version', async () => {
    const tx = db.transaction(['products', 'references', 'versions'], 'readwrite');
    const product = await tx.objectStore('products').get(productIdValue);
    if (!product) throw new GalleryError('not-found', `Product "${productIdValue}" is not in the gallery.`);
    if (comparePackagingVersions(version, product.packagingVersion) <= 0) {
      throw new GalleryError('invalid', `Packaging version "${version}" is not newer than the current "${product.packagingVersion}".`);
    }
    const updated = { ...product, packagingVersion: version, updatedAt: new Date().toISOString() };
    await tx.objectStore('products').put(updated);
    const refs = await tx.objectStore('references').index('byProduct').getAll(productIdValue);
    for (const r of applySupersession([updated], refs)) await tx.objectStore('references').put(r);
    await tx.objectStore('versions').add(versionRow('edit', `${productIdValue}: new packaging version ${version}`));
    await tx.done;
  });
}

export async function deleteReference(db: GalleryDatabase, reference: string): Promise<void> {
  const tx = db.transaction(['references', 'images', 'embeddings', 'versions'], 'readwrite');
  const ref = await tx.objectStore('references').get(reference);
  if (!ref) throw new GalleryError('not-found', 'That reference is already gone.');
  await Promise.all([
    tx.objectStore('references').delete(reference),
    tx.objectStore('images').delete(reference),
    tx.objectStore('embeddings').delete(embeddingsOf(reference)),
  ]);
  await tx.objectStore('versions').add(versionRow('delete', `deleted reference ${reference} of ${ref.product}`));
  await tx.done;
}

export async function deleteProduct(db: GalleryDatabase, productIdValue: string): Promise<void> {
  const tx = db.transaction(['products', 'references', 'images', 'embeddings', 'versions'], 'readwrite');
  const refs = await tx.objectStore('references').index('byProduct').getAllKeys(productIdValue);
  for (const r of refs) {
    await Promise.all([
      tx.objectStore('references').delete(r),
      tx.objectStore('images').delete(r),
      tx.objectStore('embeddings').delete(embeddingsOf(r)),
    ]);
  }
  await tx.objectStore('products').delete(productIdValue);
  await tx.objectStore('versions').add(versionRow('delete', `deleted product ${productIdValue} and ${refs.length} references`));
  await tx.done;
}

/** Every key [reference, model] sorts between [reference] and [reference, []] (arrays sort after strings). */
export const embeddingsOf = (reference: string): IDBKeyRange => IDBKeyRange.bound([reference], [reference, []]);

export { versionRow };
