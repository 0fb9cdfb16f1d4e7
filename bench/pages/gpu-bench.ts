/**
 * In-page half of bench/align-gpu.bench.ts: times the streaming log-sum-exp and whole Sinkhorn
 * solves on WebGPU and on the float64 CPU path in the same page. Driven from Node through
 * `window.gpuBench`.
 *
 * GPU times: timestamp queries around the passes when the adapter has 'timestamp-query'; wall
 * time around queue.onSubmittedWorkDone (passes only); and wall time of the full rowLse call
 * (alpha upload + passes + readback).
 */
import { cpuKernelFactory } from '../../src/core/align/cpu-kernel';
import { sinkhorn, type SinkhornResult } from '../../src/core/align/sinkhorn';
import { gaussianCloud } from '../../src/core/align/synthetic';
import { lseRows } from '../../src/core/lse';
import { Rng } from '../../src/core/rng';
import { createPairKernelFactory } from '../../src/gpu/backend';
import { acquireGpu, type GpuAdapterSummary, type GpuLimits } from '../../src/gpu/device';
import { GpuLseKernel, toDeviceAlpha } from '../../src/gpu/lse-kernel';
import { sinkhornGpu } from '../../src/gpu/sinkhorn-gpu';

export interface BenchInfo {
  adapter: GpuAdapterSummary;
  limits: GpuLimits;
  userAgent: string;
  cores: number;
}

export interface LseRequest {
  n: number;
  m: number;
  d: number;
  /** Rows actually run on each backend (≤ n); throughput is extrapolated to n rows. */
  gpuRows: number;
  cpuRows: number;
  reps: number;
}

export interface LseTiming {
  gpuRows: number;
  cpuRows: number;
  /** Pairs per second: full rowLse calls (upload alpha, passes, readback). */
  gpuCallPairsPerSec: number;
  /** Pairs per second: passes only (reps passes in one submit, wall time to onSubmittedWorkDone). */
  gpuDevicePairsPerSec: number;
  /** Pairs per second from GPU timestamp queries around the passes; undefined without 'timestamp-query'. */
  gpuTimestampPairsPerSec: number | undefined;
  cpuPairsPerSec: number;
  /** Parity on the rows both ran: max |Δ|/max(1,|ref|). */
  maxRelErr: number;
}

export interface SinkhornTiming {
  n: number;
  m: number;
  d: number;
  cpu: { ms: number; iterations: number };
  gpuKernel: { ms: number; iterations: number; backend: string };
  gpuLoop: { ms: number; iterations: number; readbacks: number; backend: string };
  /** max |Δf|, |Δg| over max(1, |f|, |g|), GPU loop vs CPU. */
  potentialErr: number;
}

function points(rng: Rng, rows: number, d: number, shift: number): Float32Array {
  const out = new Float32Array(rows * d);
  const scale = d >= 50 ? 1 / Math.sqrt(d) : 1;
  for (let i = 0; i < out.length; i++) out[i] = scale * (shift + rng.normal());
  return out;
}

async function info(): Promise<BenchInfo> {
  const ctx = await acquireGpu();
  return { adapter: ctx.adapter, limits: { ...ctx.limits }, userAgent: navigator.userAgent, cores: navigator.hardwareConcurrency };
}

async function lse(req: LseRequest): Promise<LseTiming> {
  const ctx = await acquireGpu();
  const rng = new Rng(7 + req.n + req.m + req.d);
  const y = points(rng, req.m, req.d, 0);
  const xAll = points(rng, Math.max(req.gpuRows, req.cpuRows), req.d, 0.3);
  const alpha = new Float64Array(req.m);
  for (let j = 0; j < req.m; j++) alpha[j] = -Math.log(req.m) + 0.5 * rng.normal();
  const s = 2;
  const x = xAll.subarray(0, req.gpuRows * req.d);
  const k = await GpuLseKernel.create(ctx, x, y, req.d);
  try {
    const warm = await k.rowLse(alpha, s); // compiles pipelines, first-touch of buffers
    let t = performance.now();
    for (let r = 0; r < req.reps; r++) await k.rowLse(alpha, s);
    const callMs = (performance.now() - t) / req.reps;

    const a32 = new Float32Array(req.m);
    toDeviceAlpha(alpha, a32);
    const alphaBuf = ctx.device.createBuffer({ label: 'bench alpha', size: Math.ceil((req.m * 4) / 16) * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const outBuf = ctx.device.createBuffer({ label: 'bench out', size: Math.ceil((req.gpuRows * 4) / 16) * 16, usage: GPUBufferUsage.STORAGE });
    ctx.device.queue.writeBuffer(alphaBuf, 0, a32);
    k.setScale('row', s);
    await ctx.device.queue.onSubmittedWorkDone();
    t = performance.now();
    const enc = ctx.device.createCommandEncoder({ label: 'bench lse passes' });
    for (let r = 0; r < req.reps; r++) k.encode(enc, 'row', alphaBuf, outBuf);
    ctx.device.queue.submit([enc.finish()]);
    await ctx.device.queue.onSubmittedWorkDone();
    const deviceMs = (performance.now() - t) / req.reps;
    // GPU timestamps around the same passes, when the adapter has them (no submit/map latency).
    let timestampMs: number | undefined;
    if (ctx.hasTimestamps) {
      const dev = ctx.device;
      const qs = dev.createQuerySet({ label: 'bench lse timestamps', type: 'timestamp', count: 2 });
      const resolved = dev.createBuffer({ label: 'bench timestamps resolved', size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
      const read = dev.createBuffer({ label: 'bench timestamps readback', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      const te = dev.createCommandEncoder({ label: 'bench lse passes (timestamps)' });
      for (let r = 0; r < req.reps; r++) {
        const tw: GPUComputePassTimestampWrites = { querySet: qs };
        if (r === 0) tw.beginningOfPassWriteIndex = 0;
        if (r === req.reps - 1) tw.endOfPassWriteIndex = 1;
        k.encode(te, 'row', alphaBuf, outBuf, tw);
      }
      te.resolveQuerySet(qs, 0, 2, resolved, 0);
      te.copyBufferToBuffer(resolved, 0, read, 0, 16);
      dev.queue.submit([te.finish()]);
      await read.mapAsync(GPUMapMode.READ);
      const ns = new BigInt64Array(read.getMappedRange());
      const dt = Number(ns[1]! - ns[0]!) / 1e6 / req.reps;
      read.unmap();
      // Some implementations quantise or zero timestamps; keep only a plausible reading.
      if (dt > 0) timestampMs = dt;
      qs.destroy();
      resolved.destroy();
      read.destroy();
    }
    alphaBuf.destroy();
    outBuf.destroy();

    const xc = xAll.subarray(0, req.cpuRows * req.d);
    t = performance.now();
    const ref = lseRows(xc, y, req.d, alpha, s);
    const cpuMs = performance.now() - t;
    let err = 0;
    const both = Math.min(req.cpuRows, req.gpuRows);
    for (let i = 0; i < both; i++) err = Math.max(err, Math.abs(warm[i]! - ref[i]!) / Math.max(1, Math.abs(ref[i]!)));
    return {
      gpuRows: req.gpuRows,
      cpuRows: req.cpuRows,
      gpuCallPairsPerSec: (req.gpuRows * req.m) / (callMs / 1000),
      gpuDevicePairsPerSec: (req.gpuRows * req.m) / (deviceMs / 1000),
      gpuTimestampPairsPerSec: timestampMs === undefined ? undefined : (req.gpuRows * req.m) / (timestampMs / 1000),
      cpuPairsPerSec: (req.cpuRows * req.m) / (cpuMs / 1000),
      maxRelErr: err,
    };
  } finally {
    k.dispose();
  }
}

async function solve(n: number, m: number, d: number): Promise<SinkhornTiming> {
  const a = gaussianCloud(n, d, 11, 0.4, d >= 50 ? 1 / Math.sqrt(d) : 1);
  const b = gaussianCloud(m, d, 12, 0, d >= 50 ? 1 / Math.sqrt(d) : 1);
  const opts = { tol: 1e-4 };
  let t = performance.now();
  const cpu = await sinkhorn(undefined, a, b, opts, cpuKernelFactory());
  const cpuMs = performance.now() - t;
  const factory = await createPairKernelFactory({ prefer: 'gpu' });
  t = performance.now();
  const gk = await sinkhorn(undefined, a, b, opts, factory);
  const gkMs = performance.now() - t;
  t = performance.now();
  const gl = await sinkhornGpu(undefined, a, b, opts);
  const glMs = performance.now() - t;
  return {
    n,
    m,
    d,
    cpu: { ms: cpuMs, iterations: cpu.iterations },
    gpuKernel: { ms: gkMs, iterations: gk.iterations, backend: factory.backendUsed },
    gpuLoop: { ms: glMs, iterations: gl.iterations, readbacks: gl.readbacks, backend: gl.backendUsed },
    potentialErr: potentialErr(gl, cpu),
  };
}

function potentialErr(x: SinkhornResult, ref: SinkhornResult): number {
  let scale = 1;
  for (const v of ref.f) scale = Math.max(scale, Math.abs(v));
  for (const v of ref.g) scale = Math.max(scale, Math.abs(v));
  let e = 0;
  ref.f.forEach((v, i) => (e = Math.max(e, Math.abs(v - x.f[i]!))));
  ref.g.forEach((v, i) => (e = Math.max(e, Math.abs(v - x.g[i]!))));
  return e / scale;
}

declare global {
  interface Window {
    gpuBench: { info: typeof info; lse: typeof lse; solve: typeof solve };
  }
}

window.gpuBench = { info, lse, solve };
document.getElementById('status')!.textContent = 'GPU bench ready.';
