// Capture failures carry a code the UI branches on (denied → offer the file input) and a message
// written for the associate, not for a developer.

export type CaptureErrorCode =
  | 'permission-denied'
  | 'no-camera'
  | 'camera-busy'
  | 'unsupported'
  | 'camera-ended'
  | 'closed'
  | 'not-an-image'
  | 'fetch-failed';

export class CaptureError extends Error {
  constructor(
    readonly code: CaptureErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'CaptureError';
  }
}

/** Maps getUserMedia's DOMException names onto what the associate can do about it. */
export function cameraErrorFrom(error: unknown): CaptureError {
  if (error instanceof CaptureError) return error;
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new CaptureError(
        'permission-denied',
        'Camera access was not allowed. Choose a photo instead, or allow the camera in the browser settings.',
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new CaptureError('no-camera', 'No camera was found. Choose a photo instead.');
    case 'NotReadableError':
    case 'AbortError':
      return new CaptureError('camera-busy', 'The camera is in use by another app. Close it and try again, or choose a photo.');
    default:
      return new CaptureError('unsupported', 'The camera could not be started. Choose a photo instead.');
  }
}
