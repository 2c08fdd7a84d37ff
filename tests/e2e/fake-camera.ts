// Chromium's fake camera plays a Y4M file in a loop; this writes one from a sample photo, so the
// camera test sees a real packaged item rather than Chromium's default test pattern.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import sharp from 'sharp';

// Not under test-results/: Playwright empties that folder when a run starts.
export const FAKE_CAMERA_FILE = '.cache/e2e/fake-camera.y4m';
const SOURCE = 'public/samples/alpro-blueberry-soyghurt-torn.jpg';
const WIDTH = 640;
const HEIGHT = 480;

/** BT.601 full-range RGB → I420 (Y plane, then quarter-size U and V planes). */
function toI420(rgb: Buffer, width: number, height: number): Buffer {
  const y = Buffer.alloc(width * height);
  const u = Buffer.alloc((width / 2) * (height / 2));
  const v = Buffer.alloc((width / 2) * (height / 2));
  const clamp = (n: number) => Math.max(0, Math.min(255, Math.round(n)));
  for (let row = 0; row < height; row++) {
    for (let col = 0; col < width; col++) {
      const i = (row * width + col) * 3;
      y[row * width + col] = clamp(0.299 * rgb[i] + 0.587 * rgb[i + 1] + 0.114 * rgb[i + 2]);
    }
  }
  for (let row = 0; row < height; row += 2) {
    for (let col = 0; col < width; col += 2) {
      let r = 0, g = 0, b = 0;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const i = ((row + dy) * width + col + dx) * 3;
        r += rgb[i] / 4;
        g += rgb[i + 1] / 4;
        b += rgb[i + 2] / 4;
      }
      const at = (row / 2) * (width / 2) + col / 2;
      u[at] = clamp(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[at] = clamp(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return Buffer.concat([y, u, v]);
}

export async function writeFakeCamera(path = FAKE_CAMERA_FILE): Promise<string> {
  const rgb = await sharp(SOURCE)
    .resize(WIDTH, HEIGHT, { fit: 'contain', background: { r: 40, g: 44, b: 52 } })
    .removeAlpha()
    .raw()
    .toBuffer();
  const frame = Buffer.concat([Buffer.from('FRAME\n'), toI420(rgb, WIDTH, HEIGHT)]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F30:1 Ip A1:1 C420jpeg\n`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat([header, frame, frame]));
  return path;
}
