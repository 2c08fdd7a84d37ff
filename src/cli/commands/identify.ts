// intact identify --gallery <dir|pack> [--top K] [--candidates id,id,…] <image|dir>…
// → {"image": path, "matches": [{"product": id, "score": s}, …], "unknown": bool, "ms": t}
// score is the calibrated probability that the item is that product (core/identity.ts); unknown
// is true when it is none of the gallery's products, or no item is in view.
import { intFlag, listFlag, parseArgs, stringFlag } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { loadImage } from '../decode-image.ts';
import { UsageError } from '../errors.ts';
import { prepareRun, round6, roundMs } from '../prepare-run.ts';

export const command: CliCommand = {
  summary: 'identify the product in each image from a gallery of references',
  usage: 'intact identify --gallery <dir|pack> [--top K] [--candidates id,id,…] <image|dir>…',
  async run(argv, io) {
    const args = parseArgs(argv, { valued: ['gallery', 'top', 'candidates'] });
    const gallery = stringFlag(args, 'gallery');
    if (gallery === undefined) throw new UsageError('identify needs --gallery <dir|pack>');
    const top = intFlag(args, 'top', 1, 1000) ?? 5;
    const run = await prepareRun({ inputs: args.positional, gallery, candidates: listFlag(args, 'candidates') }, io.log);
    try {
      for (const [i, path] of run.images.entries()) {
        const t0 = performance.now();
        const image = await loadImage(path);
        const { matches, unknown } = await run.inspector.identify(image, { gallery: run.gallery!, top, candidates: run.candidates });
        io.out(JSON.stringify({
          image: path,
          matches: matches.map((m) => ({ product: m.product, score: round6(m.score) })),
          unknown,
          ms: roundMs(performance.now() - t0),
        }));
        io.log.progress('identify', i + 1, run.images.length);
      }
    } finally {
      await run.inspector.dispose();
    }
    return 0;
  },
};
