/**
 * Writes a bundle zip from the records of each store (already read, Blobs already prepared).
 * Post text can be left out: each post keeps its date, file and line, and `h`, the SHA-256 of its
 * text, so a collaborator can check which posts a persona came from without seeing them.
 */
import { zipSync, strToU8 } from 'fflate';
import { sha256Hex } from '../stages/hash';
import { AppError } from '../errors';
import { encodeValue, type Json } from './codec';
import { BUNDLE_FORMAT, BUNDLE_MANIFEST, BUNDLE_VERSION, entryPath, type BundleEntryInfo, type BundleManifest, type BundleStore } from './format';

export interface StoreRecords {
  store: BundleStore;
  rows: Array<[key: unknown, value: unknown]>;
}

export interface BuildBundleOptions {
  app: { name: string; version: string };
  dbVersion: number;
  postText: boolean;
  embeddings: boolean;
  /** Fixed in tests; default now. */
  createdAt?: Date;
  /** Called after each store is encoded. */
  onStore?: (store: BundleStore, done: number, total: number) => void;
}

export async function buildBundle(stores: StoreRecords[], o: BuildBundleOptions): Promise<{ bytes: Uint8Array; manifest: BundleManifest }> {
  const files: Record<string, Uint8Array> = {};
  const entries: BundleEntryInfo[] = [];
  let k = 0;
  for (const s of stores) {
    if (s.store === 'embeddings' && !o.embeddings) continue;
    const rows = s.store === 'posts' && !o.postText ? await redactPosts(s.rows) : s.rows;
    let bytes: Uint8Array;
    try {
      const text = rows.map(([key, value], i) => JSON.stringify([encodeValue(key, `${s.store}[${i}].key`), encodeValue(value, `${s.store}[${i}]`)] as Json) + '\n').join('');
      bytes = strToU8(text);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      // One entry is one string; V8 strings end near 512 Mi characters.
      throw new AppError('InputError', `The "${s.store}" store is too large for one bundle entry${s.store === 'posts' ? '; export without post text, or delete corpora you do not need in the bundle' : ''}.`);
    }
    const path = entryPath(s.store);
    files[path] = bytes;
    entries.push({ path, store: s.store, records: rows.length, bytes: bytes.length, sha256: await sha256Bytes(bytes) });
    o.onStore?.(s.store, ++k, stores.length);
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    createdAt: (o.createdAt ?? new Date()).toISOString(),
    app: o.app,
    dbVersion: o.dbVersion,
    options: { postText: o.postText, embeddings: o.embeddings },
    entries,
  };
  files[BUNDLE_MANIFEST] = strToU8(JSON.stringify(manifest, null, 2) + '\n');
  const mtime = new Date('2000-01-01T00:00:00Z');
  return { bytes: zipSync(files, { level: 6, mtime }), manifest };
}

/** Post pages with every text replaced by '' and its SHA-256 kept as `h`. */
async function redactPosts(rows: Array<[unknown, unknown]>): Promise<Array<[unknown, unknown]>> {
  const out: Array<[unknown, unknown]> = [];
  for (const [key, page] of rows) {
    if (!Array.isArray(page)) {
      out.push([key, page]);
      continue;
    }
    const red = await Promise.all(
      page.map(async (p: unknown) => {
        if (p === null || typeof p !== 'object' || typeof (p as { t?: unknown }).t !== 'string') return p;
        const row = p as { t: string };
        return { ...row, t: '', h: await sha256Hex(row.t) };
      }),
    );
    out.push([key, red]);
  }
  return out;
}

export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
