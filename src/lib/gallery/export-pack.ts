// Exports the references enrolled on this device as a pack, so other devices (or the central
// gallery build) can take them in. Only after the pack is built are they marked exported.
import { encodePack, type PackContent, type PackReference, type SigningKey } from '../core/gallery-pack/index.ts';
import { productId, referenceId } from '../core/types.ts';
import { versionRow } from './catalog.ts';
import { deviceId, getMeta, type GalleryDatabase } from './db.ts';
import { GalleryError } from './errors.ts';
import { modelKey } from './schema.ts';

export interface ExportOptions {
  /** Only references not yet exported (default), or every reference enrolled here. */
  onlyUnexported?: boolean;
  signWith?: SigningKey;
}

export interface ExportedPack {
  bytes: Uint8Array;
  contentHash: string;
  fileName: string;
  references: number;
}

export async function exportDeviceEnrollments(db: GalleryDatabase, options: ExportOptions = {}): Promise<ExportedPack> {
  const onlyUnexported = options.onlyUnexported ?? true;
  const model = (await getMeta(db, 'activeModel')) ?? null;
  const key = model ? modelKey(model) : null;
  const tx = db.transaction(['products', 'references', 'images', 'embeddings']);
  const mine = (await tx.objectStore('references').index('byOrigin').getAll('device')).filter((r) => !onlyUnexported || !r.exported);
  const references: PackReference[] = [];
  const productIds = new Set<string>();
  let embedded = 0;
  for (const r of mine) {
    const image = await tx.objectStore('images').get(r.id);
    if (!image) continue;
    const vectors = key ? await tx.objectStore('embeddings').get([r.id, key]) : undefined;
    if (vectors) embedded++;
    productIds.add(r.product);
    references.push({
      id: referenceId(r.id),
      product: productId(r.product),
      packagingVersion: r.packagingVersion,
      superseded: r.superseded,
      view: r.view,
      captureDate: r.captureDate,
      sourceDevice: r.sourceDevice,
      image: image.full,
      thumbnail: image.thumbnail,
      ...(vectors ? { embedding: vectors.embedding, patches: vectors.patches, imageCells: vectors.imageCells } : {}),
    });
  }
  const products = await Promise.all([...productIds].map((id) => tx.objectStore('products').get(id)));
  await tx.done;
  if (references.length === 0) throw new GalleryError('not-found', 'No references enrolled on this device are waiting to be exported.');

  const device = await deviceId(db);
  const content: PackContent = {
    name: `enrollments from ${device}`,
    createdAt: new Date().toISOString(),
    model: embedded > 0 ? model : null,
    products: products.filter((p) => p !== undefined).map(({ updatedAt: _u, ...p }) => p),
    references: embedded > 0 ? references : references.map(({ embedding: _e, patches: _p, imageCells: _c, ...r }) => r),
  };
  const { bytes, contentHash } = await encodePack(content, { precision: 'keep', signWith: options.signWith });

  const mark = db.transaction(['references', 'versions'], 'readwrite');
  for (const r of mine) if (!r.exported) await mark.objectStore('references').put({ ...r, exported: true });
  await mark.objectStore('versions').add(versionRow('export', `exported ${references.length} references`, contentHash));
  await mark.done;
  return { bytes, contentHash, fileName: `gallery-${contentHash}.intactpack`, references: references.length };
}
