// Preprocessing and quality-check cost for typical camera frame sizes.
import type { RgbaImage } from '../src/lib/core/image.ts';
import type { ModelInputSpec } from '../src/lib/core/model-manifest.ts';
import { preprocess } from '../src/lib/core/preprocess.ts';
import { assessQuality } from '../src/lib/core/quality.ts';
import { median, startClock } from './clock.ts';

export interface PreprocessRow {
  frame: string;
  preprocessMs: number;
  qualityMs: number;
  preprocessCpuMs: number;
  qualityCpuMs: number;
}

function syntheticFrame(width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    const p = i / 4;
    data[i] = (p * 7) & 255;
    data[i + 1] = (p >> 3) & 255;
    data[i + 2] = (p * 13) & 255;
    data[i + 3] = 255;
  }
  return { width, height, data };
}


export function benchPreprocessing(spec: ModelInputSpec, repeats: number): PreprocessRow[] {
  const frames: [string, number, number][] = [['640×480', 640, 480], ['1280×720', 1280, 720], ['1920×1080', 1920, 1080], ['4032×3024 (12 MP)', 4032, 3024]];
  return frames.map(([frame, w, h]) => {
    const img = syntheticFrame(w, h);
    const pre: number[] = [], qual: number[] = [], preCpu: number[] = [], qualCpu: number[] = [];
    for (let r = 0; r < repeats; r++) {
      let stop = startClock();
      preprocess(img, spec);
      let t = stop();
      pre.push(t.wallMs);
      preCpu.push(t.cpuMs);
      stop = startClock();
      assessQuality(img);
      t = stop();
      qual.push(t.wallMs);
      qualCpu.push(t.cpuMs);
    }
    return { frame, preprocessMs: median(pre), qualityMs: median(qual), preprocessCpuMs: median(preCpu), qualityCpuMs: median(qualCpu) };
  });
}
