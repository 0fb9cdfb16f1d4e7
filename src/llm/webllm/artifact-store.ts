/**
 * Read/write access to the storage web-llm caches model files in, per AppConfig.cacheBackend:
 * 'cache' (Cache Storage, web-llm's default: one cache per scope, keyed by request URL) or
 * 'indexeddb' (one database per scope, store 'urls', values {url, data} where data is the parsed
 * JSON or the ArrayBuffer web-llm asked for). Layouts follow web-llm 0.2.86's ArtifactCache and
 * ArtifactIndexedDBCache. OPFS and cross-origin storage are not supported here.
 */
import type { AppConfig } from '@mlc-ai/web-llm';
import { AppError } from '../../core/errors';
import type { CacheScope } from './urls';

export type StoredAs = 'json' | 'arraybuffer';

export interface ArtifactStore {
  /** Every URL stored in a scope. */
  keys(scope: CacheScope): Promise<Set<string>>;
  put(scope: CacheScope, url: string, data: Blob, as: StoredAs): Promise<void>;
  /** Stored size in bytes, or undefined when absent. */
  size(scope: CacheScope, url: string): Promise<number | undefined>;
  readJson(scope: CacheScope, url: string): Promise<unknown>;
  delete(scope: CacheScope, url: string): Promise<void>;
}

export function artifactStore(appConfig: Pick<AppConfig, 'cacheBackend'>): ArtifactStore {
  const backend = appConfig.cacheBackend ?? 'cache';
  if (backend === 'cache') return cacheStorage();
  if (backend === 'indexeddb') return indexedDbStore();
  throw new AppError('InputError', `Model files in the "${backend}" cache backend cannot be listed or imported here; use "cache" (the default) or "indexeddb".`);
}

function cacheStorage(): ArtifactStore {
  return {
    async keys(scope) {
      const c = await caches.open(scope);
      return new Set((await c.keys()).map((r) => r.url));
    },
    async put(scope, url, data) {
      const c = await caches.open(scope);
      await c.put(new Request(url), new Response(data, { headers: { 'Content-Length': String(data.size), 'Content-Type': 'application/octet-stream' } }));
    },
    async size(scope, url) {
      const c = await caches.open(scope);
      const res = await c.match(new Request(url));
      if (!res) return undefined;
      const len = Number(res.headers.get('Content-Length'));
      return Number.isFinite(len) && len > 0 ? len : (await res.blob()).size;
    },
    async readJson(scope, url) {
      const c = await caches.open(scope);
      const res = await c.match(new Request(url));
      return res ? ((await res.json()) as unknown) : undefined;
    },
    async delete(scope, url) {
      const c = await caches.open(scope);
      await c.delete(new Request(url));
    },
  };
}

function openScope(scope: CacheScope): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(scope, 1);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains('urls')) req.result.createObjectStore('urls', { keyPath: 'url' });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error(`Cannot open ${scope}`));
  });
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

async function withStore<T>(scope: CacheScope, mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openScope(scope);
  try {
    return await request(run(db.transaction('urls', mode).objectStore('urls')));
  } finally {
    db.close();
  }
}

function indexedDbStore(): ArtifactStore {
  const get = (scope: CacheScope, url: string) =>
    withStore(scope, 'readonly', (s) => s.get(url) as IDBRequest<{ url: string; data: unknown } | undefined>);
  return {
    async keys(scope) {
      const all = await withStore(scope, 'readonly', (s) => s.getAllKeys());
      return new Set(all.map(String));
    },
    async put(scope, url, data, as) {
      // Read before the transaction opens: no non-IDB awaits inside it.
      const value = as === 'json' ? (JSON.parse(await data.text()) as unknown) : await data.arrayBuffer();
      await withStore(scope, 'readwrite', (s) => s.put({ url, data: value }));
    },
    async size(scope, url) {
      const v = await get(scope, url);
      if (v === undefined) return undefined;
      return v.data instanceof ArrayBuffer ? v.data.byteLength : new Blob([JSON.stringify(v.data)]).size;
    },
    async readJson(scope, url) {
      return (await get(scope, url))?.data;
    },
    async delete(scope, url) {
      await withStore(scope, 'readwrite', (s) => s.delete(url));
    },
  };
}
