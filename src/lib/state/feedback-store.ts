// This device's decision data in its own IndexedDB database (`intact-feedback`, separate from the
// gallery's schema): associates' feedback on verdicts (with the photo, for export), the recent
// verdicts the drift monitor watches, and the decision settings saved from the Calibrate screen.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { isQuotaError } from '../gallery/errors.ts';
import type { DriftOptions } from '../core/decision/drift.ts';
import { checkFeedback, type FeedbackRecord } from '../core/decision/feedback.ts';
import { parseDecisionModel, type DecisionModel } from '../core/decision/model.ts';
import { parseSeverityPolicy, type SeverityPolicy } from '../core/decision/severity.ts';
import type { Verdict } from '../core/types.ts';

export const FEEDBACK_DB_NAME = 'intact-feedback';
const VERSION = 1;
/** The drift monitor looks at a few hundred checks; keeping more only costs storage. */
export const VERDICTS_KEPT = 5000;

export interface StoredFeedback extends FeedbackRecord {
  photo: Blob | null;
}

export interface StoredVerdict {
  at: number;
  verdict: Verdict;
  score: number;
}

interface Settings {
  thresholds: DecisionModel;
  policy: SeverityPolicy;
  monitor: DriftOptions;
}

interface FeedbackDB extends DBSchema {
  feedback: { key: string; value: StoredFeedback; indexes: { at: string } };
  verdicts: { key: number; value: StoredVerdict };
  settings: { key: keyof Settings; value: Settings[keyof Settings] };
}

export type FeedbackDatabase = IDBPDatabase<FeedbackDB>;

export async function openFeedbackDb(name = FEEDBACK_DB_NAME): Promise<FeedbackDatabase> {
  const db = await openDB<FeedbackDB>(name, VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('feedback', { keyPath: 'id' }).createIndex('at', 'at');
        database.createObjectStore('verdicts', { autoIncrement: true });
        database.createObjectStore('settings');
      }
    },
  });
  db.addEventListener('versionchange', () => db.close());
  return db;
}

/** Feedback photos never take the last tenth of the quota: the gallery and the models need it more. */
export const PHOTO_HEADROOM = 0.1;

export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
}

/** Whether a photo of `bytes` fits beside what is stored, keeping PHOTO_HEADROOM of the quota free. */
export function photoFits(estimate: StorageEstimateLike | null, bytes: number): boolean {
  if (!estimate?.quota || estimate.usage === undefined) return true;
  return estimate.usage + bytes <= estimate.quota * (1 - PHOTO_HEADROOM);
}

async function storageEstimate(): Promise<StorageEstimateLike | null> {
  // Some browsers (and Node) have no StorageManager: then only a refused write can say "full".
  const storage = (globalThis.navigator as Navigator | undefined)?.storage as StorageManager | undefined;
  return storage?.estimate ? storage.estimate().catch(() => null) : null;
}

/**
 * Stores the associate's feedback with the photo it is about. When storage is nearly full (or the
 * write with the photo is refused for quota), the feedback is kept without its photo rather than
 * lost, and the answer says so; the record then names no photo, so an export stays consistent.
 */
export async function addFeedback(db: FeedbackDatabase, record: FeedbackRecord, photo: Blob | null, estimate = storageEstimate): Promise<{ photoKept: boolean }> {
  checkFeedback(record);
  const withoutPhoto = async () => {
    await db.put('feedback', { ...record, image: null, photo: null });
    return { photoKept: false };
  };
  if (!photo || !record.image) return withoutPhoto();
  if (!photoFits(await estimate(), photo.size)) return withoutPhoto();
  try {
    await db.put('feedback', { ...record, photo });
    return { photoKept: true };
  } catch (e) {
    if (!isQuotaError(e)) throw e;
    return withoutPhoto();
  }
}

export const allFeedback = (db: FeedbackDatabase): Promise<StoredFeedback[]> => db.getAllFromIndex('feedback', 'at');

/** Appends a verdict and drops the oldest beyond VERDICTS_KEPT, in one transaction. */
export async function recordVerdict(db: FeedbackDatabase, verdict: StoredVerdict): Promise<void> {
  const tx = db.transaction('verdicts', 'readwrite');
  await tx.store.add(verdict);
  const count = await tx.store.count();
  if (count > VERDICTS_KEPT) {
    let cursor = await tx.store.openCursor();
    for (let extra = count - VERDICTS_KEPT; cursor && extra > 0; extra--) {
      await cursor.delete();
      cursor = await cursor.continue();
    }
  }
  await tx.done;
}

/** The most recent verdicts, oldest first. */
export async function recentVerdicts(db: FeedbackDatabase, limit: number): Promise<StoredVerdict[]> {
  const out: StoredVerdict[] = [];
  let cursor = await db.transaction('verdicts').store.openCursor(null, 'prev');
  while (cursor && out.length < limit) {
    out.push(cursor.value);
    cursor = await cursor.continue();
  }
  return out.reverse();
}

export async function saveThresholds(db: FeedbackDatabase, model: DecisionModel): Promise<void> {
  await db.put('settings', parseDecisionModel(structuredClone(model)), 'thresholds');
}

/** The thresholds saved on this device, or null (the app then uses the shipped defaults). */
export async function loadThresholds(db: FeedbackDatabase): Promise<DecisionModel | null> {
  const v = await db.get('settings', 'thresholds');
  return v ? parseDecisionModel(v) : null;
}

export async function saveSeverityPolicy(db: FeedbackDatabase, policy: SeverityPolicy): Promise<void> {
  await db.put('settings', parseSeverityPolicy(policy), 'policy');
}

export async function loadSeverityPolicy(db: FeedbackDatabase): Promise<SeverityPolicy | null> {
  const v = await db.get('settings', 'policy');
  return v ? parseSeverityPolicy(v) : null;
}

export async function saveMonitorOptions(db: FeedbackDatabase, options: DriftOptions): Promise<void> {
  await db.put('settings', options, 'monitor');
}

export async function loadMonitorOptions(db: FeedbackDatabase): Promise<DriftOptions | null> {
  return ((await db.get('settings', 'monitor')) as DriftOptions | undefined) ?? null;
}
