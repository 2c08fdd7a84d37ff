// Synthetic damage and look-alikes drawn onto real photos, for measuring the comparison with
// references (bench/gallery-eval.ts). Every generator is deterministic given its random source.
import sharp, { type Sharp } from 'sharp';

const jpeg = async (image: Sharp) => new Uint8Array(await image.jpeg({ quality: 90 }).toBuffer());

async function sizeOf(path: string): Promise<{ width: number; height: number }> {
  const meta = await sharp(path).metadata();
  return { width: meta.width!, height: meta.height! };
}

/** An irregular closed outline around (cx, cy), radius r varying by up to ±spread. */
function blobPoints(cx: number, cy: number, r: number, squash: number, spread: number, random: () => number): string {
  return Array.from({ length: 14 }, (_, k) => {
    const a = (k / 14) * 2 * Math.PI;
    const rr = r * (1 - spread + 2 * spread * random());
    return `${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * squash * Math.sin(a)).toFixed(1)}`;
  }).join(' ');
}

/** A liquid stain: an irregular translucent blob with a glossy rim, partly beside the item. */
function spillSvg(width: number, height: number, random: () => number): string {
  const cx = width * (0.15 + 0.7 * random());
  const cy = height * (0.55 + 0.35 * random());
  const r = Math.min(width, height) * (0.18 + 0.12 * random());
  const points = Array.from({ length: 14 }, (_, k) => {
    const a = (k / 14) * 2 * Math.PI;
    const rr = r * (0.6 + 0.7 * random());
    return `${(cx + rr * Math.cos(a)).toFixed(1)},${(cy + rr * 0.6 * Math.sin(a)).toFixed(1)}`;
  });
  const colours = ['#f4f1e6', '#e9a23b', '#c8552a', '#7a4a21', '#f0d35a'];
  const fill = colours[Math.floor(random() * colours.length)];
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <polygon points="${points.join(' ')}" fill="${fill}" fill-opacity="0.78" stroke="#ffffff" stroke-opacity="0.55" stroke-width="3" stroke-linejoin="round"/>
    <ellipse cx="${cx - r * 0.2}" cy="${cy - r * 0.15}" rx="${r * 0.25}" ry="${r * 0.08}" fill="#ffffff" fill-opacity="0.45"/>
  </svg>`;
}

export async function withSpill(path: string, random: () => number): Promise<Uint8Array> {
  const { width, height } = await sizeOf(path);
  return jpeg(sharp(path).composite([{ input: Buffer.from(spillSvg(width, height, random)) }]));
}

/**
 * A tear: a jagged strip of torn-off print across the middle of the item, showing pale
 * board fibre with a shadowed lower lip. Thin (a few percent of the image), like real tears,
 * so it lands on one or two patch cells across.
 */
function tearSvg(width: number, height: number, random: () => number): string {
  const y = height * (0.3 + 0.4 * random());
  const x0 = width * (0.25 + 0.15 * random());
  const x1 = width * (0.6 + 0.15 * random());
  const thick = height * (0.025 + 0.02 * random());
  const steps = 12;
  const top: string[] = [];
  const bottom: string[] = [];
  for (let i = 0; i <= steps; i++) {
    const x = x0 + ((x1 - x0) * i) / steps;
    const drift = (random() - 0.5) * thick;
    top.push(`${x.toFixed(1)},${(y + drift - thick * (0.3 + 0.7 * random())).toFixed(1)}`);
    bottom.unshift(`${x.toFixed(1)},${(y + drift + thick * (0.3 + 0.7 * random())).toFixed(1)}`);
  }
  const shadow = bottom.map((p) => {
    const [px, py] = p.split(',').map(Number);
    return `${px},${(py + thick * 0.35).toFixed(1)}`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <polygon points="${[...top, ...shadow].join(' ')}" fill="#3a2f25" fill-opacity="0.55"/>
    <polygon points="${[...top, ...bottom].join(' ')}" fill="#e9e1cf" stroke="#fbf8f0" stroke-width="1"/>
  </svg>`;
}

export async function withTear(path: string, random: () => number): Promise<Uint8Array> {
  const { width, height } = await sizeOf(path);
  return jpeg(sharp(path).composite([{ input: Buffer.from(tearSvg(width, height, random)) }]));
}

/** A 2×2 multipack of one photo; `missing` blanks one unit with shelf grey. */
export async function multipack(path: string, missing: number | null): Promise<Uint8Array> {
  const tile = await sharp(path).resize(160, 200, { fit: 'cover' }).toBuffer();
  const grey = await sharp({ create: { width: 160, height: 200, channels: 3, background: { r: 128, g: 126, b: 120 } } }).png().toBuffer();
  const composites = [0, 1, 2, 3].map((k) => ({ input: k === missing ? grey : tile, left: (k % 2) * 160, top: Math.floor(k / 2) * 200 }));
  return jpeg(sharp({ create: { width: 320, height: 400, channels: 3, background: { r: 128, g: 126, b: 120 } } }).composite(composites));
}

/**
 * Artwork that looks like damage but is printed on the package: an opaque splash and a
 * zig-zag "crack", in two of the package's own colours (sampled from the middle of one of
 * its photos), at one place per product relative to the frame. Opaque, matte, inside the
 * item: no wet rim, no highlight, nothing spilling onto the surroundings.
 */
export interface PrintedDecoy {
  svg(width: number, height: number): string;
}

export async function printedDecoyFor(samplePhoto: string, random: () => number): Promise<PrintedDecoy> {
  const { data } = await sharp(samplePhoto).extract(await middleOf(samplePhoto)).resize(4, 4, { fit: 'fill' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const colours = Array.from({ length: 16 }, (_, i) => [data[3 * i], data[3 * i + 1], data[3 * i + 2]] as const)
    .sort((a, b) => a[0] + a[1] + a[2] - (b[0] + b[1] + b[2]));
  const hex = (c: readonly number[]) => `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  const dark = hex(colours[1]);
  const mid = hex(colours[8 + Math.floor(random() * 6)]);
  // Relative placement and shape, fixed per product.
  const u = { cx: 0.38 + 0.24 * random(), cy: 0.35 + 0.3 * random(), r: 0.09 + 0.04 * random() };
  const shape = Array.from({ length: 40 }, random);
  return {
    svg(width: number, height: number): string {
      let k = 0;
      const next = () => shape[k++ % shape.length];
      const s = Math.min(width, height);
      const cx = u.cx * width, cy = u.cy * height, r = u.r * s;
      const splash = blobPoints(cx, cy, r, 0.8, 0.45, next);
      const drops = [0, 1, 2].map((i) => `<circle cx="${(cx + r * (1.3 + 0.3 * i) * Math.cos(2 * i + next())).toFixed(1)}" cy="${(cy + r * (1.3 + 0.3 * i) * Math.sin(2 * i + next())).toFixed(1)}" r="${(r * (0.12 + 0.1 * next())).toFixed(1)}" fill="${mid}"/>`);
      const crack = Array.from({ length: 7 }, (_, i) => `${(cx - r * 1.6 + (i * r * 3.2) / 6).toFixed(1)},${(cy + r * 1.5 + (i % 2 ? 1 : -1) * r * 0.25 * (0.5 + next())).toFixed(1)}`);
      return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
        <polygon points="${splash}" fill="${mid}"/>${drops.join('')}
        <polyline points="${crack.join(' ')}" fill="none" stroke="${dark}" stroke-width="${(s * 0.012).toFixed(1)}" stroke-linejoin="miter"/>
      </svg>`;
    },
  };
}

async function middleOf(path: string) {
  const { width, height } = await sizeOf(path);
  return { left: Math.round(width * 0.3), top: Math.round(height * 0.3), width: Math.round(width * 0.4), height: Math.round(height * 0.4) };
}

export async function withPrint(path: string, decoy: PrintedDecoy, extra?: (width: number, height: number) => string): Promise<Uint8Array> {
  const { width, height } = await sizeOf(path);
  const layers = [{ input: Buffer.from(decoy.svg(width, height)) }];
  if (extra) layers.push({ input: Buffer.from(extra(width, height)) });
  return jpeg(sharp(path).composite(layers));
}

export const spillLayer = (random: () => number) => (width: number, height: number) => spillSvg(width, height, random);
