// `intact gallery build <dir> -o <file>` and `intact gallery verify <file>`: packs from the
// gallery folder layout, embedded with the same pipeline the app uses, written atomically.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  decodePack,
  encodePack,
  fromHex,
  generateSigningKey,
  isPackError,
  quantizeRows,
  signingKeyFromSecret,
  float32Tensor,
  toHex,
  type EmbeddingModelRef,
} from '../../lib/core/gallery-pack/index.ts';
import type { ModelManifest } from '../../lib/core/model-manifest.ts';
import { Inspector } from '../../lib/pipeline/inspector.ts';
import { BadInput, readGalleryFolder, type FolderEmbedder } from './gallery-folder.ts';

const USAGE = `usage:
  intact gallery build <dir> -o <file> [--name NAME] [--precision i8|f32] [--no-embed] [--models DIR] [--sign-key FILE]
  intact gallery verify <file> [--require-signature] [--trusted-key HEX]... [--models DIR]
  intact gallery keygen -o <secret-key-file>`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

const defaultIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export const DEFAULT_MODELS_DIR = resolve(dirname(new URL(import.meta.url).pathname), '../../../models');

/** The manifest's default embedding model, loaded through the same pipeline as `identify`. */
export async function loadFolderEmbedder(modelsDir: string, precision: 'i8' | 'f32'): Promise<FolderEmbedder & { dispose(): Promise<void> }> {
  let manifest: ModelManifest;
  try {
    manifest = JSON.parse(await readFile(join(modelsDir, 'manifest.json'), 'utf8')) as ModelManifest;
  } catch {
    throw new BadInput(`no model manifest at ${join(modelsDir, 'manifest.json')}: build the models first, or pass --no-embed for an images-only pack`);
  }
  const inspector = await Inspector.create({ manifest, readFile: async (f) => new Uint8Array(await readFile(join(modelsDir, f))) });
  const entry = inspector.embeddingModel;
  if (!entry.embedding) throw new BadInput(`model ${entry.id} has no embedding spec in ${modelsDir}/manifest.json`);
  const model: EmbeddingModelRef = {
    id: entry.id,
    version: entry.version,
    sha256: entry.sha256,
    dim: entry.embedding.dim,
    patchDim: entry.embedding.patchDim,
    patchGrid: entry.embedding.patchGrid,
  };
  const cells = model.patchGrid[0] * model.patchGrid[1];
  const store = precision === 'i8' ? quantizeRows : float32Tensor;
  return {
    model,
    async embed(image) {
      const e = await inspector.embed(image);
      return { embedding: store(e.embedding, 1, model.dim), patches: store(e.patches, cells, model.patchDim), imageCells: e.imageCells };
    },
    dispose: () => inspector.dispose(),
  };
}

/** Writes next to the target and renames, so a reader never sees half a pack. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  try {
    await writeFile(tmp, bytes);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new BadInput(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** SOURCE_DATE_EPOCH makes rebuilt packs byte-identical (and so keep their address). */
function buildTime(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000).toISOString() : new Date().toISOString();
}

async function build(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      out: { type: 'string', short: 'o' },
      name: { type: 'string' },
      precision: { type: 'string', default: 'i8' },
      'no-embed': { type: 'boolean', default: false },
      models: { type: 'string', default: DEFAULT_MODELS_DIR },
      'sign-key': { type: 'string' },
    },
  });
  if (positionals.length !== 1 || !values.out) throw new BadInput('gallery build needs one folder and -o <file>');
  if (values.precision !== 'i8' && values.precision !== 'f32') throw new BadInput('--precision must be i8 or f32');
  const dir = resolve(positionals[0]);
  const signWith = values['sign-key'] ? await readSigningKey(values['sign-key']) : undefined;
  const embedder = values['no-embed'] ? null : await loadFolderEmbedder(values.models, values.precision);
  try {
    const t0 = performance.now();
    const content = await readGalleryFolder(dir, {
      name: values.name ?? basename(dir),
      createdAt: buildTime(),
      embedder,
      onProgress: (done, total) => {
        if (done % 25 === 0 || done === total) io.err(`gallery build: ${done}/${total} images`);
      },
    });
    const { bytes, contentHash } = await encodePack(content, { signWith });
    await writeAtomically(resolve(values.out), bytes);
    io.out(
      JSON.stringify({
        pack: values.out,
        contentHash,
        bytes: bytes.length,
        products: content.products.length,
        references: content.references.length,
        model: content.model ? `${content.model.id}@${content.model.version}` : null,
        signer: signWith ? toHex(signWith.publicKey) : null,
        ms: Math.round(performance.now() - t0),
      }),
    );
    return 0;
  } finally {
    await embedder?.dispose();
  }
}

async function readSigningKey(file: string) {
  let hex: string;
  try {
    hex = (await readFile(file, 'utf8')).trim();
  } catch {
    throw new BadInput(`cannot read signing key ${file}`);
  }
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new BadInput(`${file} must hold a 32-byte Ed25519 secret key as 64 hex digits`);
  return signingKeyFromSecret(fromHex(hex));
}

async function verify(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'require-signature': { type: 'boolean', default: false },
      'trusted-key': { type: 'string', multiple: true },
      models: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new BadInput('gallery verify needs one pack file');
  const file = positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new BadInput(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const trustedKeys = values['trusted-key'];
  if (trustedKeys?.some((k) => !/^[0-9a-f]{64}$/i.test(k))) throw new BadInput('--trusted-key must be 64 hex digits');
  let expectedModel: EmbeddingModelRef | undefined;
  if (values.models) {
    const embedder = await loadFolderEmbedder(values.models, 'f32');
    expectedModel = embedder.model;
    await embedder.dispose();
  }
  const pack = await decodePack(bytes, { requireSignature: values['require-signature'], trustedKeys, expectedModel });
  const { content } = pack;
  io.out(
    JSON.stringify({
      pack: file,
      ok: true,
      contentHash: pack.contentHash,
      bytes: pack.byteLength,
      name: content.name,
      createdAt: content.createdAt,
      model: content.model,
      products: content.products.length,
      references: content.references.length,
      embedded: content.references.filter((r) => r.embedding).length,
      superseded: content.references.filter((r) => r.superseded).length,
      signer: pack.signer,
    }),
  );
  return 0;
}

async function keygen(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string', short: 'o' } } });
  if (!values.out) throw new BadInput('gallery keygen needs -o <secret-key-file>');
  const key = await generateSigningKey();
  await writeFile(values.out, `${toHex(key.secretKey)}\n`, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
    throw new BadInput(`cannot write ${values.out}: ${e.code ?? e.message}`);
  });
  io.out(JSON.stringify({ secretKeyFile: values.out, publicKey: toHex(key.publicKey) }));
  return 0;
}

/** Exit 0 on success, 2 with a one-line reason on bad input (including a refused pack). */
export async function galleryCommand(args: string[], io: CliIo = defaultIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'build') return await build(rest, io);
    if (sub === 'verify') return await verify(rest, io);
    if (sub === 'keygen') return await keygen(rest, io);
    if (sub === undefined || sub === '--help') {
      io.err(USAGE);
      return sub === undefined ? 2 : 0;
    }
    throw new BadInput(`unknown gallery command "${sub}" (expected build, verify or keygen)`);
  } catch (e) {
    if (e instanceof BadInput) {
      io.err(`intact gallery: ${e.message}`);
      return 2;
    }
    if (isPackError(e)) {
      io.err(`intact gallery: pack refused (${e.reason}): ${e.message}`);
      return 2;
    }
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`intact gallery: ${e.message}`);
      return 2;
    }
    throw e;
  }
}
