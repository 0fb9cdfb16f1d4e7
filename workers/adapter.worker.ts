/**
 * The adapter worker: contrastive adapter training and brute-force top-k retrieval run here (WebGPU
 * works in dedicated workers), so the page stays responsive. Reached only through
 * src/services/adapter-service.ts; the API object lives in src/gpu/adapter-api.ts.
 */
import { expose, releaseProxy, type ProxyMethods } from 'comlink';
import type { ProgressCallback } from '../src/contracts/progress';
import { createAdapterApi, type AdapterApi } from '../src/gpu/adapter-api';

const api = createAdapterApi();

type ProxiedCallback = ProgressCallback & Partial<ProxyMethods>;

const exposed: AdapterApi = {
  async train(job, onProgress?: ProxiedCallback) {
    try {
      return await api.train(job, onProgress);
    } finally {
      onProgress?.[releaseProxy]?.();
    }
  },
  topK: (job) => api.topK(job),
  cancel: () => api.cancel(),
};

expose(exposed);
