// The global descriptor a gallery is searched with: the learned embedding of the whole image
// averaged with that of a centred crop, followed by the packaging colour signature.
//
// Why a second, centred view: shelf and store photos frame the item loosely, and in a
// letterboxed whole image the shelf around the item takes a large share of the pooled
// embedding; the centred crop is mostly item. Why colour: see colour-signature.ts. Both were
// measured on the GroceryStore dev photos (bench/gallery-eval.ts; figures in models/README.md).
//
// The recipe lives in the model manifest (embedding.global) with a key that hashes the model
// file's sha256 together with the recipe: vectors are stored and compared under that key, so
// changing the recipe re-embeds every gallery exactly as a new model file would.
import { colourSignatureLength, type ColourSignatureSpec } from './colour-signature.ts';
import type { RgbaImage } from './image.ts';
import { sha256Hex } from './sha256.ts';

export interface GlobalDescriptorSpec {
  /** Side fraction of the centred crop whose embedding is averaged with the whole image's. */
  centreCrop: number;
  /** The colour signature, and its weight against the learned embedding (0 = none). */
  colour: ColourSignatureSpec & { weight: number };
  /** Descriptor length: the model's embedding dim + the colour signature's length. */
  dim: number;
  /** sha256 of "<model file sha256>\n<canonical recipe>": the key the vectors are stored under. */
  key: string;
}

export const descriptorLength = (embeddingDim: number, spec: Pick<GlobalDescriptorSpec, 'colour'>): number =>
  embeddingDim + colourSignatureLength(spec.colour);

/** JSON of the recipe (everything but its key) with sorted keys, as release.py writes it. */
export function canonicalRecipe(spec: GlobalDescriptorSpec): string {
  const sorted = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]))
      : v;
  const recipe: Record<string, unknown> = { ...spec };
  delete recipe.key;
  return JSON.stringify(sorted(recipe));
}

export const descriptorKey = (modelSha256: string, spec: GlobalDescriptorSpec): Promise<string> =>
  sha256Hex(new TextEncoder().encode(`${modelSha256}\n${canonicalRecipe(spec)}`));

/** The middle `fraction` of the image in both directions, as its own image. */
export function centreCrop(image: RgbaImage, fraction: number): RgbaImage {
  const width = Math.max(1, Math.round(image.width * fraction));
  const height = Math.max(1, Math.round(image.height * fraction));
  const x0 = Math.floor((image.width - width) / 2), y0 = Math.floor((image.height - height) / 2);
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    const from = ((y + y0) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/**
 * [ √(1/(1+w)) · unit(whole + centre) ; √(w/(1+w)) · colour ]: a unit vector whose dot product
 * with another is (cos_embedding + w · bhattacharyya_colour) / (1 + w).
 */
export function combineDescriptor(whole: ArrayLike<number>, centre: ArrayLike<number>, colour: ArrayLike<number>, weight: number): Float32Array {
  const dim = whole.length;
  if (centre.length !== dim) throw new RangeError(`centre-view embedding has ${centre.length} values, expected ${dim}`);
  const out = new Float32Array(dim + colour.length);
  let norm = 0;
  for (let k = 0; k < dim; k++) {
    out[k] = whole[k] + centre[k];
    norm += out[k] * out[k];
  }
  const embeddingScale = Math.sqrt(1 / (1 + weight)) / (Math.sqrt(norm) || 1);
  for (let k = 0; k < dim; k++) out[k] *= embeddingScale;
  let colourNorm = 0;
  for (let k = 0; k < colour.length; k++) colourNorm += colour[k] * colour[k];
  const colourScale = Math.sqrt(weight / (1 + weight)) / (Math.sqrt(colourNorm) || 1);
  for (let k = 0; k < colour.length; k++) out[dim + k] = colour[k] * colourScale;
  return out;
}
