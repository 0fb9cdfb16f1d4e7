/**
 * AdapterService through the real module worker (workers/adapter.worker.ts): training on WebGPU and
 * on the CPU gives the in-thread CPU result, 'auto' takes the CPU on a software adapter and says why,
 * progress arrives per epoch, cancel rejects with AbortError and the worker keeps serving, top-k
 * matches the float64 oracle on both backends.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { AdapterTrainInput } from '../../../src/contracts/adapter';
import type { Progress } from '../../../src/contracts/progress';
import { trainAdapterCpu } from '../../../src/core/embed/adapter';
import { cosineTopK } from '../../../src/core/embed/topk';
import { Rng } from '../../../src/core/rng';
import { acquireGpu } from '../../../src/gpu/device';
import { AdapterService } from '../../../src/services/adapter-service';

function unitRows(rng: Rng, n: number, dim: number): Float32Array {
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (v[i * dim + j] = rng.normal()) ** 2;
    for (let j = 0; j < dim; j++) v[i * dim + j] = v[i * dim + j]! / Math.sqrt(s);
  }
  return v;
}

function problem(seed: number, options: AdapterTrainInput['options']): AdapterTrainInput {
  const rng = new Rng(seed);
  const n = 120;
  const q = 40;
  const dim = 32;
  const personas = unitRows(rng, n, dim);
  const queries = unitRows(rng, q, dim);
  const positives = Array.from({ length: q }, (_, i) => [...cosineTopK(personas, dim, queries.subarray(i * dim, (i + 1) * dim), 6).indices].filter((_, r) => r % 2 === 1));
  return { personas, n, queries, q, dim, baseModelId: 'test', positives, options };
}

const svc = new AdapterService();
afterAll(() => svc.terminate());

describe('adapter worker', () => {
  test('training in the worker: CPU equals the in-thread CPU trainer exactly, WebGPU within f32, progress per epoch', async () => {
    const input = problem(1, { rank: 4, batchSize: 8, maxEpochs: 3, patience: 5 });
    const local = await trainAdapterCpu(input);
    const seen: Progress[] = [];
    const cpu = await svc.train(input, (p) => seen.push(p), undefined, { backend: 'cpu' });
    expect(cpu.report.backend).toBe('cpu');
    expect(cpu.report.fallback).toBeUndefined();
    expect(cpu.adapter.b).toEqual(local.adapter.b);
    expect(cpu.report.history).toEqual(local.report.history);
    expect(seen.length).toBe(1 + 3);
    expect(seen.at(-1)!.counts!.epochs).toBe(3);
    const gpu = await svc.train(input, undefined, undefined, { backend: 'gpu' });
    expect(gpu.report.backend).toBe('webgpu');
    gpu.report.history.forEach((h, i) => expect(h.loss).toBeCloseTo(local.report.history[i]!.loss, 5));
  });

  test("backend 'auto' takes the CPU on a software adapter and says why", async () => {
    const software = (await acquireGpu()).adapter.software;
    const r = await svc.train(problem(2, { rank: 2, batchSize: 8, maxEpochs: 1 }));
    if (software) {
      expect(r.report.backend).toBe('cpu');
      expect(r.report.fallback).toMatch(/software adapter/);
    } else {
      expect(r.report.backend).toBe('webgpu');
    }
    const t = await svc.topK(unitRows(new Rng(3), 50, 8), 8, unitRows(new Rng(4), 1, 8), 5);
    expect(t.backend).toBe(software ? 'cpu' : 'webgpu');
  });

  test('cancel rejects with AbortError; the same worker then serves the next call', async () => {
    const ac = new AbortController();
    const input = problem(3, { rank: 4, batchSize: 4, maxEpochs: 500, patience: 500 });
    const run = svc.train(input, (p) => { if ((p.counts?.epochs ?? 0) >= 1) ac.abort(); }, ac.signal, { backend: 'cpu' });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    const after = await svc.train(problem(4, { rank: 2, batchSize: 8, maxEpochs: 1 }), undefined, undefined, { backend: 'cpu' });
    expect(after.report.epochs).toBe(1);
  });

  test('top-k in the worker on WebGPU and on the CPU matches the float64 oracle', async () => {
    const rng = new Rng(5);
    const dim = 24;
    const matrix = unitRows(rng, 3000, dim);
    const queries = unitRows(rng, 3, dim);
    for (const backend of ['gpu', 'cpu'] as const) {
      const r = await svc.topK(matrix, dim, queries, 10, { backend });
      expect(r.backend).toBe(backend === 'gpu' ? 'webgpu' : 'cpu');
      r.results.forEach((g, j) => {
        const want = cosineTopK(matrix, dim, queries.subarray(j * dim, (j + 1) * dim), 10);
        expect([...g.indices]).toEqual([...want.indices]);
        g.scores.forEach((s, i) => expect(Math.abs(s - want.scores[i]!)).toBeLessThanOrEqual(1e-5));
      });
    }
    await expect(svc.topK(matrix, dim + 1, queries, 3, { backend: 'cpu' })).rejects.toMatchObject({ name: 'InputError' });
  });
});
