/**
 * The browser's CPU worker pool (src/gpu/cpu-pool.ts, workers/lse-pool.worker.ts): row sums
 * bit-identical to the single-threaded lseRows, as in Node (test/unit/align/pool.test.ts); an
 * alignment through the align API on the CPU selects what Node selects for the same seed; a worker
 * that fails leaves the numbers unchanged (the call is repeated in this thread).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { align, type AlignResult } from '../../../src/core/align/methods';
import { sinkhorn } from '../../../src/core/align/sinkhorn';
import { syntheticBigFive } from '../../../src/core/align/synthetic';
import { lseRows } from '../../../src/core/lse';
import { Rng } from '../../../src/core/rng';
import { createAlignApi, type CloudData } from '../../../src/gpu/align-api';
import { BrowserCpuKernels, BrowserLsePool, browserCores, browserCpuKernelFactory, poolWorkers } from '../../../src/gpu/cpu-pool';
import { AlignService } from '../../../src/services/align-service';
import { CPU_ALIGN_CASE, gaussianCloud } from './cases';

const report: string[] = [];
afterAll(() =>
  console.log(
    `[cpu pool] hardwareConcurrency ${browserCores()} → ${poolWorkers()} workers + this thread; crossOriginIsolated ${String(globalThis.crossOriginIsolated)}, SharedArrayBuffer ${typeof SharedArrayBuffer}\n${report.join('\n')}`,
  ),
);

const rng = new Rng(5);
const d = 5;
const x = gaussianCloud(rng, 203, d);
const y = gaussianCloud(rng, 97, d, 0.3, 1.2);
const alphaCols = Float64Array.from({ length: 97 }, (_, j) => (j % 13 === 0 ? -Infinity : Math.sin(j) - Math.log(97)));
const alphaRows = Float64Array.from({ length: 203 }, (_, i) => Math.cos(i) - Math.log(203));

describe('BrowserLsePool', () => {
  test.each([
    { workers: 2, inThread: true },
    { workers: 3, inThread: false },
    { workers: 1, inThread: true },
  ])('$workers workers (this thread too: $inThread): rows and columns bit-identical to lseRows', async (o) => {
    const pool = new BrowserLsePool(o);
    try {
      expect(pool.threads).toBe(o.workers + (o.inThread ? 1 : 0));
      const hx = await pool.load(x, d);
      const hy = await pool.load(y, d);
      for (const s of [0.7, 4]) {
        expect(Array.from(await pool.lse(hx, hy, alphaCols, s))).toEqual(Array.from(lseRows(x, y, d, alphaCols, s)));
        expect(Array.from(await pool.lse(hy, hx, alphaRows, s))).toEqual(Array.from(lseRows(y, x, d, alphaRows, s)));
      }
      pool.release(hx);
      pool.release(hy);
    } finally {
      await pool.close();
    }
  });

  test('a Sinkhorn solve on the pooled kernels equals the single-threaded one exactly', async () => {
    const a = syntheticBigFive({ n: 180, seed: 3, tiltSd: [0.4, 0, 0.3, 0, -0.5] });
    const b = syntheticBigFive({ n: 120, seed: 4 });
    const kernels = new BrowserCpuKernels({ workers: 2 });
    try {
      expect(kernels.backend).toBe('cpu×3');
      const pooled = await sinkhorn(undefined, a, b, { tol: 1e-6 }, kernels);
      const single = await sinkhorn(undefined, a, b, { tol: 1e-6 }, cpuKernelFactory());
      report.push(`sinkhorn pooled vs single: ${pooled.iterations}/${single.iterations} iterations`);
      expect(pooled.iterations).toBe(single.iterations);
      expect(Array.from(pooled.f)).toEqual(Array.from(single.f));
      expect(Array.from(pooled.g)).toEqual(Array.from(single.g));
      expect(pooled.cost).toBe(single.cost);
    } finally {
      await kernels.dispose();
    }
  });

  test('workers start on the first create(), stop on dispose(), and start again after', async () => {
    const started: Worker[] = [];
    const createWorker = (): Worker => {
      const w = new Worker(new URL('../../../workers/lse-pool.worker.ts', import.meta.url), { type: 'module' });
      started.push(w);
      return w;
    };
    const kernels = new BrowserCpuKernels({ workers: 2, createWorker });
    expect(started.length).toBe(0);
    const k = await kernels.create(x, y, d);
    expect(started.length).toBe(2);
    expect(Array.from(await k.rowLse(alphaCols, 1))).toEqual(Array.from(lseRows(x, y, d, alphaCols, 1)));
    k.dispose();
    await kernels.dispose();
    // A kernel still bound after dispose() finishes in this thread, with the same numbers.
    expect(Array.from(await k.colLse(alphaRows, 1))).toEqual(Array.from(lseRows(y, x, d, alphaRows, 1)));
    const k2 = await kernels.create(x, y, d);
    expect(started.length).toBe(4);
    expect(kernels.threads).toBe(3);
    expect(Array.from(await k2.colLse(alphaRows, 2))).toEqual(Array.from(lseRows(y, x, d, alphaRows, 2)));
    k2.dispose();
    await kernels.dispose();
  });

  test('a worker that cannot start: the call is repeated in this thread, same numbers, single-threaded from then on', async () => {
    const broken = (): Worker => new Worker(URL.createObjectURL(new Blob(['throw new Error("boom")'], { type: 'text/javascript' })));
    const kernels = new BrowserCpuKernels({ workers: 2, createWorker: broken });
    const k = await kernels.create(x, y, d);
    expect(Array.from(await k.rowLse(alphaCols, 1))).toEqual(Array.from(lseRows(x, y, d, alphaCols, 1)));
    expect(kernels.threads).toBe(1);
    expect(kernels.backend).toBe('cpu');
    const k2 = await kernels.create(x, y, d);
    expect(k2.backend).toBe('cpu');
    expect(Array.from(await k2.colLse(alphaRows, 1))).toEqual(Array.from(lseRows(y, x, d, alphaRows, 1)));
    await kernels.dispose();
  });

  test('Workers cannot be started (e.g. a Trusted Types policy refuses the URL): single-threaded, same numbers', async () => {
    let tries = 0;
    const refused = (): Worker => {
      tries++;
      throw new TypeError('Refused to load a script (Trusted Types).');
    };
    const kernels = new BrowserCpuKernels({ workers: 2, createWorker: refused });
    const k = await kernels.create(x, y, d);
    expect(k.backend).toBe('cpu');
    expect(kernels.threads).toBe(1);
    expect(Array.from(await k.rowLse(alphaCols, 1))).toEqual(Array.from(lseRows(x, y, d, alphaCols, 1)));
    await kernels.create(x, y, d);
    expect(tries).toBe(1); // not retried on every problem
    await kernels.dispose();
  });


  test('browserCpuKernelFactory: the pool when this context reports more than one core, else single-threaded', async () => {
    const f = browserCpuKernelFactory();
    expect(f.threads).toBe(browserCores() > 1 ? browserCores() : 1);
    await f.dispose();
  });
});

describe('align API on the CPU pool: the selection Node gives', () => {
  const c = CPU_ALIGN_CASE;
  const cloud = (o: Parameters<typeof syntheticBigFive>[0]): CloudData => {
    const s = syntheticBigFive(o);
    return { points: s.points, d: s.d };
  };
  const pool = cloud({ ...c.pool, tiltSd: [...c.pool.tiltSd] });
  const reference = cloud(c.reference);
  const job = { pool, reference, options: { ...c.options }, backend: 'cpu' as const };
  // The same alignment single-threaded in this browser: the pool must equal it to the bit. Node's
  // cost may differ from the browser's in the last place (another V8's Math.exp/log), so the cost
  // is compared with Node's to 1e-14 and with this browser's single-threaded run exactly.
  let single: AlignResult;
  const sameAsSingle = (r: AlignResult): void => {
    expect(Array.from(r.selected)).toEqual(Array.from(single.selected));
    expect(r.ot?.iterations).toBe(single.ot?.iterations);
    expect(r.ot?.cost).toBe(single.ot?.cost);
    expect(Array.from(r.weights)).toEqual(Array.from(single.weights));
  };

  test('single-threaded in this browser: the selection Node gives', async () => {
    single = await align(undefined, syntheticBigFive({ ...c.pool, tiltSd: [...c.pool.tiltSd] }), syntheticBigFive(c.reference), { ...c.options }, cpuKernelFactory());
    report.push(`cost: browser ${single.ot?.cost}, Node ${c.cost}`);
    expect(Array.from(single.selected)).toEqual([...c.selected]);
    expect(single.ot?.iterations).toBe(c.iterations);
    expect(Math.abs(single.ot!.cost - c.cost) / c.cost).toBeLessThanOrEqual(1e-14);
  });

  test('in-thread API, 2 workers + this thread', async () => {
    const api = createAlignApi({ cpuPool: { workers: 2 } });
    try {
      const r = await api.align(job);
      expect(r.backend.used).toBe('cpu');
      expect(r.backend.cpuThreads).toBe(3);
      expect(Array.from(r.result.selected)).toEqual([...c.selected]);
      expect(r.result.ot?.iterations).toBe(c.iterations);
      sameAsSingle(r.result);
    } finally {
      await api.dispose();
    }
  });

  test('in-thread API with the default pool for this context', async () => {
    const api = createAlignApi();
    try {
      const r = await api.align(job);
      report.push(`default api: cpuThreads ${r.backend.cpuThreads}`);
      expect(r.backend.cpuThreads).toBe(browserCores() > 1 ? browserCores() : 1);
      expect(Array.from(r.result.selected)).toEqual([...c.selected]);
      sameAsSingle(r.result);
    } finally {
      await api.dispose();
    }
  });

  test('through the align worker (the pool as nested workers)', async () => {
    const svc = new AlignService();
    try {
      const t0 = performance.now();
      const r = await svc.align(job);
      report.push(`align worker: cpuThreads ${r.backend.cpuThreads}, ${(performance.now() - t0).toFixed(0)} ms`);
      expect(r.backend.used).toBe('cpu');
      expect(r.backend.cpuThreads).toBe(browserCores() > 1 ? browserCores() : 1);
      expect(Array.from(r.result.selected)).toEqual([...c.selected]);
      sameAsSingle(r.result);
    } finally {
      svc.terminate();
    }
  });
});
