import { describe, expect, it } from 'vitest';
import { decodePack, type VerifyOptions } from './decode.ts';
import { encodePack } from './encode.ts';
import { PackError, type PackErrorReason } from './errors.ts';
import { sha256, toHex } from './hash.ts';
import { generateSigningKey } from './signature.ts';
import { toFloat32 } from './tensor.ts';
import { reference, samplePack, seededRandom, testModel } from './test-fixtures.ts';
import { HASH_BYTES, MAGIC } from './wire.ts';

async function rejection(bytes: Uint8Array, options?: VerifyOptions): Promise<PackError> {
  try {
    await decodePack(bytes, options);
  } catch (e) {
    if (e instanceof PackError) return e;
    throw e;
  }
  throw new Error('pack was accepted');
}

async function expectReason(bytes: Uint8Array, reason: PackErrorReason, options?: VerifyOptions): Promise<PackError> {
  const err = await rejection(bytes, options);
  expect(err.reason, err.message).toBe(reason);
  expect(err.message.length).toBeGreaterThan(10);
  return err;
}

const manifestLength = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset).getUint32(MAGIC.length + 4, true);
const bodyStart = (bytes: Uint8Array) => {
  const afterHash = MAGIC.length + 8 + manifestLength(bytes) + HASH_BYTES;
  return afterHash + 4 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(afterHash, true);
};

describe('gallery pack round trip', () => {
  it('returns exactly what was encoded, float32', async () => {
    const content = samplePack();
    content.references[0].imageCells = [true, true, false, true, true, false];
    const { bytes, contentHash } = await encodePack(content);
    const decoded = await decodePack(bytes, { expectedModel: testModel });
    expect(decoded.contentHash).toBe(contentHash);
    expect(decoded.signer).toBeNull();
    expect(decoded.content.model).toEqual(testModel);
    expect(decoded.content.products).toEqual(content.products);
    expect(decoded.content.references).toHaveLength(3);
    for (const [i, r] of decoded.content.references.entries()) {
      const original = content.references[i];
      expect(r.id).toBe(original.id);
      expect(Array.from(r.image.bytes)).toEqual(Array.from(original.image.bytes));
      expect(Array.from(r.thumbnail.bytes)).toEqual(Array.from(original.thumbnail.bytes));
      expect(Array.from(toFloat32(r.embedding!))).toEqual(Array.from(toFloat32(original.embedding!)));
      expect(Array.from(toFloat32(r.patches!))).toEqual(Array.from(toFloat32(original.patches!)));
      expect(r.imageCells).toEqual(original.imageCells);
    }
  });

  it('stores int8 vectors at a quarter of the size with cosine within 1e-2', async () => {
    const content = samplePack();
    const f32 = await encodePack(content);
    const i8 = await encodePack(content, { precision: 'i8' });
    expect(i8.bytes.length).toBeLessThan(f32.bytes.length);
    const decoded = await decodePack(i8.bytes);
    for (const [i, r] of decoded.content.references.entries()) {
      expect(r.embedding!.dtype).toBe('i8');
      const a = toFloat32(r.embedding!);
      const b = toFloat32(content.references[i].embedding!);
      const cos = a.reduce((s, v, k) => s + v * b[k], 0) / Math.hypot(...a) / Math.hypot(...b);
      expect(cos).toBeGreaterThan(0.99);
    }
  });

  it('is content-addressed: same content, same hash; any change, another hash', async () => {
    const a = await encodePack(samplePack(1));
    const b = await encodePack(samplePack(1));
    const c = await encodePack({ ...samplePack(1), name: 'renamed' });
    expect(a.contentHash).toBe(b.contentHash);
    expect(a.contentHash).not.toBe(c.contentHash);
    expect(a.contentHash).toBe(toHex(await sha256(a.bytes.subarray(MAGIC.length + 8, MAGIC.length + 8 + manifestLength(a.bytes)))));
  });

  it('accepts an images-only pack whatever model the device uses', async () => {
    const rand = seededRandom(3);
    const content = { ...samplePack(), model: null, references: [reference('milk-1', 'milk', rand, '2026-01', false)] };
    const decoded = await decodePack((await encodePack(content)).bytes, { expectedModel: { ...testModel, version: '9' } });
    expect(decoded.content.references[0].embedding).toBeUndefined();
  });
});

describe('gallery pack rejection', () => {
  it('refuses a file that is not a pack', async () => {
    await expectReason(new TextEncoder().encode('{"hello": "world"}'), 'not-a-pack');
    await expectReason(new Uint8Array(0), 'not-a-pack');
  });

  it('refuses a pack truncated anywhere', async () => {
    const { bytes } = await encodePack(samplePack());
    const cuts = [MAGIC.length + 3, MAGIC.length + 20, bodyStart(bytes) - 1, bodyStart(bytes) + 5, bytes.length - 1];
    for (const cut of cuts) {
      const err = await expectReason(bytes.slice(0, cut), 'truncated');
      expect(err.message).toMatch(/truncated/);
    }
  });

  it('refuses a pack with a flipped byte in any part or in the manifest', async () => {
    const { bytes } = await encodePack(samplePack());
    const start = bodyStart(bytes);
    for (const at of [start, start + 300, bytes.length - 1, MAGIC.length + 8 + 40]) {
      const tampered = bytes.slice();
      tampered[at] ^= 0x01;
      await expectReason(tampered, 'tampered');
    }
  });

  it('refuses trailing bytes after the last part', async () => {
    const { bytes } = await encodePack(samplePack());
    await expectReason(new Uint8Array([...bytes, 0]), 'malformed');
  });

  it('refuses a pack embedded with another model, naming both', async () => {
    const { bytes } = await encodePack(samplePack());
    const device = { ...testModel, version: '2.0.0' };
    const err = await expectReason(bytes, 'wrong-model', { expectedModel: device });
    expect(err.message).toContain('test-embedder@1.0.0');
    expect(err.message).toContain('test-embedder@2.0.0');
    await expectReason(bytes, 'wrong-model', { expectedModel: { ...testModel, sha256: 'b'.repeat(64) } });
  });

  it('refuses a pack whose address does not match', async () => {
    const { bytes } = await encodePack(samplePack());
    await expectReason(bytes, 'content-hash-mismatch', { expectedContentHash: '0'.repeat(64) });
  });

  it('refuses to encode inconsistent content', async () => {
    const rand = seededRandom(9);
    await expect(encodePack({ ...samplePack(), references: [reference('x', 'nope', rand)] })).rejects.toThrow(/unknown product "nope"/);
    const wrongDim = { ...samplePack(), model: { ...testModel, dim: 16 } };
    await expect(encodePack(wrongDim)).rejects.toThrow(/embedding is 1×8/);
    const cells = samplePack();
    cells.references[0].imageCells = [true];
    await expect(encodePack(cells)).rejects.toThrow(/marks 1 image cells/);
    const twice = samplePack();
    twice.references.push(twice.references[0]);
    await expect(encodePack(twice)).rejects.toThrow(/appears twice/);
  });
});

describe('gallery pack signatures', () => {
  it('verifies a signed pack and reports the signer', async () => {
    const key = await generateSigningKey();
    const { bytes } = await encodePack(samplePack(), { signWith: key });
    const decoded = await decodePack(bytes, { requireSignature: true, trustedKeys: [toHex(key.publicKey)] });
    expect(decoded.signer).toBe(toHex(key.publicKey));
  });

  it('refuses an unsigned pack when a signature is required', async () => {
    const { bytes } = await encodePack(samplePack());
    await expectReason(bytes, 'unsigned', { requireSignature: true });
  });

  it('refuses a corrupted signature', async () => {
    const { bytes } = await encodePack(samplePack(), { signWith: await generateSigningKey() });
    const tampered = bytes.slice();
    tampered[bodyStart(bytes) - 1] ^= 0x80;
    await expectReason(tampered, 'bad-signature');
  });

  it('refuses a signer that is not trusted', async () => {
    const { bytes } = await encodePack(samplePack(), { signWith: await generateSigningKey() });
    const other = await generateSigningKey();
    await expectReason(bytes, 'untrusted-signer', { trustedKeys: [toHex(other.publicKey)] });
  });

  it('catches a manifest rewritten with a recomputed hash, which only a signature can', async () => {
    const key = await generateSigningKey();
    const signed = await encodePack(samplePack(), { signWith: key });
    // An attacker changes the content and re-signs with their own key: the pinned key refuses it.
    const forged = await encodePack({ ...samplePack(), name: 'forged' }, { signWith: await generateSigningKey() });
    await expectReason(forged.bytes, 'untrusted-signer', { trustedKeys: [toHex(key.publicKey)] });
    // Or keeps the original signature block on the new content: it no longer verifies.
    const unsigned = await encodePack({ ...samplePack(), name: 'forged' });
    const sigStart = MAGIC.length + 8 + manifestLength(signed.bytes) + HASH_BYTES;
    const sigBlock = signed.bytes.subarray(sigStart, bodyStart(signed.bytes));
    const headerEnd = MAGIC.length + 8 + manifestLength(unsigned.bytes) + HASH_BYTES;
    const spliced = new Uint8Array([...unsigned.bytes.subarray(0, headerEnd), ...sigBlock, ...unsigned.bytes.subarray(headerEnd + 4)]);
    await expectReason(spliced, 'bad-signature');
  });
});
