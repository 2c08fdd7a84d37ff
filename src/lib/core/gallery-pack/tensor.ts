// Embeddings are stored either as float32 or as int8 with one float32 scale per row
// (symmetric, scale = max|x| / 127). Rows are L2-normalised vectors, so per-row scaling keeps
// cosine similarity within ~1e-3 of float while using a quarter of the bytes.
export type StoredTensor =
  | { dtype: 'f32'; rows: number; dim: number; data: Float32Array }
  | { dtype: 'i8'; rows: number; dim: number; scales: Float32Array; data: Int8Array };

export function float32Tensor(data: Float32Array, rows: number, dim: number): StoredTensor {
  if (data.length !== rows * dim) throw new RangeError(`tensor has ${data.length} values, expected ${rows}×${dim}`);
  return { dtype: 'f32', rows, dim, data };
}

export function quantizeRows(data: Float32Array, rows: number, dim: number): StoredTensor {
  if (data.length !== rows * dim) throw new RangeError(`tensor has ${data.length} values, expected ${rows}×${dim}`);
  const scales = new Float32Array(rows);
  const q = new Int8Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let i = r * dim; i < (r + 1) * dim; i++) max = Math.max(max, Math.abs(data[i]));
    const scale = max / 127;
    scales[r] = scale;
    if (scale === 0) continue;
    for (let i = r * dim; i < (r + 1) * dim; i++) q[i] = Math.round(data[i] / scale);
  }
  return { dtype: 'i8', rows, dim, scales, data: q };
}

export function toFloat32(t: StoredTensor): Float32Array {
  if (t.dtype === 'f32') return t.data;
  const out = new Float32Array(t.rows * t.dim);
  for (let r = 0; r < t.rows; r++) {
    const s = t.scales[r];
    for (let i = r * t.dim; i < (r + 1) * t.dim; i++) out[i] = t.data[i] * s;
  }
  return out;
}

export const tensorByteLength = (t: { dtype: 'f32' | 'i8'; rows: number; dim: number }): number =>
  t.dtype === 'f32' ? t.rows * t.dim * 4 : t.rows * 4 + t.rows * t.dim;

/** Little-endian on the wire regardless of the host, so packs are portable. */
export function serializeTensor(t: StoredTensor): Uint8Array {
  const out = new Uint8Array(tensorByteLength(t));
  const view = new DataView(out.buffer);
  if (t.dtype === 'f32') {
    for (let i = 0; i < t.data.length; i++) view.setFloat32(i * 4, t.data[i], true);
    return out;
  }
  for (let r = 0; r < t.rows; r++) view.setFloat32(r * 4, t.scales[r], true);
  out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.length), t.rows * 4);
  return out;
}

export function deserializeTensor(bytes: Uint8Array, dtype: 'f32' | 'i8', rows: number, dim: number): StoredTensor {
  if (bytes.length !== tensorByteLength({ dtype, rows, dim })) {
    throw new RangeError(`tensor part is ${bytes.length} bytes, expected ${tensorByteLength({ dtype, rows, dim })}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dtype === 'f32') {
    const data = new Float32Array(rows * dim);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(i * 4, true);
    return { dtype, rows, dim, data };
  }
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) scales[r] = view.getFloat32(r * 4, true);
  const data = new Int8Array(bytes.slice(rows * 4).buffer);
  return { dtype, rows, dim, scales, data };
}
