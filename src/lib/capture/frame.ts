// One captured frame, whatever produced it. Camera frames arrive already decoded (ImageBitmap);
// files and samples stay encoded (Blob) so the worker decodes them off the UI thread, capped in
// size. A depth camera (WebUSB, later) adds a depth map registered to the colour image.

export type FrameSourceKind = 'camera' | 'file' | 'sample' | 'replay' | 'depth-camera';

/** Depth in metres, row-major, registered to the colour frame; 0 means "no reading". */
export interface DepthMap {
  width: number;
  height: number;
  metres: Float32Array;
}

export interface Frame {
  image: ImageBitmap | Blob;
  depth?: DepthMap;
  source: FrameSourceKind;
  /** What the associate would call it: a file name, "Camera", a sample's title. */
  label: string;
  capturedAt: number;
}

export interface FrameSource {
  readonly kind: FrameSourceKind;
  /** Takes one frame now; rejects with a CaptureError whose message can be shown as is. */
  grab(signal?: AbortSignal): Promise<Frame>;
  /** Releases the device or resources; grab() after close() rejects. */
  close(): void;
}
