/**
 * Project bundle import, all or nothing: the whole bundle is read and checked first
 * (src/core/bundle/read.ts: zip, manifest, SHA-256 of every entry, every line and key), then the
 * records that already exist here are looked up, and only then is everything written in ONE
 * read-write transaction over every store it touches. IndexedDB commits that transaction whole or
 * not at all, so a full disk (QuotaError), a failure or a cancel leaves the database as it was.
 *
 * Records with an id that exists here: refused with a message naming them (default), or replaced
 * when the user chose `onExisting: 'replace'` (records of the bundle overwrite those with the same
 * key; other records stay) — except stored posts when the bundle carries only post hashes: those
 * keep their text.
 */
import { unwrap } from 'idb';
import { AppError, throwIfAborted } from '../core/errors';
import { BUNDLE_STORES, readBundle, type BundleLimits, type BundleManifest, type BundleStore } from '../core/bundle';
import type { ProgressCallback } from '../contracts/progress';
import { DB_VERSION, type AppDb } from './db';
import { isQuotaExceeded, quotaError, toStorageError } from './errors';
import { assertStoresMatch } from './bundle-export';

export interface BundleImportOptions {
  onExisting?: 'refuse' | 'replace';
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  limits?: Partial<BundleLimits>;
  /** The bundle's file name, for messages. */
  file?: string;
}

export interface BundleImportSummary {
  manifest: BundleManifest;
  /** Records written per store. */
  written: Partial<Record<BundleStore, number>>;
  /** Records that replaced existing ones (onExisting 'replace'). */
  replaced: number;
}

/** Records per write step between progress reports and cancel checks. */
const WRITE_BATCH = 500;

export async function importBundle(db: AppDb, bytes: Uint8Array, o: BundleImportOptions = {}): Promise<BundleImportSummary> {
  assertStoresMatch();
  const t0 = performance.now();
  const report = (stage: string, text: string, done: number, total: number, unit: string): void =>
    o.onProgress?.({ stage, text, done, total, unit, elapsedMs: performance.now() - t0 });

  throwIfAborted(o.signal);
  report('check', 'Checking the bundle…', 0, 1, 'entries');
  const bundle = await readBundle(bytes, {
    dbVersion: DB_VERSION,
    ...(o.limits ? { limits: o.limits } : {}),
    ...(o.file ? { file: o.file } : {}),
    onEntry: (path, done, total) => {
      throwIfAborted(o.signal);
      report('check', `Checked ${path}`, done, total, 'entries');
    },
  });
  throwIfAborted(o.signal);

  const existing = await findExisting(db, bundle.stores);
  const nExisting = existing.reduce((s, e) => s + e.keys.length, 0);
  if (nExisting > 0 && (o.onExisting ?? 'refuse') === 'refuse') {
    const parts = existing.filter((e) => e.keys.length > 0).map((e) => `${e.store}: ${e.keys.length} (e.g. ${JSON.stringify(e.keys[0])})`);
    throw new AppError('InputError', `${nExisting} records of this bundle already exist here — ${parts.join('; ')}. Nothing was imported. Delete them first, or import again with "Replace existing records".`);
  }

  // A bundle without post text never overwrites a stored post: its text would become ''.
  if (!bundle.manifest.options.postText) {
    const keep = new Set((existing.find((e) => e.store === 'posts')?.keys ?? []).map((k) => JSON.stringify(k)));
    const posts = bundle.stores.find((s) => s.store === 'posts');
    if (posts && keep.size > 0) posts.rows = posts.rows.filter(([k]) => !keep.has(JSON.stringify(k)));
  }
  const total = bundle.stores.reduce((s, x) => s + x.rows.length, 0);
  const written: BundleImportSummary['written'] = {};
  const names = bundle.stores.map((s) => s.store);
  if (names.length === 0 || total === 0) return { manifest: bundle.manifest, written, replaced: 0 };
  const raw = unwrap(db);
  let tx: IDBTransaction;
  try {
    tx = raw.transaction(names, 'readwrite');
  } catch (e) {
    throw toStorageError(e, 'start writing the bundle');
  }
  const done = new Promise<void>((resolve, reject) => {
    tx.oncomplete = () => resolve();
    // A failed put aborts the whole transaction (its error event is not prevented): nothing is kept.
    tx.onabort = () => reject(tx.error ?? new AppError('AbortError', 'Cancelled.'));
  });
  done.catch(() => {});
  let n = 0;
  try {
    for (const s of bundle.stores) {
      const os = tx.objectStore(s.store);
      const inline = BUNDLE_STORES[s.store].kind !== 'outOfLine';
      for (let i = 0; i < s.rows.length; i++) {
        const [key, value] = s.rows[i]!;
        const r = inline ? os.put(value) : os.put(value, key as IDBValidKey);
        n++;
        if (n % WRITE_BATCH === 0 || n === total) {
          // Waiting on a request keeps the transaction alive (no other await in between).
          await new Promise<void>((resolve, reject) => {
            r.onsuccess = () => resolve();
            r.onerror = () => reject(r.error);
          });
          report('write', `Writing ${n} of ${total} records…`, n, total, 'records');
          if (o.signal?.aborted) {
            tx.abort();
            throw new AppError('AbortError', 'Cancelled; nothing was imported.');
          }
        }
      }
      written[s.store] = s.rows.length;
    }
    await done;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    await done.catch(() => {});
    if (e instanceof AppError) throw e;
    if (isQuotaExceeded(e) || isQuotaExceeded(tx.error)) throw quotaError('the bundle did not fit, and nothing of it was imported');
    throw toStorageError(e, 'write the bundle (nothing of it was imported)');
  }
  report('done', `Imported ${total} records.`, total, total, 'records');
  return { manifest: bundle.manifest, written, replaced: nExisting };
}

async function findExisting(db: AppDb, stores: Array<{ store: BundleStore; rows: Array<[unknown, unknown]> }>): Promise<Array<{ store: BundleStore; keys: unknown[] }>> {
  if (stores.length === 0) return [];
  try {
    const tx = unwrap(db).transaction(stores.map((s) => s.store), 'readonly');
    return await Promise.all(
      stores.map(async (s) => {
        const os = tx.objectStore(s.store);
        const hits = await Promise.all(
          s.rows.map(
            ([key]) =>
              new Promise<boolean>((resolve, reject) => {
                const r = os.count(key as IDBValidKey);
                r.onsuccess = () => resolve(r.result > 0);
                r.onerror = () => reject(r.error);
              }),
          ),
        );
        return { store: s.store, keys: s.rows.filter((_, i) => hits[i]).map(([k]) => k) };
      }),
    );
  } catch (e) {
    throw toStorageError(e, 'look for records the bundle would overwrite');
  }
}
