import { afterAll, describe, expect, it } from 'vitest';
import { NodeLsePool } from '../../../src/node/lse-pool';
import { cpuKernelFactory, pooledKernelFactory } from '../../../src/core/align/cpu-kernel';
import { sinkhorn } from '../../../src/core/align/sinkhorn';
import { align } from '../../../src/core/align/methods';
import { syntheticBigFive } from '../../../src/core/align/synthetic';
import { CPU_ALIGN_CASE } from '../../browser/gpu/cases';
import { randomCloud } from './helpers';

const pool = new NodeLsePool(2);
afterAll(() => pool.close());

describe('NodeLsePool (worker_threads)', () => {
  it('gives bit-identical LSEs and Sinkhorn results to the single-threaded kernel', async () => {
    const x = randomCloud(101, 5, 1);
    const y = randomCloud(77, 5, 2, 0.5);
    const f = pooledKernelFactory(pool);
    expect(f.backend).toBe('cpu×2');
    const kp = await f.create(x.points, y.points, 5);
    const kc = await cpuKernelFactory().create(x.points, y.points, 5);
    const alpha = Float64Array.from({ length: 77 }, (_, j) => Math.sin(j));
    expect(Array.from(await kp.rowLse(alpha, 0.8))).toEqual(Array.from(await kc.rowLse(alpha, 0.8)));
    const beta = Float64Array.from({ length: 101 }, (_, i) => Math.cos(i));
    expect(Array.from(await kp.colLse(beta, 0.8))).toEqual(Array.from(await kc.colLse(beta, 0.8)));
    kp.dispose();
    const a = await sinkhorn(undefined, x, y, { tol: 1e-6 }, f);
    const b = await sinkhorn(undefined, x, y, { tol: 1e-6 }, cpuKernelFactory());
    expect(a.iterations).toBe(b.iterations);
    expect(Array.from(a.f)).toEqual(Array.from(b.f));
  });
});

describe('MessageLsePool without shared memory (the browser path when not cross-origin isolated)', () => {
  it('copies arrays, gets rows back from each in-process "worker", and matches the CPU kernel', async () => {
    const { MessageLsePool, serveLsePool } = await import('../../../src/core/align/lse-pool');
    const endpoints = [0, 1, 2].map(() => {
      let deliver: (r: import('../../../src/core/align/lse-pool').LsePoolReply) => void = () => undefined;
      const serve = serveLsePool((r) => queueMicrotask(() => deliver(r)));
      return {
        post: (m: import('../../../src/core/align/lse-pool').LsePoolMessage) => queueMicrotask(() => serve(structuredClone(m))),
        listen: (cb: typeof deliver) => (deliver = cb),
        terminate: () => undefined,
      };
    });
    const p = new MessageLsePool(endpoints, { shared: false });
    const x = randomCloud(31, 5, 3);
    const y = randomCloud(12, 5, 4);
    const k = await pooledKernelFactory(p).create(x.points, y.points, 5);
    const kc = await cpuKernelFactory().create(x.points, y.points, 5);
    const alpha = Float64Array.from({ length: 12 }, (_, j) => j / 3);
    expect(Array.from(await k.rowLse(alpha, 1.3))).toEqual(Array.from(await kc.rowLse(alpha, 1.3)));
    await p.close();
  });
});

describe('the CPU alignment the browser pool is checked against (test/browser/gpu/cases.ts)', () => {
  it('Node selects the recorded rows with the recorded OT iterations and cost, single-threaded and pooled', async () => {
    const c = CPU_ALIGN_CASE;
    const p = syntheticBigFive({ ...c.pool, tiltSd: [...c.pool.tiltSd] });
    const r = syntheticBigFive(c.reference);
    for (const kernels of [cpuKernelFactory(), pooledKernelFactory(pool)]) {
      const got = await align(undefined, p, r, { ...c.options }, kernels);
      expect(Array.from(got.selected)).toEqual([...c.selected]);
      expect(got.ot?.iterations).toBe(c.iterations);
      expect(got.ot?.cost).toBe(c.cost);
    }
  });
});
