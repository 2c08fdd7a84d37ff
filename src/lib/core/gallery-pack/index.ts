// Gallery packs: one content-addressed file carrying products, reference images, their
// embeddings and the model that made them. See wire.ts for the byte layout.
export * from './types.ts';
export * from './errors.ts';
export * from './tensor.ts';
export { sha256, sha256Hex, toHex, fromHex } from './hash.ts';
export { encodePack, type EncodeOptions, type EncodedPack } from './encode.ts';
export { decodePack, type DecodedPack, type VerifyOptions } from './decode.ts';
export { generateSigningKey, signingKeyFromSecret, type SigningKey } from './signature.ts';
export { applySupersession, comparePackagingVersions, mergeCatalogs, mergePacks, commonModel, type Catalog, type ReferenceMeta } from './merge.ts';
export { PACK_FILE_EXTENSION } from './wire.ts';
