// Ed25519 via @noble/ed25519's async API, which hashes with WebCrypto's SHA-512: no extra
// dependency and identical behaviour in the browser and Node.
import * as ed from '@noble/ed25519';
import { SIGNATURE_DOMAIN } from './wire.ts';

function signedMessage(contentHash: Uint8Array): Uint8Array {
  const msg = new Uint8Array(SIGNATURE_DOMAIN.length + contentHash.length);
  msg.set(SIGNATURE_DOMAIN);
  msg.set(contentHash, SIGNATURE_DOMAIN.length);
  return msg;
}

export interface SigningKey {
  secretKey: Uint8Array;
  publicKey: Uint8Array;
}

export async function generateSigningKey(): Promise<SigningKey> {
  return ed.keygenAsync();
}

export async function signingKeyFromSecret(secretKey: Uint8Array): Promise<SigningKey> {
  return { secretKey, publicKey: await ed.getPublicKeyAsync(secretKey) };
}

export const signContentHash = (contentHash: Uint8Array, secretKey: Uint8Array): Promise<Uint8Array> =>
  ed.signAsync(signedMessage(contentHash), secretKey);

export async function verifyContentHash(contentHash: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): Promise<boolean> {
  try {
    return await ed.verifyAsync(signature, signedMessage(contentHash), publicKey);
  } catch {
    // A malformed key or signature (not a curve point) is simply not a valid signature.
    return false;
  }
}
