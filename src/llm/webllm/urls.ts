/**
 * The URLs web-llm (v0.2.86) fetches for a model, and so the keys it looks up in its cache. Mirrors
 * web-llm's private cleanModelUrl / resolveModelPackageResourceURLs: the browser test proves the
 * mirror right by writing under these URLs and asking web-llm's own hasModelInCache.
 *
 * Scopes (Cache Storage names, or IndexedDB database names with cacheBackend 'indexeddb'):
 *   webllm/config  mlc-chat-config.json                         fetched as arraybuffer
 *   webllm/wasm    the model library under ModelRecord.model_lib fetched as arraybuffer
 *   webllm/model   tensor-cache.json (json), its shards and tokenizer.json / tokenizer.model (arraybuffer)
 */
import type { ModelRecord } from '@mlc-ai/web-llm';

export type CacheScope = 'webllm/config' | 'webllm/wasm' | 'webllm/model';

/** web-llm 0.2.86 names the weight manifest tensor-cache.json; older MLC builds wrote ndarray-cache.json (same format). */
export const TENSOR_MANIFEST = 'tensor-cache.json';
export const LEGACY_TENSOR_MANIFEST = 'ndarray-cache.json';
export const CHAT_CONFIG = 'mlc-chat-config.json';

/** https://huggingface.co/org/Model → https://huggingface.co/org/Model/resolve/main/ (as web-llm does). */
export function cleanModelUrl(modelUrl: string): string {
  let url = modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`;
  if (!/.+\/resolve\/.+\//.test(url)) url += 'resolve/main/';
  return new URL(url).href;
}

export interface ModelUrls {
  modelUrl: string;
  configUrl: string;
  manifestUrl: string;
  wasmUrl: string;
  fileUrl(name: string): string;
}

export function modelUrls(record: ModelRecord): ModelUrls {
  const modelUrl = cleanModelUrl(record.model);
  return {
    modelUrl,
    configUrl: new URL(CHAT_CONFIG, modelUrl).href,
    manifestUrl: new URL(TENSOR_MANIFEST, modelUrl).href,
    wasmUrl: new URL(record.model_lib).href,
    fileUrl: (name) => new URL(name, modelUrl).href,
  };
}

/** The last path segment of a model_lib URL: the .wasm file name an imported folder must contain. */
export function wasmFileName(record: ModelRecord): string {
  return new URL(record.model_lib).pathname.split('/').pop() ?? '';
}

/** The HF repository name ("Llama-3.2-3B-Instruct-q4f16_1-MLC"): what a downloaded model folder is usually called. */
export function repoName(record: ModelRecord): string {
  const parts = new URL(cleanModelUrl(record.model)).pathname.split('/').filter(Boolean);
  const i = parts.indexOf('resolve');
  return (i > 0 ? parts[i - 1] : parts.pop()) ?? record.model_id;
}
