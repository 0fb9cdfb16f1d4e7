/**
 * The real transformers.js loading code: a feature-extraction pipeline on WebGPU or WASM, reading
 * from (and writing to) Cache Storage. Imported lazily by engine.ts only when a pretrained model
 * is loaded, so "lexical (no model)" never pulls in transformers.js or onnxruntime-web.
 *
 * - onnxruntime-web's own .wasm/.mjs are served by the app (Vite `?url`), never from its default
 *   CDN, which the CSP blocks; `useWasmCache` is off because it would import the factory from a
 *   blob: URL, which `script-src 'self'` also blocks. The 27 MB .wasm is kept in Cache Storage
 *   here instead (too big for the service worker's precache), so models also load offline.
 * - Offline (every file already cached or imported): remote loading is switched off and the local
 *   model path is unreachable, so a missing file is a clear error, never a network request.
 */
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import type { Extractor, ExtractorRequest } from './engine';

/** Never served: with remote loading off, transformers.js looks here first for uncached files. */
const NO_LOCAL_MODELS = '/__no-local-models__/';

export async function createTransformersExtractor(req: ExtractorRequest): Promise<Extractor> {
  const { pipeline, env, LogLevel } = await import('@huggingface/transformers');
  const realFetch = env.fetch ?? fetch;
  env.logLevel = LogLevel.ERROR;
  env.remoteHost = req.remoteHost;
  env.cacheKey = req.cacheName;
  env.useBrowserCache = true;
  env.useWasmCache = false;
  env.allowRemoteModels = !req.offline;
  env.allowLocalModels = req.offline; // transformers.js refuses to load with both off
  env.localModelPath = NO_LOCAL_MODELS;
  env.fetch = req.offline
    ? async (input: string | URL, init?: unknown) => {
        const url = String(input);
        if (url.includes(NO_LOCAL_MODELS) || url.startsWith(req.remoteHost)) {
          throw new Error(`remote loading is switched off and ${url.slice(url.lastIndexOf('/') + 1)} is not in the cache`);
        }
        return realFetch(input, init);
      }
    : realFetch;
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    const wasmUrl = new URL(ortWasmUrl, self.location.href).href;
    wasm.wasmPaths = { wasm: wasmUrl, mjs: new URL(ortMjsUrl, self.location.href).href };
    wasm.wasmBinary ??= await ortWasmBinary(req.cacheName, wasmUrl);
  }

  const extractor = await pipeline('feature-extraction', req.modelId, {
    device: req.device,
    dtype: req.dtype,
    progress_callback: (p: { status: string; loaded?: number; total?: number }) => {
      if (p.status === 'progress_total' && typeof p.loaded === 'number' && typeof p.total === 'number') req.onBytes(p.loaded, p.total);
    },
  });
  return {
    async run(texts, pooling) {
      const out = await extractor(texts, { pooling, normalize: true });
      return { data: out.data as Float32Array, dims: out.dims };
    },
    async dispose() {
      await extractor.dispose();
    },
  };
}

/**
 * onnxruntime's WebAssembly from Cache Storage, fetched from the app once per build (the URL
 * carries Vite's content hash; copies of older builds are deleted).
 */
async function ortWasmBinary(cacheName: string, url: string): Promise<ArrayBuffer> {
  const cache = await caches.open(cacheName);
  const hit = await cache.match(url);
  if (hit) return hit.arrayBuffer();
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the app's copy of onnxruntime (${url}) answered HTTP ${res.status}; reload the page`);
  const bytes = await res.arrayBuffer();
  for (const old of await cache.keys()) {
    if (old.url !== url && /\/ort-wasm-simd-threaded[^/]*\.wasm$/.test(new URL(old.url).pathname)) await cache.delete(old);
  }
  await cache.put(url, new Response(bytes, { headers: { 'Content-Type': 'application/wasm', 'Content-Length': String(bytes.byteLength) } })).catch(() => {
    // A full disk only costs the offline copy; the runtime still loads now.
  });
  return bytes;
}
