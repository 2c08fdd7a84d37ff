import { describe, expect, it } from 'vitest';
import { decodePack } from './decode.ts';
import { encodePack } from './encode.ts';
import { toFloat32 } from './tensor.ts';
import { samplePack } from './test-fixtures.ts';
import { galleryIndexFromPack } from './to-index.ts';

describe('pack to search index', () => {
  it('identifies each reference as its own product after an int8 round trip', async () => {
    const content = samplePack(4);
    const { content: decoded } = await decodePack((await encodePack(content, { precision: 'i8' })).bytes);
    const index = galleryIndexFromPack(decoded);
    expect(index.referenceCount).toBe(3);
    for (const r of content.references) {
      expect(index.identify(toFloat32(r.embedding!), { top: 1 })[0].product).toBe(r.product);
    }
  });

  it('leaves superseded references out of the search', () => {
    const content = samplePack(4);
    content.references[2] = { ...content.references[2], superseded: true };
    expect(galleryIndexFromPack(content).referenceCount).toBe(2);
  });

  it('refuses an images-only pack', () => {
    expect(() => galleryIndexFromPack({ ...samplePack(), model: null, references: [] })).toThrow(/no embeddings/);
  });
});
