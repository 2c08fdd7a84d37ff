import { describe, expect, it } from 'vitest';
import { decodePack } from './decode.ts';
import { encodePack } from './encode.ts';
import { PackError } from './errors.ts';
import { applySupersession, comparePackagingVersions, mergePacks } from './merge.ts';
import { product, reference, samplePack, seededRandom, testModel } from './test-fixtures.ts';

describe('packaging versions', () => {
  it('orders naturally, empty first', () => {
    expect(comparePackagingVersions('2026-9', '2026-10')).toBeLessThan(0);
    expect(comparePackagingVersions('2026-10', '2026-09')).toBeGreaterThan(0);
    expect(comparePackagingVersions('v2', 'v10')).toBeLessThan(0);
    expect(comparePackagingVersions('', '1')).toBeLessThan(0);
    expect(comparePackagingVersions('2026-09', '2026-09')).toBe(0);
  });
});

describe('merging packs', () => {
  it('takes product metadata from the newer packaging and supersedes older references', () => {
    const rand = seededRandom(5);
    const older = { ...samplePack(1), products: [product('milk', '2026-01', ['111']), product('juice', '2026-03')] };
    const newer = {
      ...samplePack(2),
      products: [{ ...product('milk', '2026-09', ['222']), name: 'Milk, new carton' }],
      references: [reference('milk-new', 'milk', rand, '2026-09')],
    };
    const merged = mergePacks([newer, older], 'merged');
    const milk = merged.products.find((p) => p.id === 'milk')!;
    expect(milk.packagingVersion).toBe('2026-09');
    expect(milk.name).toBe('Milk, new carton');
    expect(milk.barcodes).toEqual(['222', '111']);
    const byId = new Map(merged.references.map((r) => [r.id as string, r]));
    expect(byId.get('milk-new')!.superseded).toBe(false);
    expect(byId.get('milk-1')!.superseded).toBe(true);
    expect(byId.get('milk-2')!.superseded).toBe(true);
    expect(byId.get('juice-1')!.superseded).toBe(false);
    expect(merged.references).toHaveLength(4);
  });

  it('lets the later pack win when packaging versions tie', () => {
    const a = { ...samplePack(1), products: [{ ...product('milk'), name: 'A' }, product('juice', '2026-03')] };
    const b = { ...samplePack(1), products: [{ ...product('milk'), name: 'B' }, product('juice', '2026-03')] };
    expect(mergePacks([a, b], 'm').products.find((p) => p.id === 'milk')!.name).toBe('B');
    expect(mergePacks([b, a], 'm').products.find((p) => p.id === 'milk')!.name).toBe('A');
  });

  it('refuses to merge vectors from two models', () => {
    const other = { ...samplePack(2), model: { ...testModel, version: '2.0.0' } };
    expect(() => mergePacks([samplePack(1), other], 'm')).toThrow(PackError);
    expect(() => mergePacks([samplePack(1), other], 'm')).toThrow(/cannot merge/);
  });

  it('produces a pack that encodes and verifies', async () => {
    const merged = mergePacks([samplePack(1), samplePack(1)], 'merged');
    const decoded = await decodePack((await encodePack(merged)).bytes, { expectedModel: testModel });
    expect(decoded.content.references).toHaveLength(3);
  });

  it('supersedes references older than the product version, and only those', () => {
    const rand = seededRandom(7);
    const refs = [reference('a', 'milk', rand, '2025-12'), reference('b', 'milk', rand, '2026-01'), reference('c', 'milk', rand, '2026-02')];
    const out = applySupersession([product('milk', '2026-01')], refs);
    expect(out.map((r) => r.superseded)).toEqual([true, false, false]);
  });
});
