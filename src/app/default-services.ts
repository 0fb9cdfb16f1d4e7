import { CorpusStore } from '../storage/corpus-store';
import { estimateStorage, isPersisted, requestPersistence } from '../storage/quota';
import { ImportService } from '../services/import-service';
import { createReferenceServices } from '../services/reference-service';
import type { AppServices, QuotaApi } from './services';

/**
 * The real services, loaded lazily by <app-shell> (keeps idb and the worker client out of the
 * first chunk). `dbName` points everything at another database (tests use a fresh one each).
 */
export interface ServiceOptions {
  dbName?: string;
  /** Remove corpora an interrupted import left behind (default true; do it before any import). */
  cleanup?: boolean;
}

export const quotaService: QuotaApi = {
  async estimate() {
    const e = await estimateStorage();
    return e ? { usage: e.usage, quota: e.quota } : {};
  },
  persisted: isPersisted,
  persist: requestPersistence,
};

export async function createDefaultServices(options: ServiceOptions = {}): Promise<AppServices> {
  const store = new CorpusStore(options.dbName);
  const importer = new ImportService(options.dbName === undefined ? {} : { dbName: options.dbName });
  if (options.cleanup !== false) {
    try {
      await store.cleanupInterrupted();
    } catch (e) {
      // Not fatal: leftovers stay invisible and are retried at the next start.
      console.warn('Cleaning up an interrupted import failed', e);
    }
  }
  let references: AppServices['references'];
  try {
    references = await createReferenceServices(options.dbName === undefined ? {} : { dbName: options.dbName });
  } catch (e) {
    // The corpus stage works without references; the views that need them say they are missing.
    console.warn('Reference services could not be created', e);
  }
  return { store, importer, quota: quotaService, ...(references ? { references } : {}) };
}
