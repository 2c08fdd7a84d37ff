// Typed failures that cross the worker boundary as values with a message an operator can act on.

export type ModelErrorCode = 'integrity' | 'size' | 'load' | 'manifest' | 'missing-role';

export class ModelError extends Error {
  readonly code: ModelErrorCode;
  readonly model?: string;
  constructor(code: ModelErrorCode, message: string, model?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ModelError';
    this.code = code;
    this.model = model;
  }
}

export const isModelError = (e: unknown): e is ModelError => e instanceof ModelError;
