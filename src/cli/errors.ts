// Exit codes of the CLI contract (DESIGN.md): 0 ok, 2 bad input with a one-line reason.
// Anything else that goes wrong is a bug or an environment problem: exit 1.

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The first line of an error's message, for the one-line reason on stderr. */
export const oneLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0].trim();
