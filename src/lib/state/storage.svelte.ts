// Storage as the Diagnostics screen reports it: how much the app uses of what the browser allows,
// and whether the browser promised not to evict it (the gallery and models live there).

export class StorageState {
  usage = $state<number | null>(null);
  quota = $state<number | null>(null);
  persisted = $state<boolean | null>(null);

  /** Asks once at start-up; browsers grant it silently or not at all, and the app works either way. */
  async requestPersistence(): Promise<void> {
    if (!navigator.storage?.persist) return;
    try {
      this.persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist());
    } catch {
      this.persisted = false;
    }
  }

  async refresh(): Promise<void> {
    if (!navigator.storage?.estimate) return;
    const [estimate, persisted] = await Promise.all([navigator.storage.estimate(), navigator.storage.persisted?.()]);
    this.usage = estimate.usage ?? null;
    this.quota = estimate.quota ?? null;
    if (persisted !== undefined) this.persisted = persisted;
  }
}
