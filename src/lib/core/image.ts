// The one image type that crosses every layer: 8-bit RGBA, row-major, like ImageData.
// Browser decoders (createImageBitmap → canvas) and Node decoders (sharp) both produce it,
// so everything after decoding is the same code in the app and the CLI.
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8ClampedArray | Uint8Array;
}
