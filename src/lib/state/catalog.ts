// What the Check screen needs to show an identified product: its name and a reference photo.
// The gallery (IndexedDB) provides a real catalog; without one, products show by id alone.
import type { ProductId } from '../core/types.ts';

export interface ProductCatalog {
  nameOf(product: ProductId): Promise<string | null>;
  /** An object URL or same-origin URL for one reference image of the product, or null. */
  referenceImageOf(product: ProductId): Promise<string | null>;
}

export const NO_CATALOG: ProductCatalog = {
  nameOf: async () => null,
  referenceImageOf: async () => null,
};
