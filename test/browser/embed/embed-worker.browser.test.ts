/**
 * The real embedding worker in Chromium, without weights: lexical (no model) end to end, the
 * model cache (import, list, delete) in real Cache Storage, transformers.js's real loader failing
 * fast and clearly when a model cannot be downloaded (the model host is a refusing local port),
 * an imported folder read from the cache rather than the network, cancel, and crash recovery.
 */
import { describe, expect, it } from 'vitest';
import { EmbedderWorkerService } from '../../../src/services/embedder-service';
import { cacheStorageFiles, listCachedEmbedModels, modelBaseUrl } from '../../../src/embed-models/cache';
import { EMBED_MODELS } from '../../../src/embed-models/registry';
import type { Progress } from '../../../src/contracts/progress';
import { rejection } from '../db-helpers';
import { fakeFolder } from '../../unit/embed-models/helpers';
import { demoPersonas } from './personas';

const REFUSING = 'http://127.0.0.1:9/'; // discard port: nothing listens, connections are refused at once
const MINILM = 'Xenova/all-MiniLM-L6-v2';
let counter = 0;
const freshCache = () => `test-embed-${Date.now()}-${counter++}`;

function service(cacheName = freshCache()): EmbedderWorkerService {
  return new EmbedderWorkerService({ config: { cacheName, remoteHost: REFUSING }, abortGraceMs: 500 });
}

describe('embedding worker: lexical (no model)', () => {
  it('loads, fits and embeds with progress; vectors are unit length and deterministic', async () => {
    const s = service();
    try {
      const personas = await demoPersonas(400);
      const texts = personas.map((p) => p.text);
      const loaded = await s.load('lexical');
      expect(loaded).toMatchObject({ backend: 'lexical', needsFit: true, fitted: false });
      const fitted = await s.fit(texts);
      expect(fitted.fitted).toBe(true);
      const seen: Progress[] = [];
      const e = await s.embed(texts, undefined, (p) => seen.push(p));
      expect(e).toMatchObject({ n: 400, dim: fitted.dim, modelId: fitted.modelId });
      expect(seen.at(-1)).toMatchObject({ done: 400, total: 400, unit: 'texts' });
      for (let i = 0; i < 400; i += 57) {
        let ss = 0;
        for (const v of e.vectors.subarray(i * e.dim, (i + 1) * e.dim)) ss += v * v;
        expect(Math.abs(ss - 1)).toBeLessThan(1e-4);
      }
      const again = await s.embed(texts.slice(0, 3));
      expect(Array.from(again.vectors)).toEqual(Array.from(e.vectors.subarray(0, 3 * e.dim)));
      expect(await s.info()).toMatchObject({ modelId: fitted.modelId });
    } finally {
      s.terminate();
    }
  });

  it('abort() stops an embed in flight with AbortError; the fit stays loaded', async () => {
    const s = service();
    try {
      const texts = (await demoPersonas(800)).map((p) => p.text);
      await s.load('lexical');
      await s.fit(texts);
      const many = [...texts, ...texts, ...texts];
      let chunks = 0;
      const err = await rejection(s.embed(many, undefined, () => {
        if (++chunks === 1) void s.abort();
      }));
      expect(err.name).toBe('AbortError');
      expect(chunks).toBeLessThan(many.length / 256);
      expect((await s.embed(texts.slice(0, 2))).n).toBe(2);
    } finally {
      s.terminate();
    }
  });
});

describe('embedding worker: models and cache', () => {
  it('imports a model folder into Cache Storage, lists it with its exact size, and deletes it', async () => {
    const cacheName = freshCache();
    const s = service(cacheName);
    try {
      const seen: Progress[] = [];
      const r = await s.importFolder(fakeFolder({ 'onnx/model_quantized.onnx': 4096 }), MINILM, (p) => seen.push(p));
      expect(r.dtypes).toEqual(['q8']);
      expect(seen.at(-1)).toMatchObject({ unit: 'bytes', done: r.bytes, total: r.bytes });
      const listed = await s.listCached();
      expect(listed).toEqual([{ id: MINILM, bytes: r.bytes, files: 4, dtypes: ['q8'], complete: true, missing: [] }]);
      // The page sees the same files (Cache Storage is per origin) under the URLs transformers.js requests.
      const keys = await (await caches.open(cacheName)).keys();
      expect(keys.map((k) => k.url)).toContain(`${modelBaseUrl(REFUSING, MINILM)}onnx/model_quantized.onnx`);
      await s.deleteCached(MINILM);
      expect(await s.listCached()).toEqual([]);
    } finally {
      s.terminate();
      await caches.delete(cacheName);
    }
  });

  it('an incomplete folder is refused with every missing file named, and nothing is stored', async () => {
    const cacheName = freshCache();
    const s = service(cacheName);
    try {
      const err = await rejection(s.importFolder(fakeFolder({ 'onnx/model_q4.onnx': 10 }, ['tokenizer_config.json']), MINILM));
      expect(err.name).toBe('InputError');
      expect(err.message).toMatch(/Missing from the folder: tokenizer_config\.json, ONNX weights/);
      expect(await listCachedEmbedModels(cacheStorageFiles(cacheName), EMBED_MODELS, REFUSING)).toEqual([]);
    } finally {
      s.terminate();
      await caches.delete(cacheName);
    }
  });

  it('a model that cannot be downloaded fails fast with a ModelError that offers the folder import', async () => {
    const s = service();
    try {
      const t0 = performance.now();
      const err = await rejection(s.load(MINILM));
      expect(err.name).toBe('ModelError');
      expect(err.message).toMatch(/Could not download Xenova\/all-MiniLM-L6-v2.*import the model folder/s);
      expect(performance.now() - t0).toBeLessThan(60_000);
      expect(await s.info()).toBeUndefined();
      // The worker survives and still serves lexical.
      expect((await s.load('lexical')).backend).toBe('lexical');
    } finally {
      s.terminate();
    }
  });

  it('an imported model is read from the cache with remote loading off (fake weights fail in onnxruntime, not in the download)', async () => {
    const cacheName = freshCache();
    const s = service(cacheName);
    try {
      await s.importFolder(fakeFolder({ 'onnx/model_quantized.onnx': 256, 'onnx/model.onnx': 256 }), MINILM);
      const seen: Progress[] = [];
      const err = await rejection(s.load(MINILM, (p) => seen.push(p)));
      expect(err.name).toBe('ModelError');
      expect(err.message).not.toMatch(/Could not download|incomplete on this device/);
      // WebGPU is tried first, then WASM: both got past config, tokenizer and weights from the cache to onnxruntime.
      expect(err.message).toMatch(/failed to load on wasm: .*(session|protobuf)/i);
      expect(seen[0]?.text).toMatch(/from this device/);
      // onnxruntime's WebAssembly is kept beside the model files for offline loads, and is not listed as a model.
      const keys = (await (await caches.open(cacheName)).keys()).map((k) => new URL(k.url).pathname);
      expect(keys.filter((k) => /ort-wasm-simd-threaded[^/]*\.wasm$/.test(k))).toHaveLength(1);
      expect((await s.listCached()).map((m) => m.id)).toEqual([MINILM]);
    } finally {
      s.terminate();
      await caches.delete(cacheName);
    }
  });

  it('unknown model ids are ModelErrors naming the choices', async () => {
    const s = service();
    try {
      const err = await rejection(s.load('someone/unknown-model'));
      expect(err.name).toBe('ModelError');
      expect(err.message).toMatch(/Pick one of: lexical, Xenova\/all-MiniLM-L6-v2/);
    } finally {
      s.terminate();
    }
  });

  it('a crashed worker is reported as GpuError and the next call starts a fresh one', async () => {
    let started = 0;
    const s = new EmbedderWorkerService({
      createWorker: () => {
        started++;
        return started === 1
          ? new Worker(new URL('./crash.worker.ts', import.meta.url), { type: 'module' })
          : new Worker(new URL('../../../workers/embed.worker.ts', import.meta.url), { type: 'module' });
      },
    });
    try {
      const err = await rejection(s.load('lexical'));
      expect(err.name).toBe('GpuError');
      expect(err.message).toMatch(/embedding worker stopped unexpectedly/);
      expect((await s.load('lexical')).backend).toBe('lexical');
      expect(started).toBe(2);
    } finally {
      s.terminate();
    }
  });

  it('cancelling a load that does not let go terminates the worker after the grace period; the next call gets a fresh one', async () => {
    let started = 0;
    const s = new EmbedderWorkerService({
      abortGraceMs: 300,
      createWorker: () => {
        started++;
        return new Worker(new URL(started === 1 ? './hanging.worker.ts' : '../../../workers/embed.worker.ts', import.meta.url), { type: 'module' });
      },
    });
    try {
      const controller = new AbortController();
      const loading = rejection(s.load(MINILM, undefined, controller.signal));
      await new Promise((r) => setTimeout(r, 200));
      controller.abort();
      const err = await loading;
      expect(err.name).toBe('AbortError');
      expect(await s.info()).toBeUndefined(); // no worker runs: the hung one was terminated
      expect((await s.load('lexical')).backend).toBe('lexical');
      expect(started).toBe(2);
    } finally {
      s.terminate();
    }
  });
});
