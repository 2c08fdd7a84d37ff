// The on-disk layout of a pack (all integers little-endian):
//
//   8 bytes   magic "INTACTGP"
//   u32       container version (1)
//   u32       manifest length M
//   M bytes   manifest, UTF-8 JSON (WireManifest) — lists every part with its length and sha256
//   32 bytes  sha256(manifest): the content hash, the pack's address
//   u32       signature block length S (0, or 96: Ed25519 public key 32 + signature 64)
//   S bytes   signature over SIGNATURE_DOMAIN + content hash
//   body      the parts, back to back in manifest order, nothing after the last one
//
// The content hash covers the manifest, and the manifest covers every part by hash, so one
// 32-byte value pins the whole pack; the signature sits outside it so a pack can be signed after
// it is built without changing its address.
import type { EmbeddingModelRef, PackProduct, ReferenceView } from './types.ts';

export const MAGIC = new TextEncoder().encode('INTACTGP');
export const CONTAINER_VERSION = 1;
export const HASH_BYTES = 32;
export const SIGNATURE_BLOCK_BYTES = 96;
export const SIGNATURE_DOMAIN = new TextEncoder().encode('intact-gallery-pack/v1 content-hash:');
export const FORMAT_NAME = 'intact-gallery-pack';
export const PACK_FILE_EXTENSION = '.intactpack';

export interface WirePart {
  length: number;
  sha256: string;
}

export interface WireImageRef {
  part: number;
  mime: string;
}

export interface WireTensorRef {
  part: number;
  dtype: 'f32' | 'i8';
  rows: number;
  dim: number;
}

export interface WireReference {
  id: string;
  product: string;
  packagingVersion: string;
  superseded: boolean;
  view: ReferenceView;
  captureDate: string;
  sourceDevice: string | null;
  image: WireImageRef;
  thumbnail: WireImageRef;
  embedding?: WireTensorRef;
  patches?: WireTensorRef;
  /** imageCells as "1"/"0" per grid cell, row-major. */
  imageCells?: string;
}

export interface WireManifest {
  format: typeof FORMAT_NAME;
  version: typeof CONTAINER_VERSION;
  name: string;
  createdAt: string;
  model: EmbeddingModelRef | null;
  products: PackProduct[];
  references: WireReference[];
  parts: WirePart[];
}
