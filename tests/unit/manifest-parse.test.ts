import { describe, expect, it } from 'vitest';
import { entryFor, parseManifest } from '../../src/lib/core/manifest-parse.ts';

const entry = (over: Record<string, unknown> = {}) => ({
  id: 'm', version: '1', roles: ['damage', 'embedding'], precision: 'int8', file: 'm.onnx', sha256: 'ab'.repeat(32), bytes: 10, default: true,
  input: { name: 'input', size: 224, layout: 'NCHW', mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
  outputs: { damage: 'damage', types: 'types', heatmap: 'heatmap', embedding: 'embedding', patches: 'patches' },
  embedding: { dim: 256, patchDim: 128, patchGrid: [7, 7] },
  ...over,
});

const globalRecipe = {
  centreCrop: 0.8,
  colour: { hueBins: 18, saturationBins: 3, valueBins: 3, greyBins: 4, margin: 0.1, minSaturation: 0.2, weight: 0.5 },
  dim: 422,
  key: 'cd'.repeat(32),
};

describe('model manifest parsing', () => {
  it('accepts a well-formed manifest and finds the default and fp32 entries per role', () => {
    const withRecipe = entry({ id: 'm32', precision: 'fp32', default: false, embedding: { dim: 256, patchDim: 128, patchGrid: [7, 7], global: globalRecipe } });
    const m = parseManifest({ schema: 1, models: [entry(), withRecipe] });
    expect(entryFor(m, 'damage').id).toBe('m');
    expect(entryFor(m, 'embedding', 'fp32').id).toBe('m32');
  });

  it.each([
    [{ schema: 2, models: [] }, /unsupported schema 2/],
    [{ schema: 1, models: [entry({ sha256: 'xyz' })] }, /models\[0\] \(m\) has a malformed sha256/],
    [{ schema: 1, models: [entry({ bytes: 0 })] }, /lacks a positive "bytes"/],
    [{ schema: 1, models: [entry({ embedding: undefined })] }, /no "embedding" spec/],
    [{ schema: 1, models: [entry({ embedding: { dim: 0, patchDim: 0, patchGrid: [0, 0] } })] }, /embedding dim, patchDim and patchGrid must be positive whole numbers/],
    [{ schema: 1, models: [entry({ input: { name: 'input' } })] }, /invalid "input" spec/],
    ['nope', /not a JSON object/],
    [{ schema: 1, models: [entry({ embedding: { dim: 256, patchDim: 128, patchGrid: [7, 7], global: { ...globalRecipe, dim: 256 } } })] }, /embedding.global dim is 256, but embedding dim \+ colour bins = 422/],
    [{ schema: 1, models: [entry({ embedding: { dim: 256, patchDim: 128, patchGrid: [7, 7], global: { ...globalRecipe, key: 'KEY' } } })] }, /embedding.global key must be 64 lowercase hex digits/],
    [{ schema: 1, models: [entry({ embedding: { dim: 256, patchDim: 128, patchGrid: [7, 7], global: { ...globalRecipe, centreCrop: 0 } } })] }, /centreCrop must be in \(0, 1\]/],
  ])('rejects %j with a clear reason', (json, message) => {
    expect(() => parseManifest(json)).toThrow(message);
  });

  it('says which role has no default model', () => {
    const m = parseManifest({ schema: 1, models: [entry({ roles: ['embedding'] })] });
    expect(() => entryFor(m, 'damage')).toThrow('model manifest: no default model for the "damage" role');
  });
});
