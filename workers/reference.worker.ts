/**
 * The reference worker: streaming the IPIP-FFM file (~400 MB), parsing reference CSVs, sampling the
 * built-in reference and the final IndexedDB write all run here, so the page stays responsive.
 * Reached only through src/services/reference-service.ts; the API object lives in
 * src/storage/reference-import.ts, where tests call it without a Worker.
 */
import { expose, releaseProxy, type ProxyMethods } from 'comlink';
import type { ProgressCallback } from '../src/contracts/progress';
import { createReferenceImportApi, type ReferenceImportApi } from '../src/storage/reference-import';

const api = createReferenceImportApi();

type ProxiedCallback = ProgressCallback & Partial<ProxyMethods>;

/** Each job's progress callback is a comlink proxy (a MessagePort): release it when the job ends. */
async function releasing<T>(cb: ProxiedCallback, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    cb[releaseProxy]?.();
  }
}

const exposed: ReferenceImportApi = {
  useDatabase: (name) => api.useDatabase(name),
  cancel: () => api.cancel(),
  importFfm: (req, onProgress: ProxiedCallback) => releasing(onProgress, () => api.importFfm(req, onProgress)),
  importCsv: (req, onProgress: ProxiedCallback) => releasing(onProgress, () => api.importCsv(req, onProgress)),
  createBuiltinSample: (req, json, onProgress: ProxiedCallback) => releasing(onProgress, () => api.createBuiltinSample(req, json, onProgress)),
};

expose(exposed);
