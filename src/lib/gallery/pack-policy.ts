// Which gallery packs this device accepts: any intact pack (the default), or only packs signed by
// a key the admin trusts. Kept in the gallery database, so every import path (file, address,
// the demo pack) obeys the same setting and it survives reloads.
import type { VerifyOptions } from '../core/gallery-pack/index.ts';
import { getMeta, type GalleryDatabase } from './db.ts';
import { GalleryError } from './errors.ts';

export interface PackPolicy {
  requireSigned: boolean;
  /** Lower-case hex Ed25519 public keys (32 bytes). */
  trustedKeys: string[];
}

export const OPEN_PACK_POLICY: PackPolicy = { requireSigned: false, trustedKeys: [] };

const PUBLIC_KEY_HEX = /^[0-9a-f]{64}$/;

/**
 * A public key as an admin would paste it: the hex string, or the whole line `intact gallery
 * keygen` prints ({"secretKeyFile": …, "publicKey": …}), from which only the public key is taken.
 */
export function parsePublicKey(text: string): string {
  let candidate = text.trim();
  if (candidate.startsWith('{')) {
    try {
      const parsed = JSON.parse(candidate) as { publicKey?: unknown };
      candidate = typeof parsed.publicKey === 'string' ? parsed.publicKey : '';
    } catch {
      throw new GalleryError('invalid', 'That text is neither a public key nor the line printed by "intact gallery keygen".');
    }
  }
  const hex = candidate.toLowerCase();
  if (!PUBLIC_KEY_HEX.test(hex)) {
    throw new GalleryError('invalid', `A public key is 64 hexadecimal characters (the "publicKey" printed by "intact gallery keygen"); this one has ${candidate.length} characters.`);
  }
  return hex;
}

export function checkPackPolicy(policy: PackPolicy): void {
  if (policy.requireSigned && policy.trustedKeys.length === 0) {
    throw new GalleryError('invalid', 'Add a trusted public key first: with none, every signed pack would be refused too.');
  }
  for (const key of policy.trustedKeys) if (!PUBLIC_KEY_HEX.test(key)) throw new GalleryError('invalid', `"${key}" is not a public key.`);
}

export async function loadPackPolicy(db: GalleryDatabase): Promise<PackPolicy> {
  const held = await getMeta(db, 'packPolicy');
  return held ? { requireSigned: held.requireSigned, trustedKeys: [...held.trustedKeys] } : { ...OPEN_PACK_POLICY, trustedKeys: [] };
}

/** Saves a valid policy; an invalid one is refused and the stored one stays. */
export async function savePackPolicy(db: GalleryDatabase, policy: PackPolicy): Promise<PackPolicy> {
  const clean = { requireSigned: policy.requireSigned, trustedKeys: [...new Set(policy.trustedKeys)] };
  checkPackPolicy(clean);
  await db.put('meta', clean, 'packPolicy');
  return clean;
}

/** The pack verifier's options under this policy. */
export const packVerifyOptions = (policy: PackPolicy): Pick<VerifyOptions, 'requireSignature' | 'trustedKeys'> =>
  policy.requireSigned ? { requireSignature: true, trustedKeys: policy.trustedKeys } : {};
