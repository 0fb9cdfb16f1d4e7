/**
 * Device loss: destroying the device while a log-sum-exp is in flight finishes that call on the CPU
 * with the same result and flags the fallback; the next create() acquires a new device.
 */
import { describe, expect, test } from 'vitest';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { lseRows } from '../../../src/core/lse';
import { createPairKernelFactory, type FallbackEvent } from '../../../src/gpu/backend';
import { acquireGpu } from '../../../src/gpu/device';
import { makeCase, maxRelErr } from './cases';

describe('fallback to the CPU', () => {
  test('device.destroy() during rowLse: the call finishes on the CPU, flagged; the next run re-acquires', async () => {
    const events: FallbackEvent[] = [];
    const factory = await createPairKernelFactory({ prefer: 'gpu', onFallback: (e) => events.push(e) });
    expect(factory.backend).toBe('webgpu');
    const c = makeCase('loss', 21, 1500, 2500, 5, 2);
    const ref = lseRows(c.x, c.y, c.d, c.alphaCols, c.s);
    const k = await factory.create(c.x, c.y, c.d);
    expect(k.backend).toBe('webgpu');
    const before = await k.rowLse(c.alphaCols, c.s); // warm: on the GPU
    expect(maxRelErr(before, ref)).toBeLessThanOrEqual(1e-4);
    const ctx1 = await acquireGpu();

    const inFlight = k.rowLse(c.alphaCols, c.s);
    ctx1.device.destroy();
    const after = await inFlight;
    expect(maxRelErr(after, ref)).toBeLessThanOrEqual(1e-4);
    expect(events.length).toBe(1);
    expect(events[0]!.error.name).toBe('GpuError');
    expect(factory.fellBack).toBe(true);
    expect(factory.backendUsed).toBe('webgpu+cpu');
    expect(k.backend).toBe('cpu');
    // Later calls of the same kernel stay on the CPU and stay right.
    const col = await k.colLse(c.alphaRows, c.s);
    expect(maxRelErr(col, lseRows(c.y, c.x, c.d, c.alphaRows, c.s))).toBe(0);
    k.dispose();

    // Next run: a fresh device.
    factory.resetReport();
    const k2 = await factory.create(c.x, c.y, c.d);
    expect(k2.backend).toBe('webgpu');
    const ctx2 = await acquireGpu();
    expect(ctx2.generation).toBeGreaterThan(ctx1.generation);
    expect(ctx1.isLost).toBe(true);
    expect(maxRelErr(await k2.rowLse(c.alphaCols, c.s), ref)).toBeLessThanOrEqual(1e-4);
    expect(factory.backendUsed).toBe('webgpu');
    k2.dispose();
  });

  test('device lost between calls: the next call goes to the CPU', async () => {
    const events: FallbackEvent[] = [];
    const factory = await createPairKernelFactory({ prefer: 'gpu', onFallback: (e) => events.push(e) });
    const c = makeCase('loss2', 22, 200, 300, 5, 1);
    const k = await factory.create(c.x, c.y, c.d);
    (await acquireGpu()).device.destroy();
    const out = await k.colLse(c.alphaRows, c.s);
    expect(maxRelErr(out, lseRows(c.y, c.x, c.d, c.alphaRows, c.s))).toBeLessThanOrEqual(1e-4);
    expect(events.map((e) => e.during)).toEqual(['colLse']);
    k.dispose();
  });

  test("prefer 'cpu' never touches the GPU; a kernel too big for the limits falls back at create()", async () => {
    const cpuOnly = await createPairKernelFactory({ prefer: 'cpu' });
    const c = makeCase('cpu', 23, 100, 150, 5, 1);
    const k = await cpuOnly.create(c.x, c.y, c.d);
    expect(k.backend).toBe('cpu');
    expect(cpuOnly.backendUsed).toBe('cpu');
    const events: FallbackEvent[] = [];
    const tiny = await createPairKernelFactory({ prefer: 'gpu', gpu: { limits: { maxStorageBufferBindingSize: 256 } }, cpu: cpuKernelFactory(), onFallback: (e) => events.push(e) });
    const k2 = await tiny.create(c.x, c.y, c.d);
    expect(k2.backend).toBe('cpu');
    expect(events[0]?.during).toBe('create');
    expect(maxRelErr(await k2.rowLse(c.alphaCols, 1), lseRows(c.x, c.y, c.d, c.alphaCols, 1))).toBe(0);
  });
});
