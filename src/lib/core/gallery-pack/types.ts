// The in-memory form of a gallery pack: what `encodePack` writes and `decodePack` returns once
// every byte has been verified. Storage (IndexedDB) and the CLI both speak this shape.
import type { ProductId, ReferenceId } from '../types.ts';
import type { StoredTensor } from './tensor.ts';

/** Which embedding model produced the vectors; two refs differing in any field are never mixed. */
export interface EmbeddingModelRef {
  id: string;
  version: string;
  /** sha256 of the model file, so an int8 and an fp32 export of one version stay apart. */
  sha256: string;
  dim: number;
  patchDim: number;
  patchGrid: [number, number];
}

export interface PackProduct {
  id: ProductId;
  name: string;
  barcodes: string[];
  /** Units in one pack (a six-pack has 6); null when it is a single item or unknown. */
  units: number | null;
  category: string | null;
  /** Packaging version current for this product (e.g. "2026-09"); newer wins on merge. */
  packagingVersion: string;
}

export const REFERENCE_VIEWS = ['front', 'back', 'left', 'right', 'top', 'other'] as const;
export type ReferenceView = (typeof REFERENCE_VIEWS)[number];

export interface EncodedImage {
  mime: string;
  bytes: Uint8Array;
}

export interface PackReference {
  id: ReferenceId;
  product: ProductId;
  packagingVersion: string;
  /** Kept for history and audit but not searched: its packaging has been replaced. */
  superseded: boolean;
  view: ReferenceView;
  /** ISO 8601. */
  captureDate: string;
  sourceDevice: string | null;
  image: EncodedImage;
  thumbnail: EncodedImage;
  /** [1, dim] global embedding; absent in an images-only pack (the app embeds on import). */
  embedding?: StoredTensor;
  /** [gridH*gridW, patchDim] patch features. */
  patches?: StoredTensor;
  /** Grid cells showing the image rather than letterbox padding (row-major); absent = all. */
  imageCells?: boolean[];
}

export interface PackContent {
  name: string;
  /** ISO 8601. */
  createdAt: string;
  /** null exactly when no reference carries embeddings. */
  model: EmbeddingModelRef | null;
  products: PackProduct[];
  references: PackReference[];
}

export const sameModel = (a: EmbeddingModelRef, b: EmbeddingModelRef): boolean =>
  a.id === b.id && a.version === b.version && a.sha256 === b.sha256;

export const describeModel = (m: EmbeddingModelRef): string => `${m.id}@${m.version} (${m.sha256.slice(0, 12)})`;
