// Browsers may evict IndexedDB under storage pressure unless the origin is persisted; a gallery
// of hand-enrolled references is worth asking for that.
export interface StorageState {
  persisted: boolean;
  /** Bytes, as the browser estimates them; null where the API is missing. */
  usage: number | null;
  quota: number | null;
}

export async function requestPersistence(): Promise<boolean> {
  if (!navigator.storage?.persist) return false;
  if (await navigator.storage.persisted()) return true;
  try {
    return await navigator.storage.persist();
  } catch {
    return false;
  }
}

export async function storageState(): Promise<StorageState> {
  const persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : false;
  if (!navigator.storage?.estimate) return { persisted, usage: null, quota: null };
  const { usage, quota } = await navigator.storage.estimate();
  return { persisted, usage: usage ?? null, quota: quota ?? null };
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[u]}`;
}
