// intact inspect [--gallery <dir|pack>] [--product id] [--candidates id,…] <image|dir>…
// → {"image", "product", "damage", "types", "anomaly", "score", "verdict", "ms"}
import { DAMAGE_TYPES, productId } from '../../lib/core/types.ts';
import { listFlag, parseArgs, stringFlag } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { loadImage } from '../decode-image.ts';
import { UsageError } from '../errors.ts';
import { prepareRun, round6, roundMs } from '../prepare-run.ts';

export const command: CliCommand = {
  summary: 'check each image for damage (and compare with the product\'s references when a gallery is given)',
  usage: 'intact inspect [--gallery <dir|pack>] [--product id] [--candidates id,id,…] <image|dir>…',
  async run(argv, io) {
    const args = parseArgs(argv, { valued: ['gallery', 'product', 'candidates'] });
    const gallery = stringFlag(args, 'gallery');
    const product = stringFlag(args, 'product');
    if (product !== undefined && gallery === undefined) throw new UsageError('--product needs --gallery <dir|pack> to compare with');
    const run = await prepareRun({ inputs: args.positional, gallery, product, candidates: listFlag(args, 'candidates') }, io.log);
    try {
      for (const [i, path] of run.images.entries()) {
        const t0 = performance.now();
        const image = await loadImage(path);
        const r = await run.inspector.inspect(image, {
          gallery: run.gallery ?? undefined,
          product: product === undefined ? undefined : productId(product),
          candidates: run.candidates,
        });
        io.out(JSON.stringify({
          image: path,
          product: r.product,
          damage: round6(r.damage),
          types: Object.fromEntries(DAMAGE_TYPES.map((t) => [t, round6(r.types[t])])),
          anomaly: r.anomaly === null ? null : round6(r.anomaly),
          score: round6(r.score),
          verdict: r.verdict,
          ms: roundMs(performance.now() - t0),
        }));
        io.log.progress('inspect', i + 1, run.images.length);
      }
    } finally {
      await run.inspector.dispose();
    }
    return 0;
  },
};
