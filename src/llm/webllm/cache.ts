/**
 * The models web-llm has cached on this device: list with sizes, delete, and offline import of a
 * model folder into the same cache under the URLs web-llm will request, so load() needs no network.
 * Runs in the page or a worker (Cache Storage and IndexedDB are shared per origin).
 *
 *   const cached = await listCachedModels(registryRecords, appConfig);
 *   await importModelFolder(filesFromInput(input.files), record, appConfig, onProgress, signal);
 *   await deleteCachedModel(record, registryRecords, appConfig);
 */
import {
  deleteChatConfigInCache,
  deleteModelInCache,
  deleteModelWasmInCache,
  hasModelInCache,
  type AppConfig,
  type ModelRecord,
} from '@mlc-ai/web-llm';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError, isAppError, throwIfAborted } from '../../core/errors';
import { artifactStore, type ArtifactStore } from './artifact-store';
import { checkModelFolder, type FolderFile, type TensorManifest } from './folder';
import { modelUrls, type CacheScope } from './urls';

export interface CachedModel {
  /** Model ids sharing these weights (e.g. "…-MLC" and "…-MLC-1k" use one download). */
  ids: string[];
  modelUrl: string;
  /** Bytes stored for the weights, tokenizer, config and model library (exact, from the cache). */
  bytes: number;
  shardsCached: number;
  shardsTotal: number;
  /** Everything web-llm needs to load without network: weights, tokenizer, config and model library. */
  complete: boolean;
  missing: string[];
}

/** One entry per cached model URL, for every record whose weight manifest is in the cache. */
export async function listCachedModels(records: readonly ModelRecord[], appConfig: Pick<AppConfig, 'cacheBackend'>): Promise<CachedModel[]> {
  const store = artifactStore(appConfig);
  const [modelKeys, configKeys, wasmKeys] = await Promise.all([store.keys('webllm/model'), store.keys('webllm/config'), store.keys('webllm/wasm')]);
  const byUrl = new Map<string, ModelRecord[]>();
  for (const r of records) {
    const u = modelUrls(r);
    if (!modelKeys.has(u.manifestUrl)) continue;
    byUrl.set(u.modelUrl, [...(byUrl.get(u.modelUrl) ?? []), r]);
  }
  const out: CachedModel[] = [];
  for (const [modelUrl, recs] of byUrl) {
    const first = recs[0];
    if (!first) continue;
    const u = modelUrls(first);
    const manifest = (await store.readJson('webllm/model', u.manifestUrl)) as TensorManifest | undefined;
    const shards = manifest?.records ?? [];
    const cachedShards = shards.filter((s) => modelKeys.has(u.fileUrl(s.dataPath)));
    let bytes = cachedShards.reduce((s, x) => s + x.nbytes, 0);
    const missing: string[] = shards.filter((s) => !modelKeys.has(u.fileUrl(s.dataPath))).map((s) => s.dataPath);
    const tokenizer = ['tokenizer.json', 'tokenizer.model'].map((n) => u.fileUrl(n)).filter((x) => modelKeys.has(x));
    if (tokenizer.length === 0) missing.push('tokenizer');
    if (!configKeys.has(u.configUrl)) missing.push('mlc-chat-config.json');
    if (!wasmKeys.has(u.wasmUrl)) missing.push('model library (.wasm)');
    const shardUrls = new Set(shards.map((s) => u.fileUrl(s.dataPath)));
    // Manifest, tokenizer files and any other file stored under the model URL.
    const others = [...modelKeys].filter((k) => k.startsWith(modelUrl) && !shardUrls.has(k));
    for (const [scope, url] of [
      ...others.map((k) => ['webllm/model', k] as const),
      ['webllm/config', u.configUrl],
      ['webllm/wasm', u.wasmUrl],
    ] as Array<readonly [CacheScope, string]>) {
      bytes += (await store.size(scope, url)) ?? 0;
    }
    out.push({
      ids: recs.map((r) => r.model_id),
      modelUrl,
      bytes,
      shardsCached: cachedShards.length,
      shardsTotal: shards.length,
      complete: missing.length === 0 && shards.length > 0,
      missing,
    });
  }
  return out;
}

/**
 * Removes a model's weights, tokenizer and config with web-llm's own delete functions, then what
 * they leave behind (tensor-cache.json, extra tokenizer files). The model library is kept while another cached model
 * uses the same .wasm (web-llm would delete it unconditionally).
 */
export async function deleteCachedModel(record: ModelRecord, allRecords: readonly ModelRecord[], appConfig: AppConfig): Promise<void> {
  const store = artifactStore(appConfig);
  const u = modelUrls(record);
  const cfg: AppConfig = { ...appConfig, model_list: [record] };
  const keys = await store.keys('webllm/model');
  if (keys.has(u.manifestUrl)) {
    await deleteModelInCache(record.model_id, cfg); // reads the cached manifest: no network
  }
  // What web-llm's delete does not know: the manifest and extra files we imported (tokenizer_config.json, ...).
  const left = [...(await store.keys('webllm/model'))].filter((k) => k.startsWith(u.modelUrl));
  await Promise.all(left.map((k) => store.delete('webllm/model', k)));
  await deleteChatConfigInCache(record.model_id, cfg);
  const others = allRecords.filter((r) => r.model_lib === record.model_lib && modelUrls(r).modelUrl !== u.modelUrl);
  const stillUsed = others.some((r) => keys.has(modelUrls(r).manifestUrl));
  if (!stillUsed) await deleteModelWasmInCache(record.model_id, cfg);
}

/** web-llm's own answer (weights manifest and every shard cached). */
export function isModelCached(record: ModelRecord, appConfig: AppConfig): Promise<boolean> {
  return hasModelInCache(record.model_id, { ...appConfig, model_list: [record] });
}

/**
 * Checks the folder (nothing is written when anything is missing or malformed), then writes every
 * file under the URL web-llm will request. The weight manifest goes last, so web-llm never sees a
 * half-written model as cached; on failure or cancel every entry written so far is deleted.
 */
export async function importModelFolder(
  files: readonly FolderFile[],
  record: ModelRecord,
  appConfig: Pick<AppConfig, 'cacheBackend'>,
  onProgress?: ProgressCallback,
  signal?: AbortSignal,
): Promise<{ bytes: number }> {
  const store = artifactStore(appConfig);
  const checked = await checkModelFolder(files, record);
  const u = modelUrls(record);
  const wasmKeys = await store.keys('webllm/wasm');
  const writes: Array<{ scope: CacheScope; url: string; data: Blob; as: 'json' | 'arraybuffer'; name: string }> = [
    ...checked.modelFiles.map((f) => ({ scope: 'webllm/model' as const, url: u.fileUrl(f.path), data: f.file, as: 'arraybuffer' as const, name: f.path })),
    { scope: 'webllm/config', url: u.configUrl, data: checked.config, as: 'arraybuffer', name: 'mlc-chat-config.json' },
    // A library other cached models share is already there: leave it (and never roll it back).
    ...(wasmKeys.has(u.wasmUrl) ? [] : [{ scope: 'webllm/wasm' as const, url: u.wasmUrl, data: checked.wasm, as: 'arraybuffer' as const, name: 'model library' }]),
    { scope: 'webllm/model', url: u.manifestUrl, data: checked.manifestFile, as: 'json', name: 'tensor-cache.json' },
  ];
  const total = writes.reduce((s, w) => s + w.data.size, 0);
  const written: Array<{ scope: CacheScope; url: string }> = [];
  const start = performance.now();
  let done = 0;
  try {
    for (const [i, w] of writes.entries()) {
      throwIfAborted(signal);
      await store.put(w.scope, w.url, w.data, w.as);
      written.push(w);
      done += w.data.size;
      onProgress?.({
        stage: 'import-model',
        done,
        total,
        unit: 'bytes',
        text: `Copied ${w.name} (${i + 1}/${writes.length})`,
        elapsedMs: performance.now() - start,
        counts: { files: i + 1, filesTotal: writes.length },
      });
    }
    throwIfAborted(signal);
  } catch (e) {
    await Promise.allSettled(written.map((w) => store.delete(w.scope, w.url)));
    if (isAppError(e)) throw e;
    if (e instanceof DOMException && e.name === 'QuotaExceededError') {
      throw new AppError('QuotaError', `Browser storage is full: the model needs ${Math.ceil(total / 1e6)} MB. Free space (delete other models) and import again.`);
    }
    throw new AppError('StorageError', `Writing the model into the browser cache failed: ${e instanceof Error ? e.message : String(e)}. Nothing was kept.`);
  }
  return { bytes: total };
}

export type { ArtifactStore };
