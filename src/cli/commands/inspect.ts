// intact inspect [--gallery <dir|pack>] [--product id] [--candidates id,…] [--barcode code] <image|dir>…
// → {"image", "product", "identified", "mismatch", "damage", "types", "anomaly", "score", "verdict", "ms"}
// identified: what the picture shows ({product, score: calibrated probability}), null when it is
// not in the gallery (or no item is in view, or no gallery was given); mismatch: with --product,
// whether the picture confidently shows another product (null when nothing was claimed).
// --barcode is the code read from the item the photos show: looked up in the gallery's
// product.json barcodes, a code of another product than the picture shows sidelines it. The
// line keeps the contract's fields; the reasons go to stderr.
import type { Identity } from '../../lib/core/identity.ts';
import { DAMAGE_TYPES, productId } from '../../lib/core/types.ts';
import { listFlag, parseArgs, stringFlag } from '../args.ts';
import type { CliCommand } from '../command.ts';
import { loadImage } from '../decode-image.ts';
import { UsageError } from '../errors.ts';
import { prepareRun, round6, roundMs } from '../prepare-run.ts';

// The characters product.json allows in its barcodes.
const BARCODE = /^[0-9A-Za-z-]{4,64}$/;

export const command: CliCommand = {
  summary: 'check each image for damage (and compare with the product\'s references when a gallery is given)',
  usage: 'intact inspect [--gallery <dir|pack>] [--product id] [--candidates id,id,…] [--barcode code] <image|dir>…',
  async run(argv, io) {
    const args = parseArgs(argv, { valued: ['gallery', 'product', 'candidates', 'barcode'] });
    const gallery = stringFlag(args, 'gallery');
    const product = stringFlag(args, 'product');
    const barcode = stringFlag(args, 'barcode');
    if (product !== undefined && gallery === undefined) throw new UsageError('--product needs --gallery <dir|pack> to compare with');
    if (barcode !== undefined && gallery === undefined) throw new UsageError('--barcode needs --gallery <dir|pack> to look the code up in');
    if (barcode !== undefined && !BARCODE.test(barcode)) throw new UsageError(`--barcode must be the code read from the item (4–64 letters, digits or -), got "${barcode}"`);
    const run = await prepareRun({ inputs: args.positional, gallery, product, candidates: listFlag(args, 'candidates') }, io.log);
    try {
      for (const [i, path] of run.images.entries()) {
        const t0 = performance.now();
        const image = await loadImage(path);
        const r = await run.inspector.inspect(image, {
          gallery: run.gallery ?? undefined,
          product: product === undefined ? undefined : productId(product),
          candidates: run.candidates,
          barcode,
        });
        if (barcode !== undefined) io.log.info(`${path}: ${r.verdict}: ${r.reasons.join('; ')}`);
        io.out(JSON.stringify({
          image: path,
          product: r.product,
          identified: identifiedOf(r.identity),
          mismatch: r.claim === null ? null : r.claim.mismatch,
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

function identifiedOf(identity: Identity | null): { product: string; score: number } | null {
  if (!identity || identity.product === null || identity.status === 'unknown' || identity.status === 'no-item') return null;
  return { product: identity.product, score: round6(identity.probability) };
}
