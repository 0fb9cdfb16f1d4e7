/**
 * The LLM worker: web-llm's MLCEngine runs here on WebGPU (dedicated workers have navigator.gpu),
 * so downloads, shader compilation and generation never block the page. Reached only through
 * src/services/llm-service.ts; the API object lives in src/llm/webllm/engine.ts, where tests call it
 * without a Worker. One RPC mechanism: comlink (not web-llm's own WebWorkerMLCEngine messages).
 */
import { expose, releaseProxy, type ProxyMethods } from 'comlink';
import type { ProgressCallback } from '../src/contracts/progress';
import { createWebLlmApi, type WebLlmApi } from '../src/llm/webllm/engine';

const api = createWebLlmApi();

type ProxiedCallback = ProgressCallback & Partial<ProxyMethods>;

const exposed: WebLlmApi = {
  configure: (c) => api.configure(c),
  load: async (modelId, onProgress?: ProxiedCallback) => {
    try {
      return await api.load(modelId, onProgress);
    } finally {
      onProgress?.[releaseProxy]?.();
    }
  },
  info: () => api.info(),
  chat: (req) => api.chat(req),
  choiceLogprobs: (req) => api.choiceLogprobs(req),
  countTokens: (text) => api.countTokens(text),
  abort: () => api.abort(),
  unload: () => api.unload(),
  stats: () => api.stats(),
  records: () => api.records(),
  listCached: () => api.listCached(),
  deleteCached: (id) => api.deleteCached(id),
  importFolder: async (files, id, onProgress?: ProxiedCallback) => {
    try {
      return await api.importFolder(files, id, onProgress);
    } finally {
      onProgress?.[releaseProxy]?.();
    }
  },
  cancelImport: () => api.cancelImport(),
};

expose(exposed);
