// Every way a pack can be refused, as a typed value: callers branch on `reason`, people read
// `message`.
export type PackErrorReason =
  | 'not-a-pack'
  | 'unsupported-version'
  | 'truncated'
  | 'malformed'
  | 'tampered'
  | 'content-hash-mismatch'
  | 'wrong-model'
  | 'unsigned'
  | 'bad-signature'
  | 'untrusted-signer'
  | 'incompatible';

export class PackError extends Error {
  override readonly name = 'PackError';
  constructor(
    readonly reason: PackErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export const isPackError = (e: unknown): e is PackError => e instanceof PackError;
