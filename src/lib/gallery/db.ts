import { openDB, type IDBPDatabase } from 'idb';
import { GalleryError } from './errors.ts';
import { migrate, SCHEMA_VERSION, type GalleryDB, type MetaValues } from './schema.ts';

export type GalleryDatabase = IDBPDatabase<GalleryDB>;

export const DEFAULT_DB_NAME = 'intact-gallery';

export async function openGalleryDb(name = DEFAULT_DB_NAME, version = SCHEMA_VERSION): Promise<GalleryDatabase> {
  let db: GalleryDatabase;
  try {
    db = await openDB<GalleryDB>(name, version, {
      upgrade: (database, oldVersion, newVersion, tx) => migrate(database, oldVersion, newVersion ?? version, tx),
      blocked: () => console.warn('gallery: an older tab holds the database open; close it to finish the upgrade'),
    });
  } catch (e) {
    throw new GalleryError('blocked', `The gallery could not be opened: ${(e as Error).message}`);
  }
  // Another tab upgrading the schema must not be blocked by this one.
  db.addEventListener('versionchange', () => db.close());
  return db;
}

export async function getMeta<K extends keyof MetaValues>(db: GalleryDatabase, key: K): Promise<MetaValues[K] | undefined> {
  return (await db.get('meta', key)) as MetaValues[K] | undefined;
}

/** A random id for this device, made once; references enrolled here carry it. */
export async function deviceId(db: GalleryDatabase): Promise<string> {
  const held = await getMeta(db, 'deviceId');
  if (held) return held;
  const id = `device-${crypto.randomUUID()}`;
  const tx = db.transaction('meta', 'readwrite');
  const raced = (await tx.store.get('deviceId')) as string | undefined;
  if (!raced) await tx.store.put(id, 'deviceId');
  await tx.done;
  return raced ?? id;
}
