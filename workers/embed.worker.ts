/**
 * The embedding worker: "lexical (no model)" and transformers.js sentence-embedding models (WebGPU
 * in the worker, WASM fallback), plus their cache and folder import. Reached only through
 * src/services/embedder-service.ts; the API object lives in src/embed-models/engine.ts, where
 * tests call it without a Worker.
 */
import { expose, releaseProxy, transfer, type ProxyMethods } from 'comlink';
import type { ProgressCallback } from '../src/contracts/progress';
import { createEmbedApi, type EmbedWorkerApi } from '../src/embed-models/engine';

const api = createEmbedApi();

type Proxied = ProgressCallback & Partial<ProxyMethods>;

/** Runs `f` with a comlink-proxied callback and releases the proxy after, so the page side is freed. */
async function withCallback<T>(cb: Proxied | undefined, f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } finally {
    cb?.[releaseProxy]?.();
  }
}

const exposed: EmbedWorkerApi = {
  configure: (c) => api.configure(c),
  load: (id, cb?: Proxied) => withCallback(cb, () => api.load(id, cb)),
  info: () => api.info(),
  fit: (texts, cb?: Proxied) => withCallback(cb, () => api.fit(texts, cb)),
  embed: (texts, options, cb?: Proxied) =>
    withCallback(cb, async () => {
      const out = await api.embed(texts, options, cb);
      return transfer(out, [out.vectors.buffer]); // moved, not copied: 160k × 384 floats is 245 MB
    }),
  abort: () => api.abort(),
  unload: () => api.unload(),
  listCached: () => api.listCached(),
  deleteCached: (id) => api.deleteCached(id),
  importFolder: (files, id, cb?: Proxied) => withCallback(cb, () => api.importFolder(files, id, cb)),
  cancelImport: () => api.cancelImport(),
};

expose(exposed);
