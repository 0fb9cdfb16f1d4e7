/**
 * One app database connection, opened on first use: what the stores (CorpusStore, ReferenceStore)
 * and the import workers' API objects (createImportApi, createReferenceImportApi) each hold.
 *
 *   const db = new LazyDb(dbName);       // undefined: the app's database
 *   const conn = await db.get();         // opens once; a failed open is retried by the next get()
 *   db.use('test-db');                   // later get()s open 'test-db'; the old connection closes
 *   await db.close();                    // the next get() reopens
 */
import { openAppDb, type AppDb } from './db';
import { toStorageError } from './errors';

export class LazyDb {
  private promise: Promise<AppDb> | undefined;

  constructor(private name?: string) {}

  /** The open connection; rejects with StorageError/QuotaError when opening fails (not remembered). */
  get(): Promise<AppDb> {
    this.promise ??= openAppDb(this.name).catch((e: unknown) => {
      this.promise = undefined;
      throw toStorageError(e, 'open the database');
    });
    return this.promise;
  }

  /** Uses database `name` from the next get() on; the previous connection closes once it opened. */
  use(name: string): void {
    if (name === this.name) return;
    const old = this.promise;
    this.name = name;
    this.promise = undefined;
    void old?.then((db) => db.close(), () => {});
  }

  /** Closes the connection; the next get() reopens it. */
  async close(): Promise<void> {
    const p = this.promise;
    this.promise = undefined;
    if (p) (await p).close();
  }
}
