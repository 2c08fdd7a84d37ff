// The photos behind "Try a sample" (public/samples/, see its README for their source and licence).
import { ReplaySource } from './replay.ts';

export const SAMPLES = [
  { label: 'Sample: Oatly oat milk', url: 'samples/oatly-oat-milk.jpg' },
  { label: 'Sample: torn Alpro soyghurt', url: 'samples/alpro-blueberry-soyghurt-torn.jpg' },
  { label: 'Sample: God Morgon orange juice', url: 'samples/god-morgon-orange-juice.jpg' },
  { label: 'Sample: Alpro blueberry soyghurt', url: 'samples/alpro-blueberry-soyghurt.jpg' },
  { label: 'Sample: Arla standard milk', url: 'samples/arla-standard-milk.jpg' },
] as const;

export function sampleSource(baseUrl: string): ReplaySource {
  return ReplaySource.fromUrls(
    SAMPLES.map(({ label, url }) => ({ label, url: new URL(url, baseUrl).href })),
    'sample',
  );
}
