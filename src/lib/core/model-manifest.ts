// The released-model manifest (models/manifest.json) is the only thing the app and the CLI
// read to find, verify and feed a model: replacing a model means replacing files + manifest,
// never code.
//
// Model I/O contract (every released ONNX graph follows it):
//   input  `input.name`  float32 [1, 3, size, size], RGB, value = (pixel / 255 - mean[c]) / std[c]
//   role "damage":    outputs.damage  [1, 1]  p(damage), sigmoid already applied
//                     outputs.types   [1, 5]  per-type probabilities in DAMAGE_TYPES order
//                     outputs.heatmap [1, 1, h, w] per-cell p(damage) (coarse, e.g. 7×7)
//   role "embedding": outputs.embedding [1, dim] L2-normalised global embedding
//                     outputs.patches   [1, gridH*gridW, patchDim] L2-normalised patch features,
//                     row-major over the grid
// One graph may carry both roles (one backbone pass feeds both heads).

import type { GlobalDescriptorSpec } from './global-descriptor.ts';

export type ModelRole = 'damage' | 'embedding';
export type Precision = 'int8' | 'fp32';

export interface ModelInputSpec {
  name: string;
  size: number;
  layout: 'NCHW';
  mean: [number, number, number];
  std: [number, number, number];
  /**
   * How a non-square image becomes the square input. Default "letterbox": the whole image,
   * scaled to fit, padded with the mean colour (0 after normalisation). See core/preprocess.ts.
   */
  fit?: 'letterbox' | 'centre-crop';
}

export interface ModelOutputNames {
  damage?: string;
  types?: string;
  heatmap?: string;
  embedding?: string;
  patches?: string;
  /** [1, 1] p(an item is in view) — absent in models released before it existed. */
  item?: string;
}

export interface EmbeddingSpec {
  dim: number;
  patchDim: number;
  patchGrid: [number, number];
  /**
   * How the gallery's global vector is made from this model (a centred second view and a
   * colour signature; see core/global-descriptor.ts). Absent: the embedding output itself.
   */
  global?: GlobalDescriptorSpec;
}

export interface ModelEntry {
  id: string;
  version: string;
  roles: ModelRole[];
  precision: Precision;
  /**
   * Path of the .onnx file relative to the folder holding manifest.json (e.g.
   * "released/intact-vision-int8.onnx"): the CLI, the app's build plugin and the worker's
   * fetch all resolve it that way.
   */
  file: string;
  sha256: string;
  bytes: number;
  /** The entry the app and CLI load for its roles; the others are kept to measure against. */
  default: boolean;
  input: ModelInputSpec;
  outputs: ModelOutputNames;
  embedding?: EmbeddingSpec;
  /** Fitted numbers that turn this model's outputs into decisions (core/model-scoring.ts). */
  scoring?: unknown;
  metrics?: Record<string, unknown>;
  card?: string;
}

export interface ModelManifest {
  schema: 1;
  models: ModelEntry[];
}
