import { productId, referenceId } from '../types.ts';
import { checkConsistency } from './consistency.ts';
import { PackError } from './errors.ts';
import { bytesEqual, fromHex, sha256, toHex } from './hash.ts';
import { verifyContentHash } from './signature.ts';
import { deserializeTensor, tensorByteLength, type StoredTensor } from './tensor.ts';
import { describeModel, sameModel, type EmbeddingModelRef, type PackContent, type PackReference } from './types.ts';
import { validateManifest } from './validate.ts';
import { CONTAINER_VERSION, HASH_BYTES, MAGIC, SIGNATURE_BLOCK_BYTES, type WireTensorRef } from './wire.ts';

export interface VerifyOptions {
  /**
   * The embedding model this device searches with. A pack whose vectors came from another model
   * is refused (its vectors would be compared with incompatible ones). An images-only pack passes.
   */
  expectedModel?: EmbeddingModelRef;
  /** Refuse packs without a valid signature. */
  requireSignature?: boolean;
  /** Hex Ed25519 public keys whose signatures are accepted; when given, any other signer is refused. */
  trustedKeys?: string[];
  /** The address the pack was fetched by; the bytes must hash to it. */
  expectedContentHash?: string;
}

export interface DecodedPack {
  content: PackContent;
  contentHash: string;
  /** Hex public key of a valid signature, or null when unsigned. */
  signer: string | null;
  byteLength: number;
}

const HEADER_BYTES = MAGIC.length + 8;

function truncated(what: string, need: number, have: number): never {
  throw new PackError('truncated', `pack is truncated: ${what} needs ${need} bytes but only ${Math.max(0, have)} remain`);
}

/** Checks every byte of a pack and returns its content; throws PackError with the first problem. */
export async function decodePack(bytes: Uint8Array, options: VerifyOptions = {}): Promise<DecodedPack> {
  if (bytes.length < MAGIC.length || !bytesEqual(bytes.subarray(0, MAGIC.length), MAGIC)) {
    throw new PackError('not-a-pack', 'not an Intact gallery pack (the file does not start with "INTACTGP")');
  }
  if (bytes.length < HEADER_BYTES) truncated('the header', HEADER_BYTES, bytes.length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(MAGIC.length, true);
  if (version !== CONTAINER_VERSION) {
    throw new PackError('unsupported-version', `pack container version ${version} is not supported (expected ${CONTAINER_VERSION})`);
  }
  const manifestLength = view.getUint32(MAGIC.length + 4, true);
  let offset = HEADER_BYTES;
  if (bytes.length - offset < manifestLength + HASH_BYTES + 4) {
    truncated('the manifest', manifestLength + HASH_BYTES + 4, bytes.length - offset);
  }
  const manifestBytes = bytes.subarray(offset, offset + manifestLength);
  offset += manifestLength;
  const storedHash = bytes.subarray(offset, offset + HASH_BYTES);
  offset += HASH_BYTES;
  const contentHash = await sha256(manifestBytes);
  if (!bytesEqual(contentHash, storedHash)) {
    throw new PackError('tampered', 'pack manifest was altered: its sha256 does not match the content hash stored with it');
  }
  const contentHashHex = toHex(contentHash);
  if (options.expectedContentHash && options.expectedContentHash.toLowerCase() !== contentHashHex) {
    throw new PackError(
      'content-hash-mismatch',
      `pack content hash is ${contentHashHex.slice(0, 16)}…, expected ${options.expectedContentHash.slice(0, 16)}…`,
    );
  }

  const signatureLength = view.getUint32(offset, true);
  offset += 4;
  if (signatureLength !== 0 && signatureLength !== SIGNATURE_BLOCK_BYTES) {
    throw new PackError('malformed', `pack signature block is ${signatureLength} bytes (expected 0 or ${SIGNATURE_BLOCK_BYTES})`);
  }
  if (bytes.length - offset < signatureLength) truncated('the signature', signatureLength, bytes.length - offset);
  const signer = await checkSignature(contentHash, bytes.subarray(offset, offset + signatureLength), options);
  offset += signatureLength;

  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(manifestBytes));
  } catch {
    throw new PackError('malformed', 'pack manifest is not valid UTF-8 JSON');
  }
  const manifest = validateManifest(json);
  checkConsistency(manifest.model, manifest.products, manifest.references);

  const bodyLength = manifest.parts.reduce((n, p) => n + p.length, 0);
  if (bytes.length - offset < bodyLength) truncated(`the ${manifest.parts.length} parts`, bodyLength, bytes.length - offset);
  if (bytes.length - offset > bodyLength) {
    throw new PackError('malformed', `pack has ${bytes.length - offset - bodyLength} unexpected bytes after its last part`);
  }

  if (options.expectedModel && manifest.model && !sameModel(manifest.model, options.expectedModel)) {
    throw new PackError(
      'wrong-model',
      `pack was embedded with ${describeModel(manifest.model)}, but this device uses ${describeModel(options.expectedModel)}`,
    );
  }

  const parts: Uint8Array[] = [];
  for (const [i, p] of manifest.parts.entries()) {
    const part = bytes.subarray(offset, offset + p.length);
    offset += p.length;
    if (toHex(await sha256(part)) !== p.sha256) {
      throw new PackError('tampered', `pack part ${i} was altered: its sha256 does not match the manifest`);
    }
    parts.push(part);
  }

  const tensor = (ref: WireTensorRef, what: string): StoredTensor => {
    const part = parts[ref.part];
    if (part.length !== tensorByteLength(ref)) {
      throw new PackError('malformed', `pack ${what} is ${part.length} bytes, expected ${tensorByteLength(ref)} for ${ref.rows}×${ref.dim} ${ref.dtype}`);
    }
    return deserializeTensor(part, ref.dtype, ref.rows, ref.dim);
  };
  // Copies (slice) so the decoded content does not pin the whole pack buffer in memory.
  const references: PackReference[] = manifest.references.map((r) => ({
    id: referenceId(r.id),
    product: productId(r.product),
    packagingVersion: r.packagingVersion,
    superseded: r.superseded,
    view: r.view,
    captureDate: r.captureDate,
    sourceDevice: r.sourceDevice,
    image: { mime: r.image.mime, bytes: parts[r.image.part].slice() },
    thumbnail: { mime: r.thumbnail.mime, bytes: parts[r.thumbnail.part].slice() },
    ...(r.embedding && r.patches
      ? { embedding: tensor(r.embedding, `reference "${r.id}" embedding`), patches: tensor(r.patches, `reference "${r.id}" patches`) }
      : {}),
    ...(r.imageCells ? { imageCells: Array.from(r.imageCells, (c) => c === '1') } : {}),
  }));

  return {
    content: {
      name: manifest.name,
      createdAt: manifest.createdAt,
      model: manifest.model,
      products: manifest.products.map((p) => ({ ...p, id: productId(p.id) })),
      references,
    },
    contentHash: contentHashHex,
    signer,
    byteLength: bytes.length,
  };
}

async function checkSignature(contentHash: Uint8Array, block: Uint8Array, options: VerifyOptions): Promise<string | null> {
  if (block.length === 0) {
    if (options.requireSignature) throw new PackError('unsigned', 'pack is not signed, and this device only accepts signed packs');
    return null;
  }
  const publicKey = block.subarray(0, 32);
  const signature = block.subarray(32);
  if (!(await verifyContentHash(contentHash, signature, publicKey))) {
    throw new PackError('bad-signature', 'pack signature does not verify: the pack or its signature was altered');
  }
  const signer = toHex(publicKey);
  if (options.trustedKeys && !options.trustedKeys.some((k) => bytesEqual(fromHex(k), publicKey))) {
    throw new PackError('untrusted-signer', `pack is signed by ${signer.slice(0, 16)}…, which is not a trusted key on this device`);
  }
  return signer;
}
