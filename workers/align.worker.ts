/**
 * The align worker: alignment methods and Sinkhorn solves run here (WebGPU works in dedicated
 * workers), so the page stays responsive. Reached only through src/services/align-service.ts; the
 * API object lives in src/gpu/align-api.ts, where tests call it without a Worker.
 */
import { expose, releaseProxy, type ProxyMethods } from 'comlink';
import type { ProgressCallback } from '../src/contracts/progress';
import { createAlignApi, type AlignApi } from '../src/gpu/align-api';
import { installAppScriptPolicy } from '../src/services/trusted-types';

// This worker starts the CPU pool's workers (src/gpu/cpu-pool.ts): under the app's Trusted Types
// CSP it needs its own default policy for their URLs.
installAppScriptPolicy();

const api = createAlignApi();

type ProxiedCallback = ProgressCallback & Partial<ProxyMethods>;

/** Each job's progress callback is a comlink proxy (a MessagePort): release it when the job ends. */
async function releasing<T>(cb: ProxiedCallback | undefined, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } finally {
    cb?.[releaseProxy]?.();
  }
}

const exposed: AlignApi = {
  align: (job, onProgress?: ProxiedCallback) => releasing(onProgress, () => api.align(job, onProgress)),
  sinkhorn: (job, onProgress?: ProxiedCallback) => releasing(onProgress, () => api.sinkhorn(job, onProgress)),
  cancel: () => api.cancel(),
  gpuInfo: () => api.gpuInfo(),
};

expose(exposed);
