export { BlobBytes, canonicalJson, decodeValue, encodeValue, prepareBlobs, type Json } from './codec';
export { BUNDLE_FORMAT, BUNDLE_MANIFEST, BUNDLE_STORES, BUNDLE_STORE_NAMES, BUNDLE_VERSION, DEFAULT_LIMITS, entryPath, type BundleEntryInfo, type BundleLimits, type BundleManifest, type BundleStore } from './format';
export { buildBundle, sha256Bytes, type BuildBundleOptions, type StoreRecords } from './write';
export { readBundle, type ReadBundle, type ReadBundleOptions } from './read';
