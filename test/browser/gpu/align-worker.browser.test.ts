/**
 * The align worker through AlignService (a real module Worker with WebGPU inside), and the API
 * object in-thread: methods run on the GPU kernel, progress arrives per ε step, cancel rejects with
 * AbortError, and a terminated worker is replaced on the next call.
 */
import { describe, expect, test } from 'vitest';
import { syntheticBigFive } from '../../../src/core/align/synthetic';
import type { Progress } from '../../../src/contracts/progress';
import { createAlignApi, type CloudData } from '../../../src/gpu/align-api';
import { AlignService } from '../../../src/services/align-service';

function data(seed: number, n: number, tilt: boolean): CloudData {
  const c = syntheticBigFive({ n, seed, ...(tilt ? { tiltSd: [0.5, 0.3, 0.6, 0.8, -0.8] } : {}) });
  return { points: c.points, d: c.d };
}

describe('align worker', () => {
  const pool = data(1, 400, true);
  const reference = data(2, 300, false);

  test('in-thread API: is+ot on WebGPU equals the CPU selection', async () => {
    const api = createAlignApi();
    const gpu = await api.align({ pool, reference, options: { method: 'is+ot', size: 60 }, backend: 'gpu' });
    const cpu = await api.align({ pool, reference, options: { method: 'is+ot', size: 60 }, backend: 'cpu' });
    expect(gpu.backend.used).toBe('webgpu');
    expect(cpu.backend.used).toBe('cpu');
    expect(gpu.result.selected.length).toBe(60);
    const same = gpu.result.selected.filter((i) => cpu.result.selected.includes(i)).length;
    console.log(`[align worker] is+ot gpu vs cpu: ${same}/60 same rows; iterations ${gpu.result.ot?.iterations}/${cpu.result.ot?.iterations}`);
    expect(same).toBeGreaterThanOrEqual(57); // near-ties in plan mass may flip a few
  });

  test("backend 'auto' (the default) takes the CPU on a software adapter and says why", async () => {
    const api = createAlignApi();
    const info = await api.gpuInfo();
    const r = await api.align({ pool, reference, options: { method: 'is', size: 40 } }); // 'is' uses the kernels (KDE)
    if (info.adapter?.software) {
      expect(r.backend.used).toBe('cpu');
      expect(r.backend.fallbacks[0]?.message).toMatch(/software adapter/);
    } else {
      expect(r.backend.used).toBe('webgpu');
    }
  });

  test('through the worker: progress per ε step, GPU used, device loop too', async () => {
    const svc = new AlignService();
    const info = await svc.gpuInfo();
    expect(info.available).toBe(true);
    const seen: Progress[] = [];
    const r = await svc.align({ pool, reference, options: { method: 'ot', size: 50 }, backend: 'gpu' }, (p) => seen.push(p));
    expect(r.backend.used).toBe('webgpu');
    expect(r.result.selected.length).toBe(50);
    expect(seen.filter((p) => p.stage === 'sinkhorn').length).toBeGreaterThan(1);
    const s = await svc.sinkhorn({ a: pool, b: reference, options: { tol: 1e-4 }, loop: 'device', backend: 'gpu' });
    expect(s.backend.used).toBe('webgpu');
    expect(s.result.converged).toBe(true);
    svc.terminate();
  });

  test('cancel rejects with AbortError; terminate, then the next call starts a new worker', async () => {
    const svc = new AlignService();
    const ac = new AbortController();
    const job = svc.sinkhorn({ a: pool, b: reference, options: { tol: 1e-9, maxIter: 100000, epsilonRelative: 0.001 } }, (p) => {
      if (p.done >= 1) ac.abort();
    }, ac.signal);
    await expect(job).rejects.toMatchObject({ name: 'AbortError' });
    const slow = svc.sinkhorn({ a: pool, b: reference, options: { tol: 1e-9, maxIter: 100000 } });
    setTimeout(() => svc.terminate(), 200);
    await expect(slow).rejects.toMatchObject({ name: 'AbortError' });
    const again = await svc.gpuInfo();
    expect(again.available).toBe(true);
    svc.terminate();
  });
});
