/**
 * The embedding models stored in this browser: list with exact sizes, delete, and offline import
 * of a model folder. transformers.js keeps every downloaded file in Cache Storage ('transformers-cache')
 * under the URL it fetched (`{remoteHost}{model}/resolve/main/{file}`); an import writes the
 * folder's files under the same URLs, so a later load finds them exactly as if downloaded.
 *
 *   const store = cacheStorageFiles();
 *   await importEmbedFolder(store, files, entry, HF_HOST, onProgress, signal);
 *   const cached = await listCachedEmbedModels(store, EMBED_MODELS, HF_HOST);
 */
import type { ProgressCallback } from '../contracts/progress';
import { AppError, isAppError, throwIfAborted } from '../core/errors';
import { checkEmbedFolder, type FolderFile } from './folder';
import { EMBED_DTYPES, onnxFile, REQUIRED_FILES, type EmbedDtype, type EmbedModelEntry } from './registry';

/** transformers.js's defaults (env.remoteHost, env.cacheKey). */
export const HF_HOST = 'https://huggingface.co/';
export const TRANSFORMERS_CACHE = 'transformers-cache';

/** The part of Cache Storage we use; tests pass an in-memory one. */
export interface FileStore {
  keys(): Promise<string[]>;
  put(url: string, data: Blob): Promise<void>;
  size(url: string): Promise<number | undefined>;
  delete(url: string): Promise<void>;
}

export function cacheStorageFiles(cacheName = TRANSFORMERS_CACHE): FileStore {
  const open = () => caches.open(cacheName);
  return {
    async keys() {
      return (await (await open()).keys()).map((r) => r.url);
    },
    async put(url, data) {
      // transformers.js reads Content-Length for progress and for file metadata.
      await (await open()).put(new Request(url), new Response(data, { headers: { 'Content-Length': String(data.size), 'Content-Type': 'application/octet-stream' } }));
    },
    async size(url) {
      const res = await (await open()).match(new Request(url));
      if (!res) return undefined;
      const len = Number(res.headers.get('Content-Length'));
      return Number.isFinite(len) && len > 0 ? len : (await res.blob()).size;
    },
    async delete(url) {
      await (await open()).delete(new Request(url));
    },
  };
}

/** The URL prefix transformers.js fetches (and caches) a model's files under; same joining as its pathJoin. */
export function modelBaseUrl(remoteHost: string, modelId: string): string {
  return `${remoteHost.replace(/\/$/, '')}/${modelId}/resolve/main/`;
}

export interface CachedEmbedModel {
  id: string;
  /** Bytes stored for every file of the model (exact). */
  bytes: number;
  files: number;
  /** Precisions whose weights are stored. */
  dtypes: EmbedDtype[];
  /** Config, tokenizer and at least one precision present: loads with no network. */
  complete: boolean;
  missing: string[];
}

export async function listCachedEmbedModels(store: FileStore, registry: readonly EmbedModelEntry[], remoteHost = HF_HOST): Promise<CachedEmbedModel[]> {
  const keys = await store.keys();
  const out: CachedEmbedModel[] = [];
  for (const entry of registry) {
    const base = modelBaseUrl(remoteHost, entry.id);
    const mine = keys.filter((k) => k.startsWith(base));
    if (mine.length === 0) continue;
    const names = new Set(mine.map((k) => k.slice(base.length)));
    const dtypes = EMBED_DTYPES.filter((d) => names.has(onnxFile(d)));
    const missing: string[] = REQUIRED_FILES.filter((f) => !names.has(f));
    if (dtypes.length === 0) missing.push('ONNX weights');
    let bytes = 0;
    for (const k of mine) bytes += (await store.size(k)) ?? 0;
    out.push({ id: entry.id, bytes, files: mine.length, dtypes, complete: missing.length === 0, missing });
  }
  return out;
}

/** Removes every stored file of the model (all precisions). */
export async function deleteCachedEmbedModel(store: FileStore, modelId: string, remoteHost = HF_HOST): Promise<number> {
  const base = modelBaseUrl(remoteHost, modelId);
  const mine = (await store.keys()).filter((k) => k.startsWith(base));
  await Promise.all(mine.map((k) => store.delete(k)));
  return mine.length;
}

/**
 * Checks the folder (nothing is written when a file is missing or malformed), then stores every
 * file; config.json goes last, since transformers.js treats a model without it as not cached. On
 * failure or cancel every file written so far is deleted again.
 */
export async function importEmbedFolder(
  store: FileStore,
  files: readonly FolderFile[],
  entry: EmbedModelEntry,
  remoteHost = HF_HOST,
  onProgress?: ProgressCallback,
  signal?: AbortSignal,
): Promise<{ bytes: number; dtypes: EmbedDtype[] }> {
  const checked = await checkEmbedFolder(files, entry);
  const base = modelBaseUrl(remoteHost, entry.id);
  const ordered = [...checked.files.filter((f) => f.path !== 'config.json'), ...checked.files.filter((f) => f.path === 'config.json')];
  const total = checked.totalBytes;
  const written: string[] = [];
  const start = performance.now();
  let done = 0;
  try {
    for (const [i, f] of ordered.entries()) {
      throwIfAborted(signal);
      const url = base + f.path;
      await store.put(url, f.file);
      written.push(url);
      done += f.file.size;
      onProgress?.({
        stage: 'import-embed-model',
        done,
        total,
        unit: 'bytes',
        text: `Copied ${f.path} (${i + 1}/${ordered.length})`,
        elapsedMs: performance.now() - start,
        counts: { files: i + 1, filesTotal: ordered.length },
      });
    }
    throwIfAborted(signal);
  } catch (e) {
    await Promise.allSettled(written.map((u) => store.delete(u)));
    if (isAppError(e)) throw e;
    if (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QuotaExceededError') {
      throw new AppError('QuotaError', `Browser storage is full: the model needs ${Math.ceil(total / 1e6)} MB. Free space (delete other models) and import again.`);
    }
    throw new AppError('StorageError', `Writing the model into the browser cache failed: ${e instanceof Error ? e.message : String(e)}. Nothing was kept.`);
  }
  return { bytes: total, dtypes: checked.dtypes };
}
