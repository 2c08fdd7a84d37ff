// Hash routing (#/check, #/diagnostics): works from the service worker's one cached page, offline,
// and survives reloads without server rewrites.

export class RouterState {
  current = $state('');

  constructor(
    private readonly known: readonly string[],
    private readonly fallback: string,
  ) {
    this.current = this.#fromHash();
    window.addEventListener('hashchange', () => (this.current = this.#fromHash()));
  }

  href(id: string): string {
    return `#/${id}`;
  }

  #fromHash(): string {
    const id = window.location.hash.replace(/^#\/?/, '');
    return this.known.includes(id) ? id : this.fallback;
  }
}
