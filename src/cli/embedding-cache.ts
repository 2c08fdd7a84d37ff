// Reference embeddings on disk, keyed by sha256(image bytes) under sha256(model) and the
// preprocessing version: re-running on the same gallery skips decoding and inference entirely,
// and a changed image, model or preprocessing can never be served a stale vector. Writes are atomic (temp file + rename), so an interrupted
// run leaves either a complete entry or none.
//
// Entry layout: u32 LE header length H, H bytes of JSON header, then float32 LE embedding
// (dim values) and patches (cells × patchDim values).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PREPROCESS_VERSION } from '../lib/core/preprocess.ts';
import type { ImageEmbedding } from '../lib/pipeline/api.ts';
import { writeFileAtomically } from './write-atomically.ts';

interface Header {
  v: 1;
  model: string;
  dim: number;
  patches: number;
  cells: string;
}

export class EmbeddingCache {
  private readonly dir: string;
  private writable = true;

  constructor(root: string, private readonly model: string) {
    this.dir = join(root, 'embeddings', `${model.slice(0, 16)}-p${PREPROCESS_VERSION}`);
  }

  private path(imageSha: string): string {
    return join(this.dir, imageSha.slice(0, 2), `${imageSha}.bin`);
  }

  /** The cached embedding, or null when absent or unreadable (then it is recomputed). */
  async get(imageSha: string): Promise<ImageEmbedding | null> {
    let buf: Buffer;
    try {
      buf = await readFile(this.path(imageSha));
    } catch {
      return null;
    }
    try {
      const hlen = buf.readUInt32LE(0);
      const header = JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8')) as Header;
      if (header.v !== 1 || header.model !== this.model) return null;
      const body = buf.subarray(4 + hlen);
      if (body.byteLength !== (header.dim + header.patches) * 4) return null;
      const floats = new Float32Array(body.byteLength / 4);
      new Uint8Array(floats.buffer).set(body);
      return {
        embedding: floats.slice(0, header.dim),
        patches: floats.slice(header.dim),
        imageCells: Array.from(header.cells, (c) => c === '1'),
        model: header.model,
      };
    } catch {
      return null;
    }
  }

  async put(imageSha: string, e: ImageEmbedding): Promise<void> {
    if (!this.writable) return;
    const header: Header = { v: 1, model: e.model, dim: e.embedding.length, patches: e.patches.length, cells: e.imageCells.map((c) => (c ? '1' : '0')).join('') };
    const json = Buffer.from(JSON.stringify(header), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(json.byteLength, 0);
    const data = Buffer.concat([len, json, Buffer.from(e.embedding.buffer, e.embedding.byteOffset, e.embedding.byteLength), Buffer.from(e.patches.buffer, e.patches.byteOffset, e.patches.byteLength)]);
    const final = this.path(imageSha);
    try {
      await mkdir(join(final, '..'), { recursive: true });
      await writeFileAtomically(final, data);
    } catch {
      // A cache that cannot be written only costs speed; the result is unaffected.
      this.writable = false;
    }
  }
}
