import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePack, toFloat32 } from '../../lib/core/gallery-pack/index.ts';
import { galleryIndexFromPack } from '../../lib/core/gallery-pack/to-index.ts';
import { UsageError } from '../errors.ts';
import { command } from './gallery.ts';

let root: string;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), log: { info: (l: string) => err.push(l), progress: () => {} } } };
}

const galleryCommand = (args: string[], cli: ReturnType<typeof io>['io']) => command.run(args, cli);

/** The message of the UsageError (exit 2 in main.ts) a run throws. */
async function usageError(args: string[], cli = io()): Promise<string> {
  try {
    await galleryCommand(args, cli.io);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    expect(cli.out).toHaveLength(0);
    return (e as Error).message;
  }
  throw new Error(`${args.join(' ')} did not fail`);
}

async function photo(path: string, rgb: [number, number, number]) {
  await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }).jpeg().toFile(path);
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'intact-gallery-'));
  await mkdir(join(root, 'gallery', 'oat-milk'), { recursive: true });
  await mkdir(join(root, 'gallery', 'juice'), { recursive: true });
  await photo(join(root, 'gallery', 'oat-milk', 'front.jpg'), [200, 180, 40]);
  await photo(join(root, 'gallery', 'oat-milk', 'left-side.jpg'), [190, 170, 50]);
  await photo(join(root, 'gallery', 'juice', 'a.jpg'), [250, 120, 0]);
  await writeFile(join(root, 'gallery', 'oat-milk', 'product.json'), JSON.stringify({ name: 'Oat milk 1 l', barcodes: ['7394376616037'], units: 1, version: '2026-09' }));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('intact gallery build / verify', () => {
  it('builds an images-only pack from the folder layout and verifies it', async () => {
    const out = join(root, 'plain.intactpack');
    const b = io();
    expect(await galleryCommand(['build', join(root, 'gallery'), '-o', out, '--no-embed'], b.io)).toBe(0);
    const summary = JSON.parse(b.out[0]);
    expect(summary).toMatchObject({ products: 2, references: 3, model: null });

    const { content, contentHash } = await decodePack(new Uint8Array(await readFile(out)));
    expect(contentHash).toBe(summary.contentHash);
    const oat = content.products.find((p) => p.id === 'oat-milk')!;
    expect(oat).toMatchObject({ name: 'Oat milk 1 l', barcodes: ['7394376616037'], units: 1, packagingVersion: '2026-09' });
    expect(content.products.find((p) => p.id === 'juice')!.name).toBe('juice');
    const views = content.references.filter((r) => r.product === 'oat-milk').map((r) => r.view).sort();
    expect(views).toEqual(['front', 'left']);
    const original = await readFile(join(root, 'gallery', 'juice', 'a.jpg'));
    expect(Buffer.from(content.references.find((r) => r.product === 'juice')!.image.bytes).equals(original)).toBe(true);
    expect((await sharp(content.references[0].thumbnail.bytes).metadata()).width).toBeLessThanOrEqual(160);

    const v = io();
    expect(await galleryCommand(['verify', out], v.io)).toBe(0);
    expect(JSON.parse(v.out[0])).toMatchObject({ ok: true, contentHash: summary.contentHash, references: 3, signer: null });
  });

  it('embeds with the released model and verifies against it', async () => {
    const out = join(root, 'embedded.intactpack');
    const b = io();
    expect(await galleryCommand(['build', join(root, 'gallery'), '-o', out], b.io)).toBe(0);
    expect(JSON.parse(b.out[0]).model).toMatch(/@/);
    const v = io();
    expect(await galleryCommand(['verify', out, '--expect-model'], v.io)).toBe(0);
    expect(JSON.parse(v.out[0])).toMatchObject({ embedded: 3, references: 3 });
    const { content } = await decodePack(new Uint8Array(await readFile(out)));
    const index = galleryIndexFromPack(content);
    for (const r of content.references) {
      expect(r.embedding!.dtype).toBe('i8');
      expect(r.imageCells).toHaveLength(content.model!.patchGrid[0] * content.model!.patchGrid[1]);
      expect(index.identify(toFloat32(r.embedding!), { top: 1 })[0].reference).toBe(r.id);
    }
  }, 120_000);

  it('signs with a key file and verifies against the trusted public key', async () => {
    const keyFile = join(root, 'signing.key');
    const k = io();
    expect(await galleryCommand(['keygen', '-o', keyFile], k.io)).toBe(0);
    const { publicKey } = JSON.parse(k.out[0]);
    const out = join(root, 'signed.intactpack');
    expect(await galleryCommand(['build', join(root, 'gallery'), '-o', out, '--no-embed', '--sign-key', keyFile], io().io)).toBe(0);
    expect(await galleryCommand(['verify', out, '--require-signature', '--trusted-keys', `${'ab'.repeat(32)},${publicKey}`], io().io)).toBe(0);
    expect(await usageError(['verify', out, '--trusted-keys', 'ab'.repeat(32)])).toMatch(/untrusted-signer/);
  });

  it('merges packs: a newer packaging version wins and supersedes older references', async () => {
    const newer = join(root, 'newer');
    await mkdir(join(newer, 'oat-milk'), { recursive: true });
    await photo(join(newer, 'oat-milk', 'front.jpg'), [10, 200, 40]);
    await writeFile(join(newer, 'oat-milk', 'product.json'), JSON.stringify({ name: 'Oat milk, new carton', version: '2026-12' }));
    const a = join(root, 'merge-a.intactpack');
    const b = join(root, 'merge-b.intactpack');
    const out = join(root, 'merged.intactpack');
    expect(await galleryCommand(['build', join(root, 'gallery'), '-o', a, '--no-embed'], io().io)).toBe(0);
    expect(await galleryCommand(['build', newer, '-o', b, '--no-embed'], io().io)).toBe(0);
    const m = io();
    expect(await galleryCommand(['merge', b, a, '-o', out], m.io)).toBe(0);
    expect(JSON.parse(m.out[0])).toMatchObject({ products: 2, references: 4, superseded: 2 });
    const { content } = await decodePack(new Uint8Array(await readFile(out)));
    expect(content.products.find((p) => p.id === 'oat-milk')).toMatchObject({ name: 'Oat milk, new carton', packagingVersion: '2026-12', barcodes: ['7394376616037'] });
    expect(content.references.filter((r) => r.product === 'oat-milk' && !r.superseded).map((r) => r.packagingVersion)).toEqual(['2026-12']);
    expect(await usageError(['merge', a, '-o', out])).toMatch(/two or more packs/);
  });

  it('exits 2 with one line for a tampered or truncated pack', async () => {
    const out = join(root, 'victim.intactpack');
    expect(await galleryCommand(['build', join(root, 'gallery'), '-o', out, '--no-embed'], io().io)).toBe(0);
    const bytes = new Uint8Array(await readFile(out));
    const tampered = bytes.slice();
    tampered[bytes.length - 10] ^= 0xff;
    await writeFile(join(root, 'tampered.intactpack'), tampered);
    await writeFile(join(root, 'truncated.intactpack'), bytes.slice(0, bytes.length - 100));
    for (const [file, reason] of [['tampered', /tampered/], ['truncated', /truncated/]] as const) {
      expect(await usageError(['verify', join(root, `${file}.intactpack`)])).toMatch(reason);
    }
  });

  it('exits 2 on bad input and writes nothing', async () => {
    await mkdir(join(root, 'broken', 'milk'), { recursive: true });
    await writeFile(join(root, 'broken', 'milk', 'x.jpg'), 'not an image');
    await mkdir(join(root, 'badjson', 'milk'), { recursive: true });
    await photo(join(root, 'badjson', 'milk', 'a.jpg'), [1, 2, 3]);
    await writeFile(join(root, 'badjson', 'milk', 'product.json'), '{"units": 0}');
    const cases: [string[], RegExp][] = [
      [['build', join(root, 'missing'), '-o', join(root, 'o1.intactpack'), '--no-embed'], /cannot read gallery folder/],
      [['build', join(root, 'broken'), '-o', join(root, 'o2.intactpack'), '--no-embed'], /milk\/x.jpg: not a readable image/],
      [['build', join(root, 'badjson'), '-o', join(root, 'o3.intactpack'), '--no-embed'], /"units" must be a whole number/],
      [['build', join(root, 'gallery'), '--no-embed'], /-o <file>/],
      [['build', join(root, 'gallery'), '-o', join(root, 'o4.intactpack'), '--no-embed', '--precision', 'f16'], /--precision/],
      [['verify', join(root, 'nope.intactpack')], /cannot read/],
      [['verify', join(root, 'gallery', 'juice', 'a.jpg')], /not-a-pack/],
      [['frobnicate'], /needs a subcommand/],
      [['verify', join(root, 'x'), '--trusted-keys', 'zz'], /--trusted-keys/],
    ];
    for (const [args, message] of cases) expect(await usageError(args)).toMatch(message);
    // Through the real entry point: exit 2, one line on stderr, nothing on stdout.
    const cli = promisify(execFile)('node', ['bin/intact.mjs', 'gallery', 'verify', join(root, 'tampered.intactpack')], { cwd: process.cwd() });
    const failure = await cli.then(() => null, (e: { code: number; stdout: string; stderr: string }) => e);
    expect(failure?.code).toBe(2);
    expect(failure?.stdout).toBe('');
    expect(failure?.stderr.trim().split('\n')).toHaveLength(1);
    expect(failure?.stderr).toMatch(/^intact: pack refused \(tampered\)/);

    const left = (await readdir(root)).filter((f) => /^o\d|\.tmp$/.test(f));
    expect(left).toEqual([]);
  });
});
