// `<image|dir>…` → the list of image files to process, in a stable order. A directory is
// searched recursively for image files (other files in it are ignored); a file named
// explicitly is always processed, so a non-image given by name fails loudly.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './errors.ts';

export const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|avif|tiff?|bmp)$/i;

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else if (e.isFile() && IMAGE_EXTENSIONS.test(e.name)) out.push(p);
  }
  return out;
}

export async function expandInputs(paths: string[]): Promise<string[]> {
  if (paths.length === 0) throw new UsageError('no image or folder given');
  const out: string[] = [];
  for (const p of paths) {
    let s;
    try {
      s = await stat(p);
    } catch {
      throw new UsageError(`cannot read ${p}: no such file or folder`);
    }
    if (s.isDirectory()) {
      const found = await walk(p);
      if (found.length === 0) throw new UsageError(`${p}: folder contains no images`);
      out.push(...found);
    } else out.push(p);
  }
  return out;
}
