import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmbeddingCache } from '../../src/cli/embedding-cache.ts';

const model = 'c'.repeat(64);
const sample = () => ({
  embedding: Float32Array.from([0.6, 0.8]),
  patches: Float32Array.from({ length: 12 }, (_, i) => i / 10),
  imageCells: [true, false, true],
  model,
});
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));

describe('embedding cache', () => {
  it('round-trips an embedding exactly and leaves no temp files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'intact-cache-'));
    const cache = new EmbeddingCache(root, model);
    expect(await cache.get('ab12')).toBeNull();
    await cache.put('ab12', sample());
    expect(await cache.get('ab12')).toEqual(sample());
    expect(files(root).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps models apart and treats a damaged entry as a miss', async () => {
    const root = mkdtempSync(join(tmpdir(), 'intact-cache-'));
    await new EmbeddingCache(root, model).put('ef34', sample());
    expect(await new EmbeddingCache(root, 'd'.repeat(64)).get('ef34')).toBeNull();
    const [entry] = files(root);
    writeFileSync(entry, readFileSync(entry).subarray(0, 40));
    expect(await new EmbeddingCache(root, model).get('ef34')).toBeNull();
  });

  it('keeps working (uncached) when the folder cannot be written', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'intact-cache-')), 'file');
    writeFileSync(root, 'a file where the cache folder should be');
    const cache = new EmbeddingCache(root, model);
    await expect(cache.put('aa', sample())).resolves.toBeUndefined();
    expect(await cache.get('aa')).toBeNull();
  });
});
