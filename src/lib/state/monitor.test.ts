import { describe, expect, it } from 'vitest';
import { MonitorState } from './monitor.svelte.ts';

describe('MonitorState', () => {
  it('keeps a rolling window and flags a sideline rate far above the expected one', async () => {
    const monitor = new MonitorState();
    await monitor.setOptions({ window: 50, expectedRate: 0.02, alpha: 0.01, minChecks: 30 });
    for (let i = 0; i < 200; i++) await monitor.record('pass', 0.01);
    expect(monitor.verdicts.length).toBe(100); // twice the window, so retakes cannot starve it
    expect(monitor.report.status).toBe('ok');
    for (let i = 0; i < 10; i++) await monitor.record('sideline', 0.9);
    expect(monitor.report.sidelined).toBe(10);
    expect(monitor.report.status).toBe('high');
  });

  it('refuses an impossible expected rate and keeps the old one', async () => {
    const monitor = new MonitorState();
    await expect(monitor.setOptions({ ...monitor.options, expectedRate: 1.5 })).rejects.toThrow(/expected sideline rate/);
    expect(monitor.options.expectedRate).toBe(0.02);
  });
});
