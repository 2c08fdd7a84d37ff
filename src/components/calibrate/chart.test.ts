import { describe, expect, it } from 'vitest';
import { DEFAULT_BOX, histogramBars, linearScale, logScale, plotScales, polylinePath, tickLabel } from './chart.ts';

describe('chart geometry', () => {
  it('maps linear and log domains onto the plot box', () => {
    const lin = linearScale([0, 1], [44, 310]);
    expect(lin(0)).toBe(44);
    expect(lin(0.5)).toBe(177);
    const log = logScale([1e-4, 1], [0, 400]);
    expect(log(1e-4)).toBeCloseTo(0, 9);
    expect(log(1e-2)).toBeCloseTo(200, 9);
    expect(log(0)).toBeCloseTo(0, 9); // a zero rate sits on the axis
  });

  it('draws the y axis upwards', () => {
    const { y } = plotScales(DEFAULT_BOX, false);
    expect(y(0)).toBe(DEFAULT_BOX.height - DEFAULT_BOX.bottom);
    expect(y(1)).toBe(DEFAULT_BOX.top);
  });

  it('builds a path and fraction-of-class bars', () => {
    const id = (v: number) => v;
    expect(polylinePath([[0, 0], [1, 2]], id, id)).toBe('M0.0,0.0L1.0,2.0');
    const bars = histogramBars([0, 10, 20], [1, 3], id, (v) => 100 - 100 * v);
    expect(bars.map((b) => b.fraction)).toEqual([0.25, 0.75]);
    expect(bars[1]).toMatchObject({ x: 10, y: 25, width: 9, height: 75 });
  });

  it('labels small rates without rounding them to 0 %', () => {
    expect(tickLabel(0.001)).toBe('0.1%');
    expect(tickLabel(0.25)).toBe('25%');
  });
});
