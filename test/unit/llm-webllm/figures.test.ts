import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import { deviceFitFrom, downloadFigures, modelRows } from '../../../src/components/model-manager/figures';
import { buildRegistry, fitModels } from '../../../src/llm/webllm/registry';
import type { Capabilities } from '../../../src/components/capability-panel/probe';

const registry = buildRegistry(prebuiltAppConfig.model_list);
const caps = (over: Partial<Capabilities['gpu']> = {}): Capabilities => ({
  gpu: { available: true, vendor: '', architecture: '', description: '', device: '', features: [], shaderF16: false, limits: {}, ...over },
  workers: true, indexedDb: true, storageManager: true,
});

describe('model-manager figures', () => {
  it('reads the adapter limits, with WebGPU defaults when the probe lacks them', () => {
    expect(deviceFitFrom(caps())).toEqual({ hasShaderF16: false, maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 });
    expect(deviceFitFrom(caps({ shaderF16: true, limits: { maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 } }), 6000)).toEqual({
      hasShaderF16: true, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30, memoryBudgetMB: 6000,
    });
    expect(deviceFitFrom(caps({ available: false }))).toBeUndefined();
  });

  it('filters, puts the recommended and cached models first, and labels sizes honestly', () => {
    const fits = fitModels(registry, { hasShaderF16: true, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 30 });
    const cached = [{ ids: ['Llama-3.2-1B-Instruct-q4f16_1-MLC'], modelUrl: '', bytes: 700_000_000, shardsCached: 1, shardsTotal: 1, complete: true, missing: [] }];
    const rows = modelRows(fits, { text: 'instruct q4f16', chatOnly: true, fitsOnly: true }, 'Qwen2.5-3B-Instruct-q4f16_1-MLC', cached);
    expect(rows[0]?.fit.entry.id).toBe('Qwen2.5-3B-Instruct-q4f16_1-MLC');
    expect(rows[1]?.fit.entry.id).toBe('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(rows[1]?.size).toBe('700.0 MB');
    expect(rows[0]?.size.startsWith('≈')).toBe(true);
    expect(rows.every((r) => r.fit.entry.chat && r.fit.status === 'fits' && r.fit.entry.quantisation === 'q4f16_1')).toBe(true);
  });

  it('gives bytes, rate and time left for a download, ≈ when the total is estimated', () => {
    const f = downloadFigures({ stage: 'model-download', done: 4e8, total: 2e9, unit: 'bytes', text: 'Downloading weights of M: 400 MB of ≈2000 MB', elapsedMs: 20_000 });
    expect(f).toMatchObject({ percent: 20, done: '400.0 MB of ≈2.0 GB', rate: '20 MB/s', eta: '1 min 20 s' });
    expect(downloadFigures({ stage: 'model-compile', done: 3, total: 4, unit: 'shaders', text: 'Compiling', elapsedMs: 1 })).toMatchObject({ done: '3 of 4', eta: '—' });
  });
});
