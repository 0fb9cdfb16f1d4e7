/**
 * The real LLM worker with web-llm's real MLCEngine, without weights: loading a model that is not
 * cached must fail fast with a clear ModelError (no network here; the model URL is a refusing port
 * on 127.0.0.1), and a model imported from a folder must be read from the cache, not the network.
 */
import { describe, expect, it } from 'vitest';
import type { ModelRecord } from '@mlc-ai/web-llm';
import { WebLlmService } from '../../../src/services/llm-service';
import { deleteCachedModel, importModelFolder } from '../../../src/llm/webllm/cache';
import type { Progress } from '../../../src/contracts/progress';
import { fakeFolder } from './fake-model';
import { createWebLlmModelServices } from '../../../src/components/model-manager/services';

const REFUSING = 'http://127.0.0.1:9'; // discard port: nothing listens, connections are refused at once

function offlineRecord(name: string): ModelRecord {
  return {
    model: `${REFUSING}/models/${name}-q4f32_1-MLC`,
    model_id: `${name}-q4f32_1-MLC`,
    model_lib: `${REFUSING}/libs/${name}-q4f32_1_cs1k-webgpu.wasm`,
    vram_required_MB: 100,
    low_resource_required: true,
    overrides: { context_window_size: 1024 },
  };
}

describe('web-llm worker', () => {
  it('fails fast with a ModelError that says what to do when the model cannot be downloaded', async () => {
    const r = offlineRecord('Unreachable');
    const llm = new WebLlmService({ config: { extraRecords: [r] } });
    const t0 = performance.now();
    const err = await llm.load(r.model_id).then(() => undefined, (e: unknown) => e);
    const ms = performance.now() - t0;
    expect(err).toMatchObject({ name: 'ModelError' });
    expect((err as Error).message).toMatch(/Could not download Unreachable-q4f32_1-MLC.*import the model folder/s);
    expect(ms).toBeLessThan(20_000);
    expect(await llm.info()).toBeUndefined();
    // The worker survives a failed load and answers the next call.
    await expect(llm.chat({ messages: [{ role: 'user', content: 'hi' }] })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/No model is loaded/) });
    llm.terminate();
  });

  it('rejects an unknown model id with a ModelError', async () => {
    const llm = new WebLlmService();
    await expect(llm.load('No-Such-Model-q4f16_1-MLC')).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/no model "No-Such-Model/) });
    llm.terminate();
  });

  it('reads an imported model from the cache, not the network', async () => {
    const r = offlineRecord('Imported');
    await importModelFolder(fakeFolder('Imported'), r, { cacheBackend: 'cache' });
    const llm = new WebLlmService({ config: { extraRecords: [r] } });
    const seen: Progress[] = [];
    const err = await llm.load(r.model_id, (p) => seen.push(p)).then(() => undefined, (e: unknown) => e);
    // The fake model library is 32 zero bytes: web-llm got past the config and the cached .wasm
    // (a network fetch would have been refused and reported as "Could not download").
    expect(err).toMatchObject({ name: 'ModelError' });
    expect((err as Error).message).not.toMatch(/Could not download/);
    expect((err as Error).message).toMatch(/model library.*not a valid web-llm library.*WebAssembly/s);
    llm.terminate();
    await deleteCachedModel(r, [r], { model_list: [r], cacheBackend: 'cache' });
  });

  it('abort() before a load settles rejects it with AbortError or the download error, and the service recovers', async () => {
    const r = offlineRecord('Aborted');
    const llm = new WebLlmService({ config: { extraRecords: [r] }, abortGraceMs: 500 });
    const run = llm.load(r.model_id).then(() => undefined, (e: unknown) => e);
    await llm.abort();
    const err = await run;
    expect(['AbortError', 'ModelError']).toContain((err as Error).name);
    await expect(llm.load('No-Such-Model-q4f16_1-MLC')).rejects.toMatchObject({ name: 'ModelError' });
    llm.terminate();
  });

  it('starts a fresh worker on the next call after a GpuError (device lost)', async () => {
    let started = 0;
    const llm = new WebLlmService({
      createWorker: () => {
        started++;
        return new Worker(new URL('./gpu-lost.worker.ts', import.meta.url), { type: 'module' });
      },
    });
    const first = await llm.load('M');
    await expect(llm.chat({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ name: 'GpuError' });
    expect(await llm.info()).toBeUndefined(); // the dead worker is gone; no new one started just to ask
    const second = await llm.load('M');
    expect(started).toBe(2);
    expect(second.id).not.toBe(first.id);
    llm.terminate();
  });

  it('lists, imports and deletes stored models inside the worker (the page never loads web-llm)', async () => {
    const r = offlineRecord('ViaWorker');
    const llm = new WebLlmService({ config: { extraRecords: [r] } });
    const services = createWebLlmModelServices({ llm });
    const all = await services.records();
    expect(all.length).toBeGreaterThan(100);
    expect(all.some((x) => /test/i.test(x.model_id) && x.model_id !== r.model_id)).toBe(false); // never a test engine
    const seen: Progress[] = [];
    const { bytes } = await services.cache.importFolder(fakeFolder('ViaWorker'), r.model_id, (p) => seen.push(p));
    expect(seen.at(-1)?.done).toBe(bytes);
    const listed = await services.cache.list();
    expect(listed.find((c) => c.ids.includes(r.model_id))).toMatchObject({ complete: true, bytes });
    await services.cache.remove(r.model_id);
    expect((await services.cache.list()).some((c) => c.ids.includes(r.model_id))).toBe(false);
    // A cancelled import through the worker keeps nothing.
    const ctrl = new AbortController();
    ctrl.abort();
    await expect(services.cache.importFolder(fakeFolder('ViaWorker'), r.model_id, undefined, ctrl.signal)).rejects.toMatchObject({ name: 'AbortError' });
    await expect(services.cache.importFolder(fakeFolder('ViaWorker').slice(1), r.model_id)).rejects.toMatchObject({ name: 'InputError' });
    expect((await services.cache.list()).some((c) => c.ids.includes(r.model_id))).toBe(false);
    llm.terminate();
  });
});
