export { openGalleryDb, deviceId, getMeta, DEFAULT_DB_NAME, type GalleryDatabase } from './db.ts';
export * from './catalog.ts';
export * from './errors.ts';
export * from './storage.ts';
export * from './import-pack.ts';
export * from './export-pack.ts';
export * from './search-set.ts';
export * from './reembed.ts';
export { modelKey, SCHEMA_VERSION, type ProductRecord, type ReferenceRecord, type GalleryVersionRecord } from './schema.ts';
