import { describe, expect, it } from 'vitest';
import { prebuiltAppConfig } from '@mlc-ai/web-llm';
import {
  buildRegistry,
  fitModel,
  fitModels,
  parseParamsB,
  parseQuantisation,
  recommendModel,
  RECOMMENDED_BASES,
  type DeviceFit,
} from '../../../src/llm/webllm/registry';

const registry = buildRegistry(prebuiltAppConfig.model_list);
const byId = new Map(registry.map((e) => [e.id, e]));
const GiB = 1 << 30;
const desktop: DeviceFit = { hasShaderF16: true, maxBufferSize: 2 * GiB, maxStorageBufferBindingSize: 2 * GiB };
const noF16: DeviceFit = { ...desktop, hasShaderF16: false };

describe('buildRegistry on the real prebuiltAppConfig', () => {
  it('has one entry per web-llm model with the fields filled', () => {
    expect(registry.length).toBe(prebuiltAppConfig.model_list.length);
    expect(registry.length).toBeGreaterThan(100);
    for (const e of registry) {
      expect(e.quantisation).toMatch(/^q\d+f\d+/);
      expect(e.family.length).toBeGreaterThan(0);
      expect(e.vramMB).toBeGreaterThan(0);
      expect(e.paramsB, e.id).toBeGreaterThan(0);
      expect(e.downloadBytesEstimate, e.id).toBeGreaterThan(0);
      if (e.chat) expect(e.contextWindow, e.id).toBeGreaterThanOrEqual(1024);
    }
  });

  it('parses sizes and quantisations from ids', () => {
    expect(parseParamsB('Llama-3.2-3B-Instruct-q4f16_1-MLC')).toBe(3);
    expect(parseParamsB('Qwen3-0.6B-q4f16_1-MLC')).toBe(0.6);
    expect(parseParamsB('SmolLM2-135M-Instruct-q0f16-MLC')).toBeCloseTo(0.135);
    expect(parseParamsB('stablelm-2-zephyr-1_6b-q4f16_1-MLC')).toBe(1.6);
    expect(parseParamsB('Phi-3.5-mini-instruct-q4f16_1-MLC')).toBe(3.8);
    expect(parseQuantisation('Llama-3.1-8B-Instruct-q4f32_1-MLC-1k')).toBe('q4f32_1');
    // 3B at 4.5 bits/weight ≈ 1.7 GB: the order of magnitude of the real download (≈1.8 GB).
    const e = byId.get('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    expect(e?.downloadBytesEstimate).toBeGreaterThan(1.5e9);
    expect(e?.downloadBytesEstimate).toBeLessThan(2.2e9);
  });

  it('finds a q4f32 twin for every q4f16 chat model that web-llm builds both ways', () => {
    const f16 = registry.filter((e) => e.quantisation === 'q4f16_1');
    expect(f16.length).toBeGreaterThan(30);
    const withTwin = f16.filter((e) => e.f32Twin !== undefined);
    // Nearly all have one; the few without (e.g. gemma3-1b) are listed so a change is noticed.
    const without = f16.filter((e) => e.f32Twin === undefined).map((e) => e.id);
    expect(withTwin.length).toBeGreaterThan(f16.length * 0.85);
    for (const e of withTwin) expect(byId.get(e.f32Twin ?? '')?.quantisation).toBe('q4f32_1');
    expect(without.length, without.join(', ')).toBeLessThanOrEqual(10);
    for (const base of RECOMMENDED_BASES) expect(byId.get(`${base}-q4f16_1-MLC`)?.f32Twin).toBe(`${base}-q4f32_1-MLC`);
  });

  it('treats every f16 build as needing shader-f16, even where web-llm omits required_features', () => {
    const llama = byId.get('Llama-3.2-3B-Instruct-q4f16_1-MLC');
    expect(llama?.record.required_features).toBeUndefined();
    expect(llama?.needsShaderF16).toBe(true);
    expect(byId.get('Llama-3.2-3B-Instruct-q4f32_1-MLC')?.needsShaderF16).toBe(false);
  });

  it('marks embedding, vision, coder and math models as not for persona writing', () => {
    expect(byId.get('snowflake-arctic-embed-m-q0f32-MLC-b4')?.chat).toBe(false);
    expect(byId.get('Phi-3.5-vision-instruct-q4f16_1-MLC')?.chat).toBe(false);
    expect(byId.get('Qwen2.5-Coder-7B-Instruct-q4f16_1-MLC')?.chat).toBe(false);
    expect(byId.get('Qwen2.5-7B-Instruct-q4f16_1-MLC')?.chat).toBe(true);
  });
});

describe('fitModels', () => {
  it('without shader-f16 marks f16 builds and offers the q4f32 twin', () => {
    const fits = fitModels(registry, noF16);
    const f = fits.find((x) => x.entry.id === 'Qwen2.5-3B-Instruct-q4f16_1-MLC');
    expect(f?.status).toBe('needs-shader-f16');
    expect(f?.alternative).toBe('Qwen2.5-3B-Instruct-q4f32_1-MLC');
    expect(f?.reason).toContain('Qwen2.5-3B-Instruct-q4f32_1-MLC');
    expect(fits.find((x) => x.entry.id === 'Qwen2.5-3B-Instruct-q4f32_1-MLC')?.status).toBe('fits');
    expect(fits.every((x) => x.status !== 'needs-shader-f16' || x.entry.needsShaderF16)).toBe(true);
  });

  it('applies a memory budget with a message that says what to do', () => {
    const e = byId.get('Llama-3.1-8B-Instruct-q4f16_1-MLC');
    if (!e) throw new Error('missing');
    const f = fitModel(e, { ...desktop, memoryBudgetMB: 4000 });
    expect(f.status).toBe('too-big');
    expect(f.reason).toMatch(/needs about 5\.0 GB of GPU memory.*pick a smaller one/);
    expect(fitModel(e, { ...desktop, memoryBudgetMB: 8000 }).status).toBe('fits');
  });

  it('flags non-low-resource builds on adapters with the 128 MiB storage-buffer default', () => {
    const small: DeviceFit = { hasShaderF16: true, maxBufferSize: 256 * (1 << 20), maxStorageBufferBindingSize: 128 * (1 << 20) };
    const big = byId.get('Llama-3.1-8B-Instruct-q4f16_1-MLC');
    const low = byId.get('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    if (!big || !low) throw new Error('missing');
    expect(fitModel(big, small).status).toBe('limited');
    expect(fitModel(low, small).status).toBe('fits');
    expect(fitModel(low, { ...small, maxBufferSize: 64 << 20 }).status).toBe('too-big');
  });
});

describe('recommendModel', () => {
  it('picks a 3B instruct model when the memory is unknown', () => {
    expect(recommendModel(registry, desktop)?.id).toBe('Qwen2.5-3B-Instruct-q4f16_1-MLC');
    expect(recommendModel(registry, noF16)?.id).toBe('Qwen2.5-3B-Instruct-q4f32_1-MLC');
  });

  it('scales with the memory budget and prefers q4f32 without shader-f16', () => {
    expect(recommendModel(registry, { ...desktop, memoryBudgetMB: 8000 })?.id).toBe('Qwen2.5-7B-Instruct-q4f16_1-MLC');
    expect(recommendModel(registry, { ...noF16, memoryBudgetMB: 8000 })?.id).toBe('Qwen2.5-7B-Instruct-q4f32_1-MLC');
    expect(recommendModel(registry, { ...desktop, memoryBudgetMB: 2000 })?.id).toBe('Qwen2.5-1.5B-Instruct-q4f16_1-MLC');
    expect(recommendModel(registry, { ...desktop, memoryBudgetMB: 1000 })?.id).toBe('Llama-3.2-1B-Instruct-q4f16_1-MLC');
    expect(recommendModel(registry, { ...desktop, memoryBudgetMB: 500 })).toBeUndefined();
  });

  it('prints the README table (GPU memory → model)', () => {
    const rows = [1000, 1500, 2000, 3000, 4000, 6000, 8000].map((mb) => ({
      mb,
      f16: recommendModel(registry, { ...desktop, memoryBudgetMB: mb })?.id ?? '—',
      f32: recommendModel(registry, { ...noF16, memoryBudgetMB: mb })?.id ?? '—',
    }));
    expect(rows.length).toBe(7);
    if (process.env.PRINT_TABLE) for (const r of rows) console.log(`| ${r.mb} MB | ${r.f16} | ${r.f32} |`);
  });
});
