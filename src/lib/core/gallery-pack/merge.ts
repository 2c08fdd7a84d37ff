// Merging galleries: the same rules whether two packs are merged by the CLI or a pack is imported
// into a device's gallery. A product takes the metadata of its newest packaging version; its
// references from older packaging are kept (history, audit) but marked superseded, so they are
// no longer searched.
import { PackError } from './errors.ts';
import { describeModel, sameModel, type EmbeddingModelRef, type PackContent, type PackProduct } from './types.ts';

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Natural order ("2026-9" < "2026-10"); an empty version is older than any named one. */
export function comparePackagingVersions(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return -1;
  if (b === '') return 1;
  return collator.compare(a, b);
}

export interface ReferenceMeta {
  id: string;
  product: string;
  packagingVersion: string;
  superseded: boolean;
}

export interface Catalog<R extends ReferenceMeta> {
  products: PackProduct[];
  references: R[];
}

/** Marks references of packaging older than their product's current version as superseded. */
export function applySupersession<R extends ReferenceMeta>(products: readonly PackProduct[], references: readonly R[]): R[] {
  const current = new Map(products.map((p) => [p.id as string, p.packagingVersion]));
  return references.map((r) => {
    const version = current.get(r.product);
    const superseded = r.superseded || (version !== undefined && comparePackagingVersions(r.packagingVersion, version) < 0);
    return superseded === r.superseded ? r : { ...r, superseded };
  });
}

/**
 * Later layers win ties: a product's metadata comes from the layer with its newest packaging
 * version (the later layer on equal versions), and a reference id seen twice keeps the later
 * copy. Barcodes are united, since old stock with the old barcode keeps arriving for a while.
 */
export function mergeCatalogs<R extends ReferenceMeta>(layers: readonly Catalog<R>[]): Catalog<R> {
  const products = new Map<string, PackProduct>();
  for (const layer of layers) {
    for (const p of layer.products) {
      const held = products.get(p.id);
      if (!held) {
        products.set(p.id, { ...p, barcodes: [...p.barcodes] });
        continue;
      }
      const winner = comparePackagingVersions(p.packagingVersion, held.packagingVersion) >= 0 ? p : held;
      const loser = winner === p ? held : p;
      const barcodes = [...new Set([...winner.barcodes, ...loser.barcodes])];
      products.set(p.id, { ...winner, barcodes });
    }
  }
  const references = new Map<string, R>();
  for (const layer of layers) for (const r of layer.references) references.set(r.id, r);
  const merged = [...products.values()];
  return { products: merged, references: applySupersession(merged, [...references.values()]) };
}

/** The one model all embedded layers share; refusing to merge is better than mixing vector spaces. */
export function commonModel(models: readonly (EmbeddingModelRef | null)[]): EmbeddingModelRef | null {
  const named = models.filter((m): m is EmbeddingModelRef => m !== null);
  for (const m of named.slice(1)) {
    if (!sameModel(m, named[0])) {
      throw new PackError('incompatible', `cannot merge packs embedded with ${describeModel(named[0])} and ${describeModel(m)}`);
    }
  }
  return named[0] ?? null;
}

export function mergePacks(packs: readonly PackContent[], name: string, createdAt = new Date().toISOString()): PackContent {
  const model = commonModel(packs.map((p) => p.model));
  const { products, references } = mergeCatalogs(packs);
  return { name, createdAt, model, products, references };
}
