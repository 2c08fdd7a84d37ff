// A pack comes from outside (a file, a URL), so its manifest is checked field by field before any
// of it is trusted; the first problem found becomes the one-line reason.
import { PackError } from './errors.ts';
import { REFERENCE_VIEWS } from './types.ts';
import { CONTAINER_VERSION, FORMAT_NAME, type WireManifest } from './wire.ts';

type Json = Record<string, unknown>;

function fail(path: string, what: string): never {
  throw new PackError('malformed', `pack manifest: ${path} ${what}`);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Json, key: string, path: string): string {
  if (typeof o[key] !== 'string') fail(`${path}.${key}`, 'must be a string');
  return o[key] as string;
}

function nonEmptyStr(o: Json, key: string, path: string): string {
  const s = str(o, key, path);
  if (s.trim() === '') fail(`${path}.${key}`, 'must not be empty');
  return s;
}

function count(o: Json, key: string, path: string, min = 0): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) fail(`${path}.${key}`, `must be an integer ≥ ${min}`);
  return v;
}

function arr(o: Json, key: string, path: string): unknown[] {
  if (!Array.isArray(o[key])) fail(`${path}.${key}`, 'must be an array');
  return o[key] as unknown[];
}

function obj(v: unknown, path: string): Json {
  if (!isObject(v)) fail(path, 'must be an object');
  return v;
}

function checkModel(v: unknown): void {
  if (v === null) return;
  const m = obj(v, 'model');
  nonEmptyStr(m, 'id', 'model');
  nonEmptyStr(m, 'version', 'model');
  if (!/^[0-9a-f]{64}$/.test(str(m, 'sha256', 'model'))) fail('model.sha256', 'must be 64 hex digits');
  count(m, 'dim', 'model', 1);
  count(m, 'patchDim', 'model', 1);
  const grid = arr(m, 'patchGrid', 'model');
  if (grid.length !== 2 || !grid.every((g) => Number.isSafeInteger(g) && (g as number) > 0)) {
    fail('model.patchGrid', 'must be two positive integers');
  }
}

function checkProduct(v: unknown, path: string): void {
  const p = obj(v, path);
  nonEmptyStr(p, 'id', path);
  str(p, 'name', path);
  if (!arr(p, 'barcodes', path).every((b) => typeof b === 'string')) fail(`${path}.barcodes`, 'must be strings');
  if (p.units !== null) count(p, 'units', path, 1);
  if (p.category !== null) str(p, 'category', path);
  str(p, 'packagingVersion', path);
}

function checkPartRef(v: unknown, path: string, partCount: number): Json {
  const r = obj(v, path);
  const part = count(r, 'part', path);
  if (part >= partCount) fail(`${path}.part`, `points past the ${partCount} parts`);
  return r;
}

function checkTensorRef(v: unknown, path: string, partCount: number): void {
  const t = checkPartRef(v, path, partCount);
  if (t.dtype !== 'f32' && t.dtype !== 'i8') fail(`${path}.dtype`, 'must be "f32" or "i8"');
  count(t, 'rows', path, 1);
  count(t, 'dim', path, 1);
}

function checkReference(v: unknown, path: string, partCount: number): void {
  const r = obj(v, path);
  nonEmptyStr(r, 'id', path);
  nonEmptyStr(r, 'product', path);
  str(r, 'packagingVersion', path);
  if (typeof r.superseded !== 'boolean') fail(`${path}.superseded`, 'must be a boolean');
  if (!(REFERENCE_VIEWS as readonly unknown[]).includes(r.view)) fail(`${path}.view`, `must be one of ${REFERENCE_VIEWS.join(', ')}`);
  if (Number.isNaN(Date.parse(str(r, 'captureDate', path)))) fail(`${path}.captureDate`, 'must be an ISO date');
  if (r.sourceDevice !== null) str(r, 'sourceDevice', path);
  str(checkPartRef(r.image, `${path}.image`, partCount), 'mime', `${path}.image`);
  str(checkPartRef(r.thumbnail, `${path}.thumbnail`, partCount), 'mime', `${path}.thumbnail`);
  if (r.embedding !== undefined) checkTensorRef(r.embedding, `${path}.embedding`, partCount);
  if (r.patches !== undefined) checkTensorRef(r.patches, `${path}.patches`, partCount);
  if (r.imageCells !== undefined && (typeof r.imageCells !== 'string' || !/^[01]+$/.test(r.imageCells))) {
    fail(`${path}.imageCells`, 'must be a string of 0s and 1s');
  }
}

/** Shape only; hashes, sizes and cross-references are checked by the decoder. */
export function validateManifest(v: unknown): WireManifest {
  const m = obj(v, 'manifest');
  if (m.format !== FORMAT_NAME) fail('format', `must be "${FORMAT_NAME}"`);
  if (m.version !== CONTAINER_VERSION) {
    throw new PackError('unsupported-version', `pack manifest version ${String(m.version)} is not supported (expected ${CONTAINER_VERSION})`);
  }
  str(m, 'name', 'manifest');
  if (Number.isNaN(Date.parse(str(m, 'createdAt', 'manifest')))) fail('createdAt', 'must be an ISO date');
  checkModel(m.model);
  const parts = arr(m, 'parts', 'manifest');
  parts.forEach((p, i) => {
    const part = obj(p, `parts[${i}]`);
    count(part, 'length', `parts[${i}]`);
    if (!/^[0-9a-f]{64}$/.test(str(part, 'sha256', `parts[${i}]`))) fail(`parts[${i}].sha256`, 'must be 64 hex digits');
  });
  arr(m, 'products', 'manifest').forEach((p, i) => checkProduct(p, `products[${i}]`));
  arr(m, 'references', 'manifest').forEach((r, i) => checkReference(r, `references[${i}]`, parts.length));
  return m as unknown as WireManifest;
}
