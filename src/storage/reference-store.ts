/**
 * Stored human references: reads, cloud loading (optionally a country subset, for region targets)
 * and delete. References are written by src/storage/reference-import.ts (in the reference worker).
 *
 * A reference is two values under one id: its ReferenceInfo in `references` and its typed arrays
 * in `referenceData`. Both are written in one transaction and deleted in one, so a reference is
 * complete or absent; no 'importing' status or start-up cleanup is needed.
 *
 * Functions take the database first (tests use their own); ReferenceStore binds one for the UI.
 */
import type { LoadCloudOptions, ReferenceInfo, ReferenceStoreApi } from '../contracts/reference-store';
import { makeCloud, type WeightedCloud } from '../core/cloud';
import { AppError } from '../core/errors';
import { TRAITS } from '../core/traits';
import type { AppDb, ReferenceDataRow } from './db';
import { toStorageError } from './errors';
import { LazyDb } from './lazy-db';

const D = TRAITS.length;

/** Stored references, newest first. */
export async function listReferences(db: AppDb): Promise<ReferenceInfo[]> {
  try {
    const all = await db.getAll('references');
    return all.sort((a, b) => b.createdAt - a.createdAt);
  } catch (e) {
    throw toStorageError(e, 'list references');
  }
}

export async function getReferenceInfo(db: AppDb, id: string): Promise<ReferenceInfo | undefined> {
  try {
    return await db.get('references', id);
  } catch (e) {
    throw toStorageError(e, 'read the reference');
  }
}

/** The raw stored arrays (tests and exports); undefined for an unknown id. */
export async function getReferenceData(db: AppDb, id: string): Promise<ReferenceDataRow | undefined> {
  try {
    return await db.get('referenceData', id);
  } catch (e) {
    throw toStorageError(e, 'read the reference points');
  }
}

/**
 * Writes record and points in one transaction: both or neither. `signal` aborts the transaction
 * while it runs (a cancel during the final write still leaves the store unchanged).
 */
export async function saveReference(db: AppDb, info: ReferenceInfo, data: ReferenceDataRow, signal?: AbortSignal): Promise<void> {
  checkData(info, data);
  if (signal?.aborted) throw new AppError('AbortError', 'Cancelled; nothing was stored.');
  const tx = db.transaction(['references', 'referenceData'], 'readwrite');
  const onAbort = (): void => {
    try {
      tx.abort();
    } catch {
      // Already committed or finished: too late to cancel, and nothing half-written either way.
    }
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const pending: Promise<unknown>[] = [];
  try {
    pending.push(tx.done);
    pending.push(tx.objectStore('referenceData').put(data, info.id));
    pending.push(tx.objectStore('references').put(info));
    await Promise.all(pending);
  } catch (e) {
    // A put may throw synchronously (quota): the requests already made must not reject unhandled.
    for (const p of pending) p.catch(() => {});
    // Whatever failed (a put that threw, quota, cancel), make sure neither value is committed.
    onAbort();
    if (signal?.aborted) throw new AppError('AbortError', 'Cancelled; nothing was stored.');
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

function checkData(info: ReferenceInfo, data: ReferenceDataRow): void {
  const n = info.n;
  if (data.points.length !== n * D || data.weights.length !== n || (data.countryIndex !== null && data.countryIndex.length !== n)) {
    throw new AppError('StorageError', `Reference "${info.name}": ${n} rows but arrays of ${data.points.length / D}, ${data.weights.length} rows; not stored.`);
  }
}

/**
 * The reference as a WeightedCloud (d = 5, TRAITS order). `countries` keeps only those rows (codes
 * upper-cased; NONE = unknown country); the subset's weights are renormalised.
 */
export async function loadReferenceCloud(db: AppDb, id: string, options: LoadCloudOptions = {}): Promise<WeightedCloud> {
  const [info, data] = await Promise.all([getReferenceInfo(db, id), getReferenceData(db, id)]);
  if (!info || !data) throw new AppError('InputError', `No stored reference with id "${id}"; it may have been deleted. Pick another reference.`);
  const what = `reference "${info.name}"`;
  if (options.countries === undefined) return makeCloud(data.points, D, data.weights, what);
  const wanted = new Set(options.countries.map((c) => c.trim().toUpperCase()));
  if (wanted.size === 0) throw new AppError('InputError', 'The country list is empty: name at least one country, or load the whole reference.');
  if (data.countryIndex === null) {
    throw new AppError('InputError', `${what} has no country column, so it cannot be narrowed to countries; use the whole reference or import one with countries.`);
  }
  const allowed = new Uint8Array(data.countryNames.length);
  data.countryNames.forEach((c, k) => {
    if (wanted.has(c)) allowed[k] = 1;
  });
  const ci = data.countryIndex;
  let m = 0;
  for (let i = 0; i < ci.length; i++) if (allowed[ci[i]!] === 1) m++;
  if (m === 0) {
    throw new AppError('InputError', `${what} has no rows from ${[...wanted].slice(0, 8).join(', ')}${wanted.size > 8 ? ', …' : ''}; check the country codes (ISO alpha-2) or pick another region.`);
  }
  const pts = new Float32Array(m * D);
  const w = new Float64Array(m);
  for (let i = 0, k = 0; i < ci.length; i++) {
    if (allowed[ci[i]!] !== 1) continue;
    pts.set(data.points.subarray(i * D, (i + 1) * D), k * D);
    w[k] = data.weights[i]!;
    k++;
  }
  return makeCloud(pts, D, w, `${what} (${wanted.size} countries)`);
}

/** Removes record and points in one transaction; unknown ids are a no-op. */
export async function deleteReference(db: AppDb, id: string): Promise<void> {
  try {
    const tx = db.transaction(['references', 'referenceData'], 'readwrite');
    await Promise.all([tx.objectStore('references').delete(id), tx.objectStore('referenceData').delete(id), tx.done]);
  } catch (e) {
    throw toStorageError(e, 'delete the reference');
  }
}

/** The same functions bound to one database, opened lazily; what the UI and Align stage hold. */
export class ReferenceStore implements ReferenceStoreApi {
  private readonly conn: LazyDb;

  constructor(dbName?: string) {
    this.conn = new LazyDb(dbName);
  }

  db(): Promise<AppDb> {
    return this.conn.get();
  }

  async listReferences(): Promise<ReferenceInfo[]> {
    return listReferences(await this.db());
  }
  async getReferenceInfo(id: string): Promise<ReferenceInfo | undefined> {
    return getReferenceInfo(await this.db(), id);
  }
  async loadReferenceCloud(id: string, options?: LoadCloudOptions): Promise<WeightedCloud> {
    return loadReferenceCloud(await this.db(), id, options);
  }
  async deleteReference(id: string): Promise<void> {
    return deleteReference(await this.db(), id);
  }
  /** Closes the connection; the next call reopens it. */
  close(): Promise<void> {
    return this.conn.close();
  }
}
