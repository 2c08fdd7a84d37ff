import { checkConsistency } from './consistency.ts';
import { sha256, toHex } from './hash.ts';
import { signContentHash, type SigningKey } from './signature.ts';
import { quantizeRows, serializeTensor, toFloat32, type StoredTensor } from './tensor.ts';
import type { PackContent } from './types.ts';
import {
  CONTAINER_VERSION,
  FORMAT_NAME,
  HASH_BYTES,
  MAGIC,
  SIGNATURE_BLOCK_BYTES,
  type WireManifest,
  type WireReference,
  type WireTensorRef,
} from './wire.ts';

export interface EncodeOptions {
  /** Store vectors as given ("keep"), or convert all of them. int8 is a quarter of float's size. */
  precision?: 'keep' | 'f32' | 'i8';
  signWith?: SigningKey;
}

export interface EncodedPack {
  bytes: Uint8Array;
  /** Hex sha256 of the manifest: the pack's address (e.g. its file name on a static host). */
  contentHash: string;
}

function convert(t: StoredTensor, precision: 'keep' | 'f32' | 'i8'): StoredTensor {
  if (precision === 'keep' || precision === t.dtype) return t;
  const data = toFloat32(t);
  return precision === 'i8' ? quantizeRows(data, t.rows, t.dim) : { dtype: 'f32', rows: t.rows, dim: t.dim, data };
}

const u32 = (n: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};

export async function encodePack(content: PackContent, options: EncodeOptions = {}): Promise<EncodedPack> {
  const precision = options.precision ?? 'keep';
  const tensors = content.references.map((r) => ({
    embedding: r.embedding && convert(r.embedding, precision),
    patches: r.patches && convert(r.patches, precision),
  }));
  checkConsistency(
    content.model,
    content.products,
    content.references.map((r, i) => ({ id: r.id, product: r.product, imageCells: r.imageCells, ...tensors[i] })),
  );

  const parts: Uint8Array[] = [];
  const addPart = (bytes: Uint8Array): number => parts.push(bytes) - 1;
  const addTensor = (t: StoredTensor): WireTensorRef => ({ part: addPart(serializeTensor(t)), dtype: t.dtype, rows: t.rows, dim: t.dim });

  const references: WireReference[] = content.references.map((r, i) => {
    const wire: WireReference = {
      id: r.id,
      product: r.product,
      packagingVersion: r.packagingVersion,
      superseded: r.superseded,
      view: r.view,
      captureDate: r.captureDate,
      sourceDevice: r.sourceDevice,
      image: { part: addPart(r.image.bytes), mime: r.image.mime },
      thumbnail: { part: addPart(r.thumbnail.bytes), mime: r.thumbnail.mime },
    };
    const { embedding, patches } = tensors[i];
    if (embedding && patches) {
      wire.embedding = addTensor(embedding);
      wire.patches = addTensor(patches);
      if (r.imageCells) wire.imageCells = r.imageCells.map((c) => (c ? '1' : '0')).join('');
    }
    return wire;
  });

  const manifest: WireManifest = {
    format: FORMAT_NAME,
    version: CONTAINER_VERSION,
    name: content.name,
    createdAt: content.createdAt,
    model: content.model,
    products: content.products.map((p) => ({
      id: p.id,
      name: p.name,
      barcodes: [...p.barcodes],
      units: p.units,
      category: p.category,
      packagingVersion: p.packagingVersion,
    })),
    references,
    parts: await Promise.all(parts.map(async (p) => ({ length: p.length, sha256: toHex(await sha256(p)) }))),
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const contentHash = await sha256(manifestBytes);
  const signature = options.signWith
    ? new Uint8Array([...options.signWith.publicKey, ...(await signContentHash(contentHash, options.signWith.secretKey))])
    : new Uint8Array(0);
  if (signature.length !== 0 && signature.length !== SIGNATURE_BLOCK_BYTES) throw new RangeError('an Ed25519 public key must be 32 bytes');

  const chunks = [MAGIC, u32(CONTAINER_VERSION), u32(manifestBytes.length), manifestBytes, contentHash, u32(signature.length), signature, ...parts];
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.length;
  }
  if (contentHash.length !== HASH_BYTES) throw new Error('sha256 did not return 32 bytes');
  return { bytes, contentHash: toHex(contentHash) };
}
