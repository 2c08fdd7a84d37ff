// The gallery's IndexedDB schema. Each migration upgrades from one version to the next and runs
// inside the versionchange transaction, so a device on any older version reaches the newest one
// step by step, and a failed upgrade leaves the old database as it was.
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { EmbeddingModelRef, PackProduct, ReferenceView, StoredTensor } from '../core/gallery-pack/index.ts';

export type ProductRecord = PackProduct & {
  /** ISO 8601 of the last change, for "recently edited" ordering. */
  updatedAt: string;
};

export interface ReferenceRecord {
  id: string;
  product: string;
  packagingVersion: string;
  superseded: boolean;
  view: ReferenceView;
  captureDate: string;
  sourceDevice: string | null;
  /** "device": enrolled here; "pack": arrived in an imported pack. */
  origin: 'device' | 'pack';
  /** Enrolled here and already written into an exported pack. */
  exported: boolean;
  /** Content hash of the pack it came from, for audit. */
  packHash: string | null;
  imageSha256: string;
}

export interface ImageRecord {
  reference: string;
  full: { mime: string; bytes: Uint8Array };
  thumbnail: { mime: string; bytes: Uint8Array };
}

export interface EmbeddingRecord {
  reference: string;
  product: string;
  /** modelKey(model): vectors are only ever searched together with their own model's. */
  model: string;
  embedding: StoredTensor;
  patches: StoredTensor;
  imageCells?: boolean[];
}

export interface GalleryVersionRecord {
  id?: number;
  at: string;
  change: 'import' | 'enroll' | 'edit' | 'delete' | 'reembed' | 'export';
  summary: string;
  packHash?: string;
}

export interface MetaValues {
  deviceId: string;
  /** The embedding model whose vectors are searched; others wait to be re-embedded. */
  activeModel: EmbeddingModelRef | null;
  /** The demo pack is imported once, on first run; deleting its products must not bring them back. */
  demoImported: boolean;
  /** Whether only signed packs are accepted, and whose signatures (see pack-policy.ts). */
  packPolicy: { requireSigned: boolean; trustedKeys: string[] };
}

interface Stores {
  products: { key: string; value: ProductRecord; indexes: { byName: string; byBarcode: string } };
  references: { key: string; value: ReferenceRecord; indexes: { byProduct: string; byOrigin: string } };
  images: { key: string; value: ImageRecord };
  embeddings: { key: [string, string]; value: EmbeddingRecord; indexes: { byModel: string; byReference: string } };
  versions: { key: number; value: GalleryVersionRecord };
  meta: { key: keyof MetaValues; value: MetaValues[keyof MetaValues] };
}

/** Imports are written here first; the swap into the live stores is one transaction. */
interface StagingStores {
  stagingProducts: Stores['products'];
  stagingReferences: { key: string; value: ReferenceRecord };
  stagingImages: Stores['images'];
  stagingEmbeddings: { key: [string, string]; value: EmbeddingRecord };
}

export interface GalleryDB extends DBSchema, Stores, StagingStores {}

export const LIVE_STORES = ['products', 'references', 'images', 'embeddings', 'versions', 'meta'] as const;
export const STAGING_STORES = ['stagingProducts', 'stagingReferences', 'stagingImages', 'stagingEmbeddings'] as const;

export const modelKey = (m: EmbeddingModelRef): string => `${m.id}@${m.version}#${m.sha256}`;

type UpgradeTx = IDBPTransaction<GalleryDB, StoreNames<GalleryDB>[], 'versionchange'>;
type Migration = (db: IDBPDatabase<GalleryDB>, tx: UpgradeTx) => void;

export const MIGRATIONS: readonly Migration[] = [
  // 0 → 1: the catalogue, its images and vectors.
  (db) => {
    const products = db.createObjectStore('products', { keyPath: 'id' });
    products.createIndex('byName', 'name');
    const references = db.createObjectStore('references', { keyPath: 'id' });
    references.createIndex('byProduct', 'product');
    references.createIndex('byOrigin', 'origin');
    db.createObjectStore('images', { keyPath: 'reference' });
    const embeddings = db.createObjectStore('embeddings', { keyPath: ['reference', 'model'] });
    embeddings.createIndex('byModel', 'model');
    embeddings.createIndex('byReference', 'reference');
    db.createObjectStore('versions', { keyPath: 'id', autoIncrement: true });
    db.createObjectStore('meta');
  },
  // 1 → 2: staging stores for atomic pack import, and lookup by barcode for the mismatch check.
  (db, tx) => {
    db.createObjectStore('stagingProducts', { keyPath: 'id' });
    db.createObjectStore('stagingReferences', { keyPath: 'id' });
    db.createObjectStore('stagingImages', { keyPath: 'reference' });
    db.createObjectStore('stagingEmbeddings', { keyPath: ['reference', 'model'] });
    tx.objectStore('products').createIndex('byBarcode', 'barcodes', { multiEntry: true });
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: IDBPDatabase<GalleryDB>, oldVersion: number, newVersion: number, tx: UpgradeTx): void {
  for (let v = oldVersion; v < newVersion; v++) MIGRATIONS[v](db, tx);
}
