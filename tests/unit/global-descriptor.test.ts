// The gallery's global descriptor: the colour signature, the crop, the combination, and the
// key that ties vectors to a model file + recipe (checked against the shipped manifest).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { colourSignature, colourSignatureLength, type ColourSignatureSpec } from '../../src/lib/core/colour-signature.ts';
import { centreCrop, combineDescriptor, descriptorKey, descriptorLength } from '../../src/lib/core/global-descriptor.ts';
import type { RgbaImage } from '../../src/lib/core/image.ts';
import { parseManifest } from '../../src/lib/core/manifest-parse.ts';
import { seededRandom } from '../../src/lib/core/seeded-random.ts';
import { descriptorDim, embeddingModelRef, vectorKey } from '../../src/lib/core/vector-space.ts';
import { manifestPath } from '../../src/cli/paths.ts';

const spec: ColourSignatureSpec = { hueBins: 18, saturationBins: 3, valueBins: 3, greyBins: 4, margin: 0.1, minSaturation: 0.2 };

function image(width: number, height: number, colourAt: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      data.set([...colourAt(x, y), 255], (y * width + x) * 4);
    }
  }
  return { width, height, data };
}
const flat = (rgb: [number, number, number]) => image(40, 30, () => rgb);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);

describe('colour signature', () => {
  it('is a unit vector of the declared length', () => {
    const random = seededRandom(3);
    const noisy = image(50, 70, () => [random() * 255, random() * 255, random() * 255]);
    const s = colourSignature(noisy, spec);
    expect(s.length).toBe(colourSignatureLength(spec));
    expect(dot(s, s)).toBeCloseTo(1, 5);
  });

  it('puts a saturated colour and a grey in different bins, and one colour in one bin', () => {
    const red = colourSignature(flat([220, 20, 20]), spec);
    const grey = colourSignature(flat([128, 128, 128]), spec);
    expect(red.filter((v) => v > 0)).toHaveLength(1);
    expect(dot(red, grey)).toBe(0);
    expect(grey.indexOf(1)).toBeGreaterThanOrEqual(colourSignatureLength(spec) - spec.greyBins);
  });

  it('ranks a brighter shot of the same print above a different print', () => {
    const orange = colourSignature(flat([230, 120, 20]), spec);
    const brighterOrange = colourSignature(flat([250, 140, 30]), spec);
    const green = colourSignature(flat([40, 160, 60]), spec);
    expect(dot(orange, brighterOrange)).toBeGreaterThan(dot(orange, green));
  });

  it('ignores the margin: a red frame around a blue item reads as blue', () => {
    const framed = image(100, 100, (x, y) => (x < 8 || x >= 92 || y < 8 || y >= 92 ? [220, 20, 20] : [20, 40, 220]));
    expect(dot(colourSignature(framed, spec), colourSignature(flat([20, 40, 220]), spec))).toBeCloseTo(1, 5);
  });
});

describe('global descriptor', () => {
  it('crops the centre', () => {
    const img = image(10, 20, (x, y) => [x, y, 0]);
    const c = centreCrop(img, 0.5);
    expect([c.width, c.height]).toEqual([5, 10]);
    expect(Array.from(c.data.subarray(0, 3))).toEqual([2, 5, 0]);
  });

  it('combines to a unit vector whose dot product is the weighted mean of embedding cosine and colour overlap', () => {
    const random = seededRandom(9);
    const unit = (n: number) => {
      const v = Array.from({ length: n }, () => random() - 0.5);
      const norm = Math.sqrt(dot(v, v));
      return Float32Array.from(v, (x) => x / norm);
    };
    const [wa, ca, wb, cb] = [unit(16), unit(16), unit(16), unit(16)];
    const [ka, kb] = [Float32Array.from(unit(8), Math.abs), Float32Array.from(unit(8), Math.abs)];
    const weight = 0.5;
    const a = combineDescriptor(wa, ca, ka, weight);
    const b = combineDescriptor(wb, cb, kb, weight);
    expect(dot(a, a)).toBeCloseTo(1, 5);
    const ea = wa.map((v, i) => v + ca[i]), eb = wb.map((v, i) => v + cb[i]);
    const cosine = dot(ea, eb) / Math.sqrt(dot(ea, ea) * dot(eb, eb));
    expect(dot(a, b)).toBeCloseTo((cosine + weight * dot(ka, kb)) / (1 + weight), 5);
    expect(() => combineDescriptor(wa, unit(15), ka, weight)).toThrow(/centre-view embedding has 15 values/);
  });
});

describe('the shipped manifest', () => {
  const manifest = parseManifest(JSON.parse(readFileSync(manifestPath(), 'utf8')));
  const embedders = manifest.models.filter((m) => m.roles.includes('embedding'));

  it.each(embedders.map((m) => [m.id, m] as const))('%s: its descriptor key hashes the model file and recipe', async (_id, entry) => {
    const recipe = entry.embedding!.global!;
    expect(recipe.key).toBe(await descriptorKey(entry.sha256, recipe));
    expect(recipe.dim).toBe(descriptorLength(entry.embedding!.dim, recipe));
    expect(vectorKey(entry)).toBe(recipe.key);
    expect(embeddingModelRef(entry)).toMatchObject({ sha256: recipe.key, dim: descriptorDim(entry) });
    // Any change to the recipe changes the key, so old vectors are re-embedded, never mixed.
    expect(await descriptorKey(entry.sha256, { ...recipe, colour: { ...recipe.colour, weight: recipe.colour.weight + 0.1 } })).not.toBe(recipe.key);
  });
});
