/**
 * What the storage and reference browser tests share: database names no other test (or earlier
 * run) uses, whole-database dumps, a service per test over its own database (all closed after
 * the file's last test), and the rejection of a promise as an Error.
 */
import { unwrap } from 'idb';
import { afterAll, expect } from 'vitest';
import { openAppDb, STORE_NAMES, type AppDb } from '../../src/storage/db';

let counter = 0;

/** `test-PREFIX-…`: a database name no other test (or earlier run) uses. */
export function uniqueDbName(prefix: string): string {
  return `test-${prefix}-${Date.now()}-${Math.random().toString(36).slice(2)}-${counter++}`;
}

/** Every key and value of every store, in key order: equal dumps mean equal databases. */
export async function dump(db: AppDb): Promise<Record<string, [IDBValidKey, unknown][]>> {
  const out: Record<string, [IDBValidKey, unknown][]> = {};
  const raw = unwrap(db);
  for (const name of STORE_NAMES) {
    const tx = raw.transaction(name, 'readonly');
    const store = tx.objectStore(name);
    const [keys, values] = await Promise.all([req(store.getAllKeys()), req(store.getAll())]);
    out[name] = keys.map((k, i) => [k, values[i]]);
  }
  return out;
}

/** A raw IDBRequest as a promise. */
export function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/**
 * Call at a test file's top level. `setup()` gives a fresh database name, a service created on
 * it and the database opened in the page; every service is terminated and every database in
 * `dbs` (push your own) closed after the file's last test.
 */
export function serviceFixture<S extends { terminate(): void }>(
  freshDbName: () => string,
  create: (dbName: string) => S,
): { setup: () => Promise<{ service: S; db: AppDb; dbName: string }>; dbs: AppDb[] } {
  const services: S[] = [];
  const dbs: AppDb[] = [];
  afterAll(() => {
    for (const s of services) s.terminate();
    for (const d of dbs) d.close();
  });
  const setup = async (): Promise<{ service: S; db: AppDb; dbName: string }> => {
    const dbName = freshDbName();
    const service = create(dbName);
    services.push(service);
    const db = await openAppDb(dbName);
    dbs.push(db);
    return { service, db, dbName };
  };
  return { setup, dbs };
}

/** Rejection of `p` as an Error (fails the test when `p` resolves). */
export async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return e as Error;
  }
  throw new Error('expected the promise to reject, but it resolved');
}
