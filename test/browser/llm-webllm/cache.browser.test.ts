/**
 * Offline import, listing and delete against the real Cache Storage / IndexedDB, checked with
 * web-llm's own hasModelInCache: the proof that an imported folder loads without network.
 */
import { describe, expect, it } from 'vitest';
import { hasModelInCache, type AppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import { deleteCachedModel, importModelFolder, listCachedModels } from '../../../src/llm/webllm/cache';
import { modelUrls } from '../../../src/llm/webllm/urls';
import type { Progress } from '../../../src/contracts/progress';
import { fakeFolder, fakeRecord } from './fake-model';

const cfg = (r: ModelRecord, cacheBackend: AppConfig['cacheBackend'] = 'cache'): AppConfig => ({ model_list: [r], cacheBackend });

async function cachedUrls(): Promise<string[]> {
  const out: string[] = [];
  for (const scope of ['webllm/model', 'webllm/config', 'webllm/wasm']) {
    const c = await caches.open(scope);
    out.push(...(await c.keys()).map((k) => k.url));
  }
  return out;
}

describe('model folder import into the web-llm cache', () => {
  it('writes every file where web-llm looks, lists it with its size, and deletes it', async () => {
    const r = fakeRecord('ImportA');
    expect(await hasModelInCache(r.model_id, cfg(r))).toBe(false);
    const seen: Progress[] = [];
    const { bytes } = await importModelFolder(fakeFolder('ImportA'), r, cfg(r), (p) => seen.push(p));

    expect(await hasModelInCache(r.model_id, cfg(r))).toBe(true);
    const u = modelUrls(r);
    const urls = await cachedUrls();
    for (const url of [u.manifestUrl, u.configUrl, u.wasmUrl, u.fileUrl('params_shard_2.bin'), u.fileUrl('tokenizer.json')]) expect(urls).toContain(url);
    expect(u.manifestUrl).toBe('https://huggingface.co/test-org/ImportA-q4f32_1-MLC/resolve/main/tensor-cache.json');

    expect(seen.at(-1)?.done).toBe(bytes);
    expect(seen.at(-1)?.unit).toBe('bytes');
    expect(seen.at(-1)?.text).toContain('tensor-cache.json'); // the manifest is written last

    const list = await listCachedModels([r], cfg(r));
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ ids: [r.model_id], complete: true, shardsCached: 3, shardsTotal: 3, missing: [] });
    expect(list[0]?.bytes).toBe(bytes);

    await deleteCachedModel(r, [r], cfg(r));
    expect(await hasModelInCache(r.model_id, cfg(r))).toBe(false);
    expect((await cachedUrls()).filter((x) => x.includes('ImportA'))).toEqual([]);
    expect(await listCachedModels([r], cfg(r))).toEqual([]);
  });

  it('accepts an older folder with ndarray-cache.json and stores it under tensor-cache.json', async () => {
    const r = fakeRecord('ImportLegacy');
    await importModelFolder(fakeFolder('ImportLegacy', { legacyManifest: true }), r, cfg(r));
    expect(await hasModelInCache(r.model_id, cfg(r))).toBe(true);
    await deleteCachedModel(r, [r], cfg(r));
  });

  it('lists missing shards by name and writes nothing', async () => {
    const r = fakeRecord('ImportMissing');
    const files = fakeFolder('ImportMissing').filter((f) => f.path !== 'params_shard_1.bin' && f.path !== 'tokenizer.json');
    await expect(importModelFolder(files, r, cfg(r))).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/Missing from the folder: .*tokenizer\.json.*params_shard_1\.bin/),
    });
    expect((await cachedUrls()).filter((x) => x.includes('ImportMissing'))).toEqual([]);
  });

  it('rejects a truncated shard, a missing model library and a broken manifest, naming each', async () => {
    const r = fakeRecord('ImportBad');
    const truncated = fakeFolder('ImportBad').map((f) => (f.path === 'params_shard_0.bin' ? { ...f, file: new Blob([new Uint8Array(10)]) } : f));
    await expect(importModelFolder(truncated, r, cfg(r))).rejects.toThrow(/params_shard_0\.bin has 10 bytes; tensor-cache\.json says 64/);
    const noWasm = fakeFolder('ImportBad').filter((f) => !f.path.endsWith('.wasm'));
    await expect(importModelFolder(noWasm, r, cfg(r))).rejects.toThrow(/ImportBad-q4f32_1_cs1k-webgpu\.wasm \(the model library/);
    const broken = fakeFolder('ImportBad').map((f) => (f.path === 'tensor-cache.json' ? { ...f, file: new Blob(['{nope']) } : f));
    await expect(importModelFolder(broken, r, cfg(r))).rejects.toThrow(/tensor-cache\.json is not valid JSON/);
    expect((await cachedUrls()).filter((x) => x.includes('ImportBad'))).toEqual([]);
  });

  it('cancel removes every entry already written', async () => {
    const r = fakeRecord('ImportCancel');
    const ctrl = new AbortController();
    const run = importModelFolder(fakeFolder('ImportCancel'), r, cfg(r), (p) => {
      if ((p.counts?.files ?? 0) >= 2) ctrl.abort();
    }, ctrl.signal);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(await hasModelInCache(r.model_id, cfg(r))).toBe(false);
    expect((await cachedUrls()).filter((x) => x.includes('ImportCancel'))).toEqual([]);
  });

  it('keeps a model library another cached model still uses', async () => {
    const a = fakeRecord('SharedA');
    const b = { ...fakeRecord('SharedB'), model_lib: a.model_lib };
    const filesB = fakeFolder('SharedB').map((f) => (f.path.endsWith('.wasm') ? { ...f, path: 'SharedA-q4f32_1_cs1k-webgpu.wasm' } : f));
    await importModelFolder(fakeFolder('SharedA'), a, cfg(a));
    await importModelFolder(filesB, b, cfg(b));
    await deleteCachedModel(a, [a, b], cfg(a));
    expect(await hasModelInCache(b.model_id, cfg(b))).toBe(true);
    expect(await cachedUrls()).toContain(modelUrls(b).wasmUrl);
    await deleteCachedModel(b, [a, b], cfg(b));
    expect(await cachedUrls()).not.toContain(modelUrls(b).wasmUrl);
  });

  it('imports into the IndexedDB backend as web-llm reads it', async () => {
    const r = fakeRecord('ImportIdb');
    await importModelFolder(fakeFolder('ImportIdb'), r, cfg(r, 'indexeddb'));
    expect(await hasModelInCache(r.model_id, cfg(r, 'indexeddb'))).toBe(true);
    expect(await hasModelInCache(r.model_id, cfg(r, 'cache'))).toBe(false);
    const list = await listCachedModels([r], cfg(r, 'indexeddb'));
    expect(list[0]?.complete).toBe(true);
    await deleteCachedModel(r, [r], cfg(r, 'indexeddb'));
    expect(await hasModelInCache(r.model_id, cfg(r, 'indexeddb'))).toBe(false);
  });
});
