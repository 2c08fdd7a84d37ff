// Storage failures as typed values with a sentence for the associate.
export type GalleryErrorCode = 'quota' | 'not-found' | 'invalid' | 'pack' | 'fetch' | 'blocked';

export class GalleryError extends Error {
  override readonly name = 'GalleryError';
  constructor(
    readonly code: GalleryErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** IndexedDB reports a full disk as a DOMException named QuotaExceededError (Firefox: its own name). */
export function isQuotaError(e: unknown): boolean {
  const name = typeof e === 'object' && e !== null && 'name' in e ? (e as { name: unknown }).name : null;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
}

export const quotaError = (what: string): GalleryError =>
  new GalleryError(
    'quota',
    `Storage is full, so ${what} was not saved. Everything already in the gallery is unchanged. ` +
      'Delete unused products or superseded references, then try again.',
  );

/** Runs a write; a full disk becomes a GalleryError('quota'), anything else passes through. */
export async function guardQuota<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isQuotaError(e)) throw quotaError(what);
    throw e;
  }
}
