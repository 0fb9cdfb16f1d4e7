/**
 * <model-manager> with in-memory services (no weights): fit marks for an adapter without
 * shader-f16, recommendation, download progress with Cancel, cached list with Delete, import
 * through the real cache into Cache Storage. Only web-llm records are listed (never the test engine).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { prebuiltAppConfig, type ModelRecord } from '@mlc-ai/web-llm';
import '../../../src/components/model-manager/model-manager';
import type { ModelManager } from '../../../src/components/model-manager/model-manager';
import type { ModelServices } from '../../../src/components/model-manager/context';
import type { Capabilities } from '../../../src/components/capability-panel/probe';
import type { LlmModelInfo } from '../../../src/contracts/llm';
import type { ProgressCallback } from '../../../src/contracts/progress';
import { AppError } from '../../../src/core/errors';
import { importModelFolder, listCachedModels, deleteCachedModel } from '../../../src/llm/webllm/cache';
import type { CachedModel } from '../../../src/llm/webllm/cache';
import { deepQuery, deepQueryAll, waitFor } from '../ui/helpers';
import { fakeFolder, fakeRecord } from './fake-model';

const pick = (id: string): ModelRecord => {
  const r = prebuiltAppConfig.model_list.find((x) => x.model_id === id);
  if (!r) throw new Error(id);
  return r;
};

const caps = (shaderF16: boolean): Capabilities => ({
  gpu: {
    available: true, vendor: 'google', architecture: 'swiftshader', description: '', device: '', features: [], shaderF16,
    limits: { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 31 },
  },
  workers: true, indexedDb: true, storageManager: true,
});

interface Fake extends ModelServices {
  loads: string[];
  removed: string[];
  release: () => void;
}

function fakeServices(records: ModelRecord[], cached: CachedModel[] = []): Fake {
  let release = (): void => {};
  let loaded: LlmModelInfo | undefined;
  const s: Fake = {
    loads: [],
    removed: [],
    release: () => release(),
    records: async () => records,
    cache: {
      list: async () => cached.filter((c) => !s.removed.includes(c.ids[0] ?? '')),
      remove: async (id) => void s.removed.push(id),
      importFolder: async () => ({ bytes: 0 }),
    },
    llm: {
      async load(id: string, onProgress?: ProgressCallback, signal?: AbortSignal) {
        s.loads.push(id);
        onProgress?.({ stage: 'model-download', done: 5e8, total: 2e9, unit: 'bytes', text: 'Downloading weights of x: 500 MB of ≈2000 MB', elapsedMs: 10_000 });
        await new Promise<void>((resolve, reject) => {
          release = resolve;
          signal?.addEventListener('abort', () => reject(new AppError('AbortError', 'Loading cancelled.')));
        });
        loaded = { id, backend: 'webllm', contextWindow: 4096, supportsLogprobs: true, supportsJsonSchema: true, supportsPrefixReuse: false };
        return loaded;
      },
      abort: async () => {},
      info: async () => loaded,
      stats: async () => (loaded ? { decodeTokensPerS: 23.4, prefillTokensPerS: 500, generatedTokens: 10 } : undefined),
      unload: async () => void (loaded = undefined),
    },
  };
  return s;
}

const records = ['Qwen2.5-3B-Instruct-q4f16_1-MLC', 'Qwen2.5-3B-Instruct-q4f32_1-MLC', 'Llama-3.1-8B-Instruct-q4f16_1-MLC', 'Llama-3.1-8B-Instruct-q4f32_1-MLC', 'snowflake-arctic-embed-s-q0f32-MLC-b4'].map(pick);

async function mount(services: ModelServices, capabilities: Capabilities): Promise<ModelManager> {
  const el = document.createElement('model-manager');
  el.services = services;
  el.capabilities = capabilities;
  document.body.append(el);
  await waitFor(() => deepQueryAll('model-table tbody tr').length > 0, 10_000, 'rows');
  return el;
}

const row = (id: string) => deepQuery(`model-table tr[data-model="${id}"]`);

afterEach(() => document.body.replaceChildren());

describe('<model-manager>', () => {
  it('marks f16 builds on an adapter without shader-f16, offers the f32 build, and recommends one', async () => {
    const s = fakeServices(records);
    await mount(s, caps(false));
    expect(deepQuery('model-manager [data-testid="recommendation"]')?.textContent).toContain('Qwen2.5-3B-Instruct-q4f32_1-MLC');
    const f16 = row('Qwen2.5-3B-Instruct-q4f16_1-MLC');
    expect(f16?.querySelector('[data-testid="fit"]')?.textContent).toContain('Needs shader-f16');
    expect(f16?.querySelector('[data-testid="size"]')?.textContent).toMatch(/^≈\d/);
    expect(row('Qwen2.5-3B-Instruct-q4f32_1-MLC')?.textContent).toContain('Recommended');
    // Embedding models are hidden while "Chat models only" is on.
    expect(row('snowflake-arctic-embed-s-q0f32-MLC-b4')).toBeNull();
    const useF32 = f16?.querySelector('button');
    expect(useF32?.getAttribute('aria-label')).toBe('Use f32 build: load Qwen2.5-3B-Instruct-q4f32_1-MLC instead of Qwen2.5-3B-Instruct-q4f16_1-MLC');
    useF32?.click();
    await waitFor(() => s.loads.length === 1, 5000, 'load');
    expect(s.loads).toEqual(['Qwen2.5-3B-Instruct-q4f32_1-MLC']);
    s.release();
    await waitFor(() => deepQuery('model-manager [data-testid="loaded"]')?.textContent?.includes('tokens/s'), 10_000, 'loaded');
    expect(deepQuery('model-manager [data-testid="loaded"]')?.textContent).toContain('23.4 tokens/s');
  });

  it('shows download bytes, rate and time left, and Cancel stops the download', async () => {
    const s = fakeServices(records);
    await mount(s, caps(true));
    const btn = row('Llama-3.1-8B-Instruct-q4f16_1-MLC')?.querySelector('button');
    expect(btn?.textContent?.trim()).toBe('Download');
    btn?.click();
    await waitFor(() => deepQuery('model-manager [data-testid="job-done"]')?.textContent?.includes('500.0 MB'), 5000, 'progress');
    expect(deepQuery('model-manager [data-testid="job-done"]')?.textContent).toBe('500.0 MB of ≈2.0 GB');
    expect(deepQuery('model-manager [data-testid="job-eta"]')?.textContent).toBe('30 s');
    expect(deepQuery('model-manager [role="progressbar"]')?.getAttribute('aria-valuenow')).toBe('25');
    const cancel = deepQueryAll<HTMLButtonElement>('model-manager .job button').find((b) => b.textContent?.includes('Cancel'));
    cancel?.click();
    await waitFor(() => deepQuery('model-manager [data-testid="status"]')?.textContent?.includes('cancelled'), 5000, 'cancelled');
    expect(deepQuery('model-manager .job')).toBeNull();
  });

  it('lists stored models with size and deletes after confirmation', async () => {
    const cached: CachedModel[] = [{ ids: ['Qwen2.5-3B-Instruct-q4f16_1-MLC'], modelUrl: 'x', bytes: 1_750_000_000, shardsCached: 2, shardsTotal: 2, complete: true, missing: [] }];
    const s = fakeServices(records, cached);
    await mount(s, caps(true));
    await waitFor(() => deepQuery('model-cache-list [data-testid="cached-size"]'), 5000, 'cached');
    expect(deepQuery('model-cache-list [data-testid="cached-size"]')?.textContent).toBe('1.8 GB');
    expect(row('Qwen2.5-3B-Instruct-q4f16_1-MLC')?.querySelector('[data-testid="size"]')?.textContent).toBe('1.8 GB');
    deepQuery<HTMLButtonElement>('model-cache-list button[aria-label="Delete Qwen2.5-3B-Instruct-q4f16_1-MLC"]')?.click();
    await waitFor(() => deepQuery('model-cache-list button[aria-label="Confirm deleting Qwen2.5-3B-Instruct-q4f16_1-MLC"]'), 5000, 'confirm');
    expect(s.removed).toEqual([]);
    deepQuery<HTMLButtonElement>('model-cache-list button[aria-label="Confirm deleting Qwen2.5-3B-Instruct-q4f16_1-MLC"]')?.click();
    await waitFor(() => s.removed.length === 1, 5000, 'removed');
    await waitFor(() => deepQuery('model-cache-list .empty'), 5000, 'empty list');
  });

  it('imports a picked folder through the real cache and then lists it', async () => {
    const r = fakeRecord('UiImport');
    const s = fakeServices([r]);
    s.cache = {
      list: () => listCachedModels([r], { cacheBackend: 'cache' }),
      remove: async () => {},
      importFolder: (files, _id, onProgress, signal) => importModelFolder(files, r, { cacheBackend: 'cache' }, onProgress, signal),
    };
    await mount(s, caps(true));
    const importer = deepQuery('model-import');
    importer?.dispatchEvent(new CustomEvent('pa-model-import', { detail: { files: fakeFolder('UiImport'), modelId: r.model_id }, bubbles: true, composed: true }));
    await waitFor(() => deepQuery('model-manager [data-testid="status"]')?.textContent?.includes('loads without network'), 10_000, 'imported');
    await waitFor(() => deepQuery('model-cache-list [data-testid="cached-size"]'), 5000, 'cached');
    expect(deepQuery('model-cache-list li')?.textContent).toContain('works offline');
    await deleteCachedModel(r, [r], { model_list: [r], cacheBackend: 'cache' });
  });

  it('says why nothing can run without WebGPU', async () => {
    const s = fakeServices(records);
    const none: Capabilities = { ...caps(false), gpu: { ...caps(false).gpu, available: false, reason: 'navigator.gpu is missing.' } };
    await mount(s, none);
    expect(deepQuery('model-manager .error')?.textContent).toContain('WebGPU is not available');
    expect(deepQueryAll<HTMLButtonElement>('model-table button').every((b) => b.disabled)).toBe(true);
  });
});
