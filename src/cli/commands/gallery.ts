// `intact gallery build <dir> -o <file>`, `intact gallery verify <file>`, `intact gallery keygen`:
// packs from the gallery folder layout, embedded with the same pipeline the app uses, written
// atomically; a refused pack is bad input (exit 2) with its reason on one line.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import {
  decodePack,
  encodePack,
  float32Tensor,
  fromHex,
  generateSigningKey,
  isPackError,
  mergePacks,
  quantizeRows,
  sha256Hex,
  signingKeyFromSecret,
  toHex,
  type EmbeddingModelRef,
  type SigningKey,
} from '../../lib/core/gallery-pack/index.ts';
import { entryFor, parseManifest } from '../../lib/core/manifest-parse.ts';
import type { ModelEntry } from '../../lib/core/model-manifest.ts';
import { embeddingModelRef as vectorModelRef } from '../../lib/core/vector-space.ts';
import { parseArgs, stringFlag } from '../args.ts';
import type { CliCommand, CliIo } from '../command.ts';
import { UsageError } from '../errors.ts';
import { decodeImage } from '../decode-image.ts';
import { EmbeddingCache } from '../embedding-cache.ts';
import { loadInspector } from '../load-inspector.ts';
import type { Log } from '../log.ts';
import { cacheDir, manifestPath } from '../paths.ts';
import { readGalleryFolder, type FolderEmbedder } from './gallery-folder.ts';
import { writeFileAtomically } from '../write-atomically.ts';

const USAGE =
  'intact gallery build <dir> -o <file> [--name NAME] [--precision i8|f32] [--no-embed] [--sign-key FILE] | intact gallery verify <file> [--require-signature] [--trusted-keys HEX,…] [--expect-model] | intact gallery merge <pack> <pack>… -o <file> [--sign-key FILE] | intact gallery keygen -o <secret-key-file>';

export function embeddingModelRef(entry: ModelEntry): EmbeddingModelRef {
  if (!entry.embedding) throw new UsageError(`model ${entry.id} has the embedding role but no embedding spec`);
  return vectorModelRef(entry);
}

/**
 * The manifest's default embedding model, run through the same Inspector as `identify`, and
 * through the same on-disk embedding cache: rebuilding a pack after adding a few photos only
 * embeds the new ones.
 */
async function loadFolderEmbedder(log: Log, precision: 'i8' | 'f32'): Promise<FolderEmbedder & { dispose(): Promise<void> }> {
  const inspector = await loadInspector(log);
  const model = embeddingModelRef(inspector.embeddingModel);
  const cache = new EmbeddingCache(cacheDir(), model.sha256);
  const cells = model.patchGrid[0] * model.patchGrid[1];
  const store = precision === 'i8' ? quantizeRows : float32Tensor;
  return {
    model,
    async embed(bytes, label) {
      const key = await sha256Hex(bytes);
      let e = await cache.get(key);
      if (!e) {
        e = await inspector.embed(await decodeImage(bytes, label));
        await cache.put(key, e);
      }
      return { embedding: store(e.embedding, 1, model.dim), patches: store(e.patches, cells, model.patchDim), imageCells: e.imageCells };
    },
    dispose: () => inspector.dispose(),
  };
}

/** A pack is written atomically (see write-atomically.ts); a failure is a bad-output UsageError. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  try {
    await writeFileAtomically(file, bytes);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** SOURCE_DATE_EPOCH makes rebuilt packs byte-identical (and so keep their address). */
function buildTime(): string {
  const epoch = process.env.SOURCE_DATE_EPOCH;
  return epoch && /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000).toISOString() : new Date().toISOString();
}

async function readSigningKey(file: string): Promise<SigningKey> {
  let hex: string;
  try {
    hex = (await readFile(file, 'utf8')).trim();
  } catch {
    throw new UsageError(`cannot read signing key ${file}`);
  }
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new UsageError(`${file} must hold a 32-byte Ed25519 secret key as 64 hex digits`);
  return signingKeyFromSecret(fromHex(hex));
}

async function build(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { valued: ['o', 'out', 'name', 'precision', 'sign-key'], boolean: ['no-embed'] });
  const out = stringFlag(args, 'o') ?? stringFlag(args, 'out');
  if (args.positional.length !== 1 || !out) throw new UsageError('gallery build needs one folder and -o <file>');
  const precision = stringFlag(args, 'precision') ?? 'i8';
  if (precision !== 'i8' && precision !== 'f32') throw new UsageError(`--precision must be i8 or f32, got "${precision}"`);
  const dir = resolve(args.positional[0]);
  const keyFile = stringFlag(args, 'sign-key');
  const signWith = keyFile ? await readSigningKey(keyFile) : undefined;
  const embedder = args.flags.has('no-embed') ? null : await loadFolderEmbedder(io.log, precision);
  try {
    const t0 = performance.now();
    const content = await readGalleryFolder(dir, {
      name: stringFlag(args, 'name') ?? basename(dir),
      createdAt: buildTime(),
      embedder,
      onProgress: (done, total) => io.log.progress('gallery build: images', done, total),
    });
    const { bytes, contentHash } = await encodePack(content, { signWith });
    await writeAtomically(resolve(out), bytes);
    io.out(
      JSON.stringify({
        pack: out,
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

async function verify(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { valued: ['trusted-keys'], boolean: ['require-signature', 'expect-model'] });
  if (args.positional.length !== 1) throw new UsageError('gallery verify needs one pack file');
  const file = args.positional[0];
  const trustedKeys = stringFlag(args, 'trusted-keys')?.split(',').map((k) => k.trim());
  if (trustedKeys?.some((k) => !/^[0-9a-f]{64}$/i.test(k))) throw new UsageError('--trusted-keys must be 64-hex-digit public keys, comma-separated');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // The model is named by the manifest; no need to start onnxruntime to compare names.
  let expectedModel: EmbeddingModelRef | undefined;
  if (args.flags.has('expect-model')) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(manifestPath(), 'utf8'));
    } catch {
      throw new UsageError(`--expect-model: cannot read the model manifest ${manifestPath()}`);
    }
    expectedModel = embeddingModelRef(entryFor(parseManifest(json), 'embedding'));
  }
  const pack = await decodePack(bytes, { requireSignature: args.flags.has('require-signature'), trustedKeys, expectedModel });
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

async function keygen(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { valued: ['o', 'out'] });
  const out = stringFlag(args, 'o') ?? stringFlag(args, 'out');
  if (!out) throw new UsageError('gallery keygen needs -o <secret-key-file>');
  const key = await generateSigningKey();
  try {
    await writeFile(out, `${toHex(key.secretKey)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  io.out(JSON.stringify({ secretKeyFile: out, publicKey: toHex(key.publicKey) }));
  return 0;
}

async function readPack(file: string) {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return await decodePack(bytes);
  } catch (e) {
    if (isPackError(e)) throw new UsageError(`${file}: pack refused (${e.reason}): ${e.message}`);
    throw e;
  }
}

/** Later packs win ties; newer packaging versions win always (see core/gallery-pack/merge.ts). */
async function merge(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { valued: ['o', 'out', 'name', 'sign-key'] });
  const out = stringFlag(args, 'o') ?? stringFlag(args, 'out');
  if (args.positional.length < 2 || !out) throw new UsageError('gallery merge needs two or more packs and -o <file>');
  const keyFile = stringFlag(args, 'sign-key');
  const signWith = keyFile ? await readSigningKey(keyFile) : undefined;
  const packs = [];
  for (const file of args.positional) packs.push((await readPack(file)).content);
  const merged = mergePacks(packs, stringFlag(args, 'name') ?? `merge of ${args.positional.map((f) => basename(f)).join(', ')}`, buildTime());
  const { bytes, contentHash } = await encodePack(merged, { signWith });
  await writeAtomically(resolve(out), bytes);
  io.out(
    JSON.stringify({
      pack: out,
      contentHash,
      bytes: bytes.length,
      products: merged.products.length,
      references: merged.references.length,
      superseded: merged.references.filter((r) => r.superseded).length,
    }),
  );
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = { build, verify, merge, keygen };

export const command: CliCommand = {
  summary: 'build, verify, merge or sign gallery packs (images + metadata + embeddings, content-addressed)',
  usage: USAGE,
  async run([sub, ...rest], io) {
    const run = sub ? SUBCOMMANDS[sub] : undefined;
    if (!run) throw new UsageError(`gallery needs a subcommand: build, verify, merge or keygen${sub ? ` (got "${sub}")` : ''}`);
    try {
      return await run(rest, io);
    } catch (e) {
      if (isPackError(e)) throw new UsageError(`pack refused (${e.reason}): ${e.message}`);
      throw e;
    }
  },
};
