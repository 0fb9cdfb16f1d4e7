/**
 * The persona import worker: parsing and IndexedDB writes of an imported persona set run here so
 * the page stays responsive. Reached only through src/services/persona-import-service.ts; the API
 * object lives in src/storage/persona-set-import.ts, where tests call it without a Worker.
 */
import { expose, releaseProxy, type ProxyMethods } from 'comlink';
import type { ProgressCallback } from '../src/contracts/progress';
import { createPersonaImportApi, type PersonaImportApi } from '../src/storage/persona-set-import';

const api = createPersonaImportApi();

const exposed: PersonaImportApi = {
  ...api,
  // The progress callback arrives as a comlink proxy (a MessagePort): release it when the import ends.
  async importPersonaSet(req, onProgress: ProgressCallback & Partial<ProxyMethods>) {
    try {
      return await api.importPersonaSet(req, onProgress);
    } finally {
      onProgress[releaseProxy]?.();
    }
  },
};

expose(exposed);
