// The service worker's life as the associate sees it: "ready to work offline", and "update
// available — reload" when a new version has been downloaded and is waiting.
import { Workbox } from 'workbox-window';

export class UpdateState {
  offlineReady = $state(false);
  updateWaiting = $state(false);
  #workbox: Workbox | null = null;

  register(scriptUrl: string): void {
    if (!('serviceWorker' in navigator)) return;
    const workbox = new Workbox(scriptUrl);
    workbox.addEventListener('waiting', () => (this.updateWaiting = true));
    workbox.addEventListener('activated', (event) => {
      if (!event.isUpdate) this.offlineReady = true;
    });
    this.#workbox = workbox;
    void workbox.register().then((registration) => {
      if (registration?.active && !registration.installing && !registration.waiting) this.offlineReady = true;
    });
  }

  /** Activates the waiting worker, then reloads once it controls the page. */
  applyUpdate(): void {
    const workbox = this.#workbox;
    if (!workbox) return;
    workbox.addEventListener('controlling', () => window.location.reload());
    workbox.messageSkipWaiting();
  }

  dismiss(): void {
    this.updateWaiting = false;
  }
}
