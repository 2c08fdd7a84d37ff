import { describe, expect, it } from 'vitest';
import { CaptureError } from './capture-error.ts';
import { ReplaySource } from './replay.ts';

const frame = (label: string) => ({ label, load: async () => new Blob([label], { type: 'image/png' }) });

describe('ReplaySource', () => {
  it('plays frames in order and wraps around', async () => {
    const source = new ReplaySource([frame('a'), frame('b')]);
    const labels = [];
    for (let i = 0; i < 3; i++) labels.push((await source.grab()).label);
    expect(labels).toEqual(['a', 'b', 'a']);
  });

  it('seeks to a frame, wrapping negative and overlong indices', async () => {
    const source = new ReplaySource([frame('a'), frame('b'), frame('c')]);
    source.seek(-1);
    expect((await source.grab()).label).toBe('c');
    source.seek(4);
    expect((await source.grab()).label).toBe('b');
  });

  it('carries the frame bytes and the depth map when recorded with one', async () => {
    const depth = { width: 2, height: 1, metres: new Float32Array([0.5, 0.6]) };
    const source = new ReplaySource([{ ...frame('boxed'), depth: async () => depth }], 'depth-camera');
    const grabbed = await source.grab();
    expect(grabbed.source).toBe('depth-camera');
    expect(await (grabbed.image as Blob).text()).toBe('boxed');
    expect(grabbed.depth).toBe(depth);
  });

  it('turns a failed load into a CaptureError naming the frame', async () => {
    const source = new ReplaySource([{ label: 'gone', load: async () => Promise.reject(new TypeError('network')) }]);
    await expect(source.grab()).rejects.toMatchObject({ code: 'fetch-failed', message: expect.stringContaining('gone') });
  });

  it('refuses to grab after close and when aborted', async () => {
    const source = new ReplaySource([frame('a')]);
    const controller = new AbortController();
    controller.abort();
    await expect(source.grab(controller.signal)).rejects.toThrow();
    source.close();
    await expect(source.grab()).rejects.toBeInstanceOf(CaptureError);
  });
});
