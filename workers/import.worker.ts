/**
 * The import worker: parsing and IndexedDB writes run here so the page stays responsive. Reached
 * only through src/services/import-service.ts. The API object lives in src/storage/import-job.ts,
 * where tests call it without a Worker.
 */
import { expose, releaseProxy, type ProxyMethods } from 'comlink';
import type { ProgressCallback } from '../src/contracts/progress';
import { createImportApi, type ImportApi } from '../src/storage/import-job';

const api = createImportApi();

const exposed: ImportApi = {
  ...api,
  // The progress callback arrives as a comlink proxy (a MessagePort); release it when the import
  // ends so each import does not leave a port open.
  async importCorpus(req, onProgress: ProgressCallback & Partial<ProxyMethods>) {
    try {
      return await api.importCorpus(req, onProgress);
    } finally {
      onProgress[releaseProxy]?.();
    }
  },
};

expose(exposed);
