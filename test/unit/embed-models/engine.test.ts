import { describe, expect, it } from 'vitest';
import { createEmbedApi, type Extractor, type ExtractorRequest } from '../../../src/embed-models/engine';
import { importEmbedFolder } from '../../../src/embed-models/cache';
import { findEmbedModel, type Pooling } from '../../../src/embed-models/registry';
import type { Progress } from '../../../src/contracts/progress';
import { fakeFolder, memoryStore, rejection } from './helpers';

const MINILM = 'Xenova/all-MiniLM-L6-v2';
const E5 = 'Xenova/multilingual-e5-small';

/** A stand-in pipeline: unit vectors from character codes, recording every call. */
function fakeExtractor(dim = 384, opts: { nanAt?: number; wrongDim?: boolean } = {}) {
  const calls: Array<{ texts: string[]; pooling: Pooling }> = [];
  const requests: ExtractorRequest[] = [];
  let disposed = 0;
  const create = async (req: ExtractorRequest): Promise<Extractor> => {
    requests.push(req);
    req.onBytes(10, 100);
    req.onBytes(100, 100);
    return {
      async run(texts, pooling) {
        calls.push({ texts, pooling });
        const d = opts.wrongDim ? dim - 1 : dim;
        const data = new Float32Array(texts.length * d);
        texts.forEach((t, i) => {
          let ss = 0;
          for (let j = 0; j < d; j++) {
            const v = Math.sin((t.charCodeAt(j % t.length) || 1) * (j + 1));
            data[i * d + j] = v;
            ss += v * v;
          }
          for (let j = 0; j < d; j++) data[i * d + j] = (data[i * d + j] as number) / Math.sqrt(ss);
        });
        if (opts.nanAt !== undefined && calls.length === 1) data[opts.nanAt] = Number.NaN;
        return { data, dims: [texts.length, d] };
      },
      async dispose() {
        disposed++;
      },
    };
  };
  return { create, calls, requests, disposed: () => disposed };
}

const noGpu = async () => ({ webgpu: false, shaderF16: false });
const gpu = async () => ({ webgpu: true, shaderF16: false });

describe('embedding worker API', () => {
  it('serves "lexical (no model)": load, fit, embed, with its limits and a fit-named model id', async () => {
    const api = createEmbedApi({ files: () => memoryStore() });
    const info = await api.load('lexical');
    expect(info).toMatchObject({ backend: 'lexical', needsFit: true, fitted: false });
    expect(info.limits?.join(' ')).toMatch(/no synonyms/);
    await expect(api.embed(['a'])).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/fit it/) });
    const fitted = await api.fit(['red apples and pears', 'blue sea and sky', 'green apples']);
    expect(fitted.modelId).not.toBe('lexical');
    const e = await api.embed(['red apples', 'blue sky']);
    expect(e).toMatchObject({ n: 2, dim: fitted.dim, modelId: fitted.modelId, normalized: true });
  });

  it('rejects embed before any load with a ModelError that says what to pick', async () => {
    const api = createEmbedApi({ files: () => memoryStore() });
    await expect(api.embed(['x'])).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/lexical \(no model\)/) });
  });

  it('downloads on WebGPU in fp32 by default with byte progress, then embeds with the model\'s pooling and prefixes', async () => {
    const fake = fakeExtractor();
    const api = createEmbedApi({ files: () => memoryStore(), createExtractor: fake.create, probeGpu: gpu, batchSize: 2 });
    const seen: Progress[] = [];
    const info = await api.load(E5, (p) => seen.push(p));
    expect(info).toMatchObject({ modelId: `${E5}@fp32`, backend: 'transformers', dim: 384, device: 'webgpu', needsFit: false, fitted: true, maxTokens: 512 });
    expect(fake.requests[0]).toMatchObject({ modelId: E5, device: 'webgpu', dtype: 'fp32', offline: false, remoteHost: 'https://huggingface.co/' });
    expect(seen.every((p) => p.unit === 'bytes')).toBe(true);
    expect(seen[0]?.text).toMatch(/Downloading multilingual-E5-small.*≈470 MB/);
    expect(seen.some((p) => p.done === 100 && p.total === 100)).toBe(true);

    const prog: Progress[] = [];
    const q = await api.embed(['adults in East Asia'], { role: 'query' });
    const p = await api.embed(['I live in Osaka.', 'I teach.', 'I sail.'], undefined, (x) => prog.push(x));
    expect(fake.calls.map((c) => c.texts)).toEqual([['query: adults in East Asia'], ['passage: I live in Osaka.', 'passage: I teach.'], ['passage: I sail.']]);
    expect(fake.calls.every((c) => c.pooling === 'mean')).toBe(true);
    expect(q).toMatchObject({ n: 1, dim: 384, modelId: `${E5}@fp32` });
    expect(p.vectors.length).toBe(3 * 384);
    expect(prog.map((x) => x.done)).toEqual([2, 3]);
    // Row 2 is the fake's vector for "passage: I sail.", placed at its index.
    const alone = await api.embed(['I sail.']);
    expect(Array.from(p.vectors.subarray(2 * 384, 3 * 384))).toEqual(Array.from(alone.vectors));
  });

  it('uses CLS pooling for BGE and q8 on WASM; an explicit precision wins', async () => {
    const fake = fakeExtractor();
    const api = createEmbedApi({ files: () => memoryStore(), createExtractor: fake.create, probeGpu: noGpu });
    expect(await api.load('Xenova/bge-small-en-v1.5')).toMatchObject({ modelId: 'Xenova/bge-small-en-v1.5@q8', device: 'wasm' });
    await api.embed(['x'], { role: 'query' });
    expect(fake.calls[0]).toEqual({ texts: ['Represent this sentence for searching relevant passages: x'], pooling: 'cls' });
    expect(await api.load(`${MINILM}@fp16`)).toMatchObject({ modelId: `${MINILM}@fp16` });
    expect(fake.disposed()).toBe(1); // the BGE pipeline was released
  });

  it('loads with remote loading off once every file of the precision is cached (imported folder)', async () => {
    const store = memoryStore();
    await importEmbedFolder(store, fakeFolder({ 'onnx/model_quantized.onnx': 40 }), findEmbedModel(MINILM));
    const fake = fakeExtractor();
    const api = createEmbedApi({ files: () => store, createExtractor: fake.create, probeGpu: noGpu });
    const seen: Progress[] = [];
    await api.load(MINILM, (p) => seen.push(p));
    expect(fake.requests[0]).toMatchObject({ dtype: 'q8', offline: true });
    expect(seen[0]?.text).toMatch(/from this device/);
    await api.load(`${MINILM}@fp32`); // fp32 weights not imported: must download
    expect(fake.requests[1]).toMatchObject({ dtype: 'fp32', offline: false });
  });

  it('falls back from WebGPU to WASM with the same precision when the session fails, but not on a download error', async () => {
    const fake = fakeExtractor();
    const requests: ExtractorRequest[] = [];
    const api = createEmbedApi({
      files: () => memoryStore(),
      probeGpu: gpu,
      createExtractor: async (req) => {
        requests.push(req);
        if (req.device === 'webgpu') throw new Error('no kernel for op LayerNormalization');
        return fake.create(req);
      },
    });
    const seen: Progress[] = [];
    const info = await api.load(MINILM, (p) => seen.push(p));
    expect(info.device).toBe('wasm');
    expect(requests.map((r) => [r.device, r.dtype])).toEqual([['webgpu', 'fp32'], ['wasm', 'fp32']]);
    expect(seen.some((p) => /WebGPU failed \(no kernel/.test(p.text))).toBe(true);

    const offline = createEmbedApi({
      files: () => memoryStore(),
      probeGpu: gpu,
      createExtractor: async (req) => {
        requests.push(req);
        throw new TypeError('Failed to fetch');
      },
    });
    requests.length = 0;
    const err = await rejection(offline.load(MINILM));
    expect(requests.length).toBe(1);
    expect(err).toMatchObject({ name: 'ModelError' });
    expect(err.message).toMatch(/Could not download Xenova\/all-MiniLM-L6-v2 \(Failed to fetch\).*import the model folder/);
    expect(await offline.info()).toBeUndefined();
  });

  it('reports an incomplete cached model differently from a failed download', async () => {
    const store = memoryStore();
    await importEmbedFolder(store, fakeFolder({ 'onnx/model_quantized.onnx': 40 }), findEmbedModel(MINILM));
    const api = createEmbedApi({
      files: () => store,
      probeGpu: noGpu,
      createExtractor: async () => {
        throw new Error('`local_files_only=true` or `env.allowRemoteModels=false` and file was not found locally at "/x/onnx/model_quantized.onnx".');
      },
    });
    await expect(api.load(MINILM)).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/incomplete on this device.*Delete it and download or import/) });
  });

  it('rejects non-finite output (NumericError) and vectors of the wrong size (ModelError)', async () => {
    const nan = createEmbedApi({ files: () => memoryStore(), createExtractor: fakeExtractor(384, { nanAt: 390 }).create, probeGpu: gpu });
    await nan.load(MINILM);
    await expect(nan.embed(['a', 'b'])).rejects.toMatchObject({ name: 'NumericError', message: expect.stringMatching(/text 2.*fp32/) });
    const wrong = createEmbedApi({ files: () => memoryStore(), createExtractor: fakeExtractor(384, { wrongDim: true }).create, probeGpu: gpu });
    await wrong.load(MINILM);
    await expect(wrong.embed(['a'])).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/shape \[1, 383\], expected \[1, 384\]/) });
  });

  it('abort() stops an embed between batches and cancels a load; the model stays usable', async () => {
    const fake = fakeExtractor();
    const api = createEmbedApi({ files: () => memoryStore(), createExtractor: fake.create, probeGpu: gpu, batchSize: 1 });
    await api.load(MINILM);
    const run = api.embed(['a', 'b', 'c', 'd'], undefined, (p) => {
      if (p.done === 1) void api.abort();
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(fake.calls.length).toBe(1);
    expect((await api.embed(['e'])).n).toBe(1);

    let release!: () => void;
    const slow = createEmbedApi({
      files: () => memoryStore(),
      probeGpu: gpu,
      createExtractor: async (req) => {
        await new Promise<void>((r) => (release = r));
        return fake.create(req);
      },
    });
    const loading = slow.load(MINILM);
    await new Promise((r) => setTimeout(r, 10));
    await slow.abort();
    release();
    await expect(loading).rejects.toMatchObject({ name: 'AbortError' });
    expect(await slow.info()).toBeUndefined();
    expect(fake.disposed()).toBe(1);
  });

  it('lists, deletes (unloading the model) and imports through the API; unknown ids are ModelErrors', async () => {
    const store = memoryStore();
    const fake = fakeExtractor();
    const api = createEmbedApi({ files: () => store, createExtractor: fake.create, probeGpu: noGpu });
    expect(await api.importFolder(fakeFolder({ 'onnx/model_quantized.onnx': 10 }), MINILM)).toMatchObject({ dtypes: ['q8'] });
    expect((await api.listCached()).map((c) => c.id)).toEqual([MINILM]);
    await api.load(MINILM);
    await api.deleteCached(MINILM);
    expect(await api.listCached()).toEqual([]);
    expect(await api.info()).toBeUndefined();
    await expect(api.deleteCached('x/y')).rejects.toMatchObject({ name: 'ModelError' });
    await expect(api.load('x/y')).rejects.toMatchObject({ name: 'ModelError' });
  });
});
