// SHA-256 through Web Crypto, which Node ≥ 20 and every browser expose as globalThis.crypto:
// the same code verifies a model in the app, the worker and the CLI.

export async function sha256Hex(bytes: Uint8Array | ArrayBuffer): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) throw new Error('Web Crypto (crypto.subtle) is unavailable: serve the app over https or localhost');
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  // digest() takes a BufferSource; a view onto a SharedArrayBuffer is not one, so copy then.
  const input = view.buffer instanceof ArrayBuffer ? view : new Uint8Array(view);
  const digest = await subtle.digest('SHA-256', input as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
