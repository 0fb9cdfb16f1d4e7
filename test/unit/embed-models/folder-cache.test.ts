import { describe, expect, it } from 'vitest';
import { checkEmbedFolder, guessEntry } from '../../../src/embed-models/folder';
import { deleteCachedEmbedModel, HF_HOST, importEmbedFolder, listCachedEmbedModels, modelBaseUrl } from '../../../src/embed-models/cache';
import { EMBED_MODELS, findEmbedModel } from '../../../src/embed-models/registry';
import type { Progress } from '../../../src/contracts/progress';
import { fakeFolder, memoryStore, rejection } from './helpers';

const minilm = findEmbedModel('Xenova/all-MiniLM-L6-v2');
const e5 = findEmbedModel('Xenova/multilingual-e5-small');

describe('model folder check', () => {
  it('accepts a Hub-layout folder, keeps only what transformers.js reads, and lists its precisions', async () => {
    const c = await checkEmbedFolder(fakeFolder({ 'onnx/model.onnx': 100, 'onnx/model_quantized.onnx': 30, 'onnx/model_q4.onnx': 20 }), minilm);
    expect(c.dtypes).toEqual(['fp32', 'q8']);
    expect(c.files.map((f) => f.path).sort()).toEqual(['config.json', 'onnx/model.onnx', 'onnx/model_quantized.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    expect(c.totalBytes).toBe(c.files.reduce((s, f) => s + f.file.size, 0));
  });

  it('accepts weights beside config.json (flat folder) under their onnx/ path', async () => {
    const c = await checkEmbedFolder(fakeFolder({ 'model_fp16.onnx': 50 }), minilm);
    expect(c.dtypes).toEqual(['fp16']);
    expect(c.files.some((f) => f.path === 'onnx/model_fp16.onnx')).toBe(true);
  });

  it('names every missing and malformed file in one InputError', async () => {
    const files = fakeFolder({ 'onnx/model_q4.onnx': 10 }, ['tokenizer.json']);
    const idx = files.findIndex((f) => f.path === 'tokenizer_config.json');
    files[idx] = { path: 'tokenizer_config.json', file: new Blob(['{not json']) };
    const err = await rejection(checkEmbedFolder(files, minilm));
    expect(err).toMatchObject({ name: 'InputError' });
    expect(err.message).toMatch(/Missing from the folder: tokenizer\.json, ONNX weights \(one of onnx\/model\.onnx, onnx\/model_fp16\.onnx, onnx\/model_quantized\.onnx\)/);
    expect(err.message).toMatch(/tokenizer_config\.json is not valid JSON/);
    expect(err.message).toMatch(/Xenova\/all-MiniLM-L6-v2/);
  });

  it('rejects an empty config and an empty weight file', async () => {
    const files = fakeFolder({ 'onnx/model.onnx': 0 });
    files[0] = { path: 'config.json', file: new Blob([]) };
    const err = await rejection(checkEmbedFolder(files, minilm));
    expect(err.message).toMatch(/ONNX weights/);
    expect(err.message).toMatch(/config\.json is empty/);
  });

  it('guesses the registry entry from the folder name', () => {
    expect(guessEntry('multilingual-e5-small', EMBED_MODELS)?.id).toBe(e5.id);
    expect(guessEntry('Xenova/bge-small-en-v1.5', EMBED_MODELS)?.id).toBe('Xenova/bge-small-en-v1.5');
    expect(guessEntry('my-model', EMBED_MODELS)).toBeUndefined();
  });
});

describe('model cache', () => {
  it('imports under the URLs transformers.js requests, config.json last, with byte progress', async () => {
    const store = memoryStore();
    const seen: Progress[] = [];
    const r = await importEmbedFolder(store, fakeFolder({ 'onnx/model_quantized.onnx': 1000 }), minilm, HF_HOST, (p) => seen.push(p));
    expect(r.dtypes).toEqual(['q8']);
    const base = 'https://huggingface.co/Xenova/all-MiniLM-L6-v2/resolve/main/';
    expect(modelBaseUrl(HF_HOST, minilm.id)).toBe(base);
    expect(store.puts.at(-1)).toBe(`${base}config.json`);
    expect(store.map.has(`${base}onnx/model_quantized.onnx`)).toBe(true);
    expect(seen.map((p) => p.done)).toEqual([...seen.map((p) => p.done)].sort((a, b) => a - b));
    expect(seen.at(-1)).toMatchObject({ unit: 'bytes', done: r.bytes, total: r.bytes, counts: { files: 4, filesTotal: 4 } });
  });

  it('lists cached models with exact sizes and what is missing, and deletes one model only', async () => {
    const store = memoryStore();
    await importEmbedFolder(store, fakeFolder({ 'onnx/model.onnx': 500, 'onnx/model_quantized.onnx': 120 }), minilm);
    await importEmbedFolder(store, fakeFolder({ 'onnx/model_quantized.onnx': 300 }), e5);
    // A download interrupted before its tokenizer and weights arrived (as transformers.js leaves it).
    const bge = modelBaseUrl(HF_HOST, 'Xenova/bge-small-en-v1.5');
    await store.put(`${bge}config.json`, new Blob(['{}']));
    await store.put('https://huggingface.co/someone/else/resolve/main/config.json', new Blob(['{}']));

    const list = await listCachedEmbedModels(store, EMBED_MODELS);
    const byId = new Map(list.map((m) => [m.id, m]));
    expect([...byId.keys()].sort()).toEqual(['Xenova/all-MiniLM-L6-v2', 'Xenova/bge-small-en-v1.5', 'Xenova/multilingual-e5-small']);
    const m = byId.get(minilm.id);
    const expected = [...store.map].filter(([k]) => k.startsWith(modelBaseUrl(HF_HOST, minilm.id))).reduce((s, [, b]) => s + b.size, 0);
    expect(m).toMatchObject({ complete: true, missing: [], dtypes: ['fp32', 'q8'], files: 5, bytes: expected });
    expect(m?.bytes).toBeGreaterThan(620);
    expect(byId.get('Xenova/bge-small-en-v1.5')).toMatchObject({ complete: false, missing: ['tokenizer.json', 'tokenizer_config.json', 'ONNX weights'], dtypes: [] });

    expect(await deleteCachedEmbedModel(store, minilm.id)).toBe(5);
    const after = (await listCachedEmbedModels(store, EMBED_MODELS)).map((x) => x.id).sort();
    expect(after).toEqual(['Xenova/bge-small-en-v1.5', 'Xenova/multilingual-e5-small']);
    expect(store.map.has('https://huggingface.co/someone/else/resolve/main/config.json')).toBe(true);
  });

  it('writes nothing for an incomplete folder', async () => {
    const store = memoryStore();
    await expect(importEmbedFolder(store, fakeFolder({}, []), minilm)).rejects.toMatchObject({ name: 'InputError' });
    expect(store.map.size).toBe(0);
  });

  it('rolls back every written file on a full disk (QuotaError) or a cancel (AbortError)', async () => {
    const full = memoryStore(2);
    await expect(importEmbedFolder(full, fakeFolder(), minilm)).rejects.toMatchObject({ name: 'QuotaError', message: expect.stringMatching(/storage is full.*delete other models/) });
    expect(full.puts.length).toBe(2);
    expect(full.map.size).toBe(0);

    const store = memoryStore();
    const controller = new AbortController();
    const err = await importEmbedFolder(store, fakeFolder(), minilm, HF_HOST, (p) => {
      if (p.counts?.files === 2) controller.abort();
    }, controller.signal).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'AbortError' });
    expect(store.map.size).toBe(0);

    const broken = memoryStore(1, new Error('disk on fire'));
    await expect(importEmbedFolder(broken, fakeFolder(), minilm)).rejects.toMatchObject({ name: 'StorageError', message: expect.stringMatching(/disk on fire.*Nothing was kept/) });
  });
});
