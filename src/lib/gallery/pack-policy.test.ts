import { describe, expect, it } from 'vitest';
import { decodePack, encodePack, generateSigningKey, toHex, type PackError } from '../core/gallery-pack/index.ts';
import { samplePack } from '../core/gallery-pack/test-fixtures.ts';
import { checkPackPolicy, OPEN_PACK_POLICY, packVerifyOptions, parsePublicKey } from './pack-policy.ts';

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: PackError) => ({ reason: e.reason, message: e.message }));

describe('pack policy', () => {
  it('takes a public key as hex or as the line intact gallery keygen prints, and refuses anything else', () => {
    const hex = 'AB'.repeat(32);
    expect(parsePublicKey(`  ${hex}\n`)).toBe('ab'.repeat(32));
    expect(parsePublicKey(JSON.stringify({ secretKeyFile: 'k.hex', publicKey: hex }))).toBe('ab'.repeat(32));
    expect(() => parsePublicKey('abc')).toThrow('A public key is 64 hexadecimal characters');
    expect(() => parsePublicKey('zz'.repeat(32))).toThrow('A public key is 64 hexadecimal characters');
    expect(() => parsePublicKey('{"publicKey": ')).toThrow('neither a public key nor the line printed');
  });

  it('cannot require signatures without a trusted key', () => {
    expect(() => checkPackPolicy({ requireSigned: true, trustedKeys: [] })).toThrow('Add a trusted public key first');
    expect(() => checkPackPolicy({ requireSigned: false, trustedKeys: [] })).not.toThrow();
  });

  it('under "only signed packs" accepts a trusted signer and refuses unsigned packs and other signers', async () => {
    const trusted = await generateSigningKey();
    const stranger = await generateSigningKey();
    const content = samplePack(3);
    const unsigned = (await encodePack(content)).bytes;
    const byTrusted = (await encodePack(content, { signWith: trusted })).bytes;
    const byStranger = (await encodePack(content, { signWith: stranger })).bytes;
    const strict = packVerifyOptions({ requireSigned: true, trustedKeys: [toHex(trusted.publicKey)] });

    expect((await decodePack(byTrusted, strict)).signer).toBe(toHex(trusted.publicKey));
    expect(await refusal(decodePack(unsigned, strict))).toEqual({ reason: 'unsigned', message: 'pack is not signed, and this device only accepts signed packs' });
    expect(await refusal(decodePack(byStranger, strict))).toMatchObject({ reason: 'untrusted-signer' });

    // The default accepts all three (a signature, when present, must still verify).
    const open = packVerifyOptions(OPEN_PACK_POLICY);
    for (const bytes of [unsigned, byTrusted, byStranger]) await expect(decodePack(bytes, open)).resolves.toBeTruthy();
  });
});
