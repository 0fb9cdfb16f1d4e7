/**
 * The project bundle format (version 1): a zip holding `manifest.json` and one `stores/<store>.jsonl`
 * per IndexedDB store, each line `[key, value]` in the lossless JSON of codec.ts, in key order.
 * The manifest lists every entry with its record count, byte size and SHA-256, so a reader checks
 * every byte before it writes anything.
 */
export const BUNDLE_FORMAT = 'persona-align/bundle';
export const BUNDLE_VERSION = 1;
export const BUNDLE_MANIFEST = 'manifest.json';

/** How each store is keyed (mirrors src/storage/db.ts; a storage test checks the two agree). */
export type KeySpec =
  | { kind: 'path'; path: string }
  | { kind: 'compoundPath'; paths: string[] }
  /** Out-of-line keys: a string, or an array of strings/numbers with these element types. */
  | { kind: 'outOfLine'; shape: 'string' | Array<'string' | 'number'> };

export const BUNDLE_STORES = {
  corpora: { kind: 'path', path: 'id' },
  authors: { kind: 'compoundPath', paths: ['corpusId', 'key'] },
  posts: { kind: 'outOfLine', shape: ['string', 'string', 'number'] },
  references: { kind: 'path', path: 'id' },
  referenceData: { kind: 'outOfLine', shape: 'string' },
  personas: { kind: 'path', path: 'id' },
  jobs: { kind: 'path', path: 'id' },
  jobItems: { kind: 'compoundPath', paths: ['jobId', 'key'] },
  personaSets: { kind: 'path', path: 'id' },
  embeddings: { kind: 'outOfLine', shape: ['string', 'string', 'string'] },
  runs: { kind: 'path', path: 'id' },
  targets: { kind: 'path', path: 'id' },
} as const satisfies Record<string, KeySpec>;

export type BundleStore = keyof typeof BUNDLE_STORES;
export const BUNDLE_STORE_NAMES = Object.keys(BUNDLE_STORES) as BundleStore[];

export interface BundleEntryInfo {
  path: string;
  store: BundleStore;
  records: number;
  bytes: number;
  sha256: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  createdAt: string;
  app: { name: string; version: string };
  /** The IndexedDB schema version the records were read from. */
  dbVersion: number;
  /** postText false: every post's text is replaced by '' and its SHA-256 kept as `h`. */
  options: { postText: boolean; embeddings: boolean };
  entries: BundleEntryInfo[];
}

export function entryPath(store: BundleStore): string {
  return `stores/${store}.jsonl`;
}

/** Read limits: a bundle above them is refused before anything is decompressed. */
export interface BundleLimits {
  /** Largest uncompressed entry, bytes (default 500 MiB: one entry is decoded as one string, and V8 strings stop near 512 Mi chars). */
  maxEntryBytes: number;
  /** Largest uncompressed total, bytes (default 2 GiB). */
  maxTotalBytes: number;
  /** Most zip entries (default 64). */
  maxEntries: number;
}

export const DEFAULT_LIMITS: BundleLimits = { maxEntryBytes: 500 * 2 ** 20, maxTotalBytes: 2 ** 31, maxEntries: 64 };
