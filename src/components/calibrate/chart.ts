// Geometry for the Calibrate screen's small SVG charts: map data to the plot box and build path
// strings. Kept out of the components so it is tested in Node.
export interface PlotBox {
  width: number;
  height: number;
  /** Space for axis labels on the left and bottom. */
  left: number;
  bottom: number;
  top: number;
  right: number;
}

export const DEFAULT_BOX: PlotBox = { width: 320, height: 240, left: 44, bottom: 36, top: 10, right: 10 };

export type Scale = (v: number) => number;

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (v) => r0 + ((v - d0) / span) * (r1 - r0);
}

/** Log scale that clamps values below the domain's low end to it (a zero FPR sits on the axis). */
export function logScale(domain: [number, number], range: [number, number]): Scale {
  const lin = linearScale([Math.log10(domain[0]), Math.log10(domain[1])], range);
  return (v) => lin(Math.log10(Math.max(domain[0], v)));
}

export function plotScales(box: PlotBox, logX: boolean, xMin = 1e-4): { x: Scale; y: Scale } {
  const xRange: [number, number] = [box.left, box.width - box.right];
  return {
    x: logX ? logScale([xMin, 1], xRange) : linearScale([0, 1], xRange),
    y: linearScale([0, 1], [box.height - box.bottom, box.top]),
  };
}

export function polylinePath(points: readonly [number, number][], x: Scale, y: Scale): string {
  return points.map(([a, b], i) => `${i ? 'L' : 'M'}${x(a).toFixed(1)},${y(b).toFixed(1)}`).join('');
}

/** Histogram bars per class as fractions of that class, so a rare class is still visible. */
export function histogramBars(
  edges: readonly number[],
  counts: readonly number[],
  x: Scale,
  y: Scale,
): { x: number; y: number; width: number; height: number; fraction: number }[] {
  const total = counts.reduce((a, b) => a + b, 0) || 1;
  return counts.map((c, i) => {
    const fraction = c / total;
    const x0 = x(edges[i]);
    const top = y(fraction);
    return { x: x0, y: top, width: Math.max(0, x(edges[i + 1]) - x0 - 1), height: y(0) - top, fraction };
  });
}

export const LOG_TICKS = [1e-4, 1e-3, 1e-2, 1e-1, 1];
export const LINEAR_TICKS = [0, 0.25, 0.5, 0.75, 1];
export const tickLabel = (v: number): string => (v >= 0.01 || v === 0 ? `${Math.round(v * 100)}%` : `${v * 100}%`);
