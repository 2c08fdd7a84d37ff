// A model file is used only if it is byte-for-byte the one its manifest entry names: a
// truncated download or a tampered file must never produce verdicts.
import type { ModelEntry } from '../core/model-manifest.ts';
import { sha256Hex } from '../core/sha256.ts';
import { ModelError } from './errors.ts';

export async function verifyModelBytes(entry: ModelEntry, bytes: Uint8Array): Promise<void> {
  if (bytes.byteLength !== entry.bytes) {
    throw new ModelError('size', `model ${entry.file} is ${bytes.byteLength} bytes, the manifest says ${entry.bytes}: the file is truncated or corrupt`, entry.id);
  }
  const actual = await sha256Hex(bytes);
  if (actual !== entry.sha256.toLowerCase()) {
    throw new ModelError('integrity', `model ${entry.file} failed its integrity check (sha256 ${actual.slice(0, 12)}…, manifest expects ${entry.sha256.slice(0, 12)}…): the file is corrupt or was replaced`, entry.id);
  }
}
