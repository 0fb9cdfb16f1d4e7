/**
 * Project bundle export: every store of the app database read in one read-only transaction (one
 * consistent snapshot), then encoded and zipped by src/core/bundle. Post text goes in only when the
 * user chooses; embeddings only when asked (they can be recomputed).
 *
 *   const { bytes, manifest } = await exportBundle(db, { postText: false, embeddings: false });
 */
import { APP_INFO } from '../core/package-info';
import { unwrap } from 'idb';
import { AppError, throwIfAborted } from '../core/errors';
import { buildBundle, prepareBlobs, BUNDLE_STORE_NAMES, type BundleManifest, type BundleStore, type StoreRecords } from '../core/bundle';
import type { ProgressCallback } from '../contracts/progress';
import { DB_VERSION, STORE_NAMES, type AppDb } from './db';
import { toStorageError } from './errors';

export interface BundleExportOptions {
  /** Put post text in (true) or only each post's SHA-256 (false). */
  postText: boolean;
  /** Put persona embeddings in (default false: they can be recomputed). */
  embeddings?: boolean;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** Fixed in tests. */
  createdAt?: Date;
}

export async function exportBundle(db: AppDb, o: BundleExportOptions): Promise<{ bytes: Uint8Array; manifest: BundleManifest }> {
  assertStoresMatch();
  const t0 = performance.now();
  const report = (stage: string, text: string, done: number, total: number): void =>
    o.onProgress?.({ stage, text, done, total, unit: 'stores', elapsedMs: performance.now() - t0 });
  throwIfAborted(o.signal);
  report('read', 'Reading every store…', 0, BUNDLE_STORE_NAMES.length);
  const snapshot = await readAll(db, BUNDLE_STORE_NAMES.filter((s) => s !== 'embeddings' || o.embeddings === true));
  throwIfAborted(o.signal);
  const stores: StoreRecords[] = [];
  for (const s of snapshot) {
    const rows: Array<[unknown, unknown]> = [];
    for (const [k, v] of s.rows) rows.push([k, await prepareBlobs(v)]);
    stores.push({ store: s.store, rows });
  }
  throwIfAborted(o.signal);
  return buildBundle(stores, {
    app: { ...APP_INFO },
    dbVersion: DB_VERSION,
    postText: o.postText,
    embeddings: o.embeddings === true,
    ...(o.createdAt ? { createdAt: o.createdAt } : {}),
    onStore: (store, done, total) => {
      throwIfAborted(o.signal);
      report('encode', `Encoded ${store}`, done, total);
    },
  });
}

/** Every key and value of `stores`, in key order, from one read-only transaction. */
async function readAll(db: AppDb, stores: BundleStore[]): Promise<StoreRecords[]> {
  try {
    const raw = unwrap(db);
    const tx = raw.transaction(stores, 'readonly');
    return await Promise.all(
      stores.map(async (store) => {
        const os = tx.objectStore(store);
        const [keys, values] = await Promise.all([req(os.getAllKeys()), req(os.getAll())]);
        return { store, rows: keys.map((k, i): [unknown, unknown] => [k, values[i]]) };
      }),
    );
  } catch (e) {
    throw toStorageError(e, 'read the database for the bundle');
  }
}

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** The bundle format's store list must be the schema's (a new store needs a bundle entry, or a decision). */
export function assertStoresMatch(): void {
  const a = [...STORE_NAMES].sort().join(',');
  const b = [...BUNDLE_STORE_NAMES].sort().join(',');
  if (a !== b) throw new AppError('StorageError', `The bundle format knows stores ${b} but the database has ${a}; update src/core/bundle/format.ts.`);
}
