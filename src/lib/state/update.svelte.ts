// The service worker's life as the associate sees it: "ready to work offline", and "update
// available — reload" when a new version has been downloaded and is waiting.
import { Workbox } from 'workbox-window';

export class UpdateState {
  offlineReady = $state(false);
  updateWaiting = $state(false);
  /** Why the app cannot work offline (no service worker), or null. */
  unavailable = $state<string | null>(null);
  #workbox: Workbox | null = null;

  register(scriptUrl: string): void {
    if (!('serviceWorker' in navigator)) {
      this.unavailable = 'this browser has no service workers';
      return;
    }
    const workbox = new Workbox(scriptUrl);
    workbox.addEventListener('waiting', () => (this.updateWaiting = true));
    workbox.addEventListener('activated', (event) => {
      if (!event.isUpdate) this.offlineReady = true;
    });
    this.#workbox = workbox;
    // Registration fails in private modes and under policies that block service workers; the
    // app then works online only, which Diagnostics reports.
    workbox.register().then(
      (registration) => {
        if (registration?.active && !registration.installing && !registration.waiting) this.offlineReady = true;
      },
      (error: unknown) => (this.unavailable = `service worker not registered: ${String(error)}`),
    );
  }

  /** Activates the waiting worker, then reloads once it controls the page. */
  applyUpdate(): void {
    const workbox = this.#workbox;
    if (!workbox) return;
    const reload = () => window.location.reload();
    workbox.addEventListener('controlling', reload);
    // A page opened before any service worker existed is never "controlled", so wait for the
    // new worker to activate instead.
    if (!navigator.serviceWorker.controller) workbox.addEventListener('activated', reload);
    workbox.messageSkipWaiting();
  }

  dismiss(): void {
    this.updateWaiting = false;
  }
}
