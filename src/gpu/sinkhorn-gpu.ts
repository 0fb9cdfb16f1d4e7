/**
 * Log-domain Sinkhorn with the whole loop on the GPU: the same iteration, options and result as
 * src/core/align/sinkhorn.ts (balanced, semi-relaxed, unbalanced; ε-scaling; warm start), but the
 * potentials f, g never leave the device between checks. Per iteration: potential.wgsl (alpha),
 * lse.wgsl + lse-combine.wgsl (row LSE), potential.wgsl (f update), the same for g; at a check
 * iteration marginal.wgsl + reduce.wgsl write the marginal error, and one f32 scalar is read back.
 * Checks follow the CPU's rule (every `checkEvery` iterations, and the last); the command buffer is
 * cut right after the check, so when it converges the potentials are exactly those whose error was
 * reported (the CPU's semantics). With checkEvery = k there is one readback per k iterations.
 *
 * Precision: f, g and alpha are float32 on the device (see lse-kernel.ts). The marginal error
 * reads Δ_i = f_i/ε + lse_i in f32, so its floor is ≈ 1e-7·max|f/ε|: ask for tol above that.
 *
 * On a GpuError (device lost, limits) the solve is repeated with the CPU kernel from the start,
 * so the result is the CPU result; `backendUsed` and `fallback` say so. The final plan summary
 * (cost, marginals of the plan) is the float64 streaming pass of src/core/align/plan.ts.
 */
import type { WeightedCloud } from '../core/cloud';
import type { ProgressCallback } from '../contracts/progress';
import { cpuKernelFactory } from '../core/align/cpu-kernel';
import type { PairKernelFactory } from '../core/align/kernel';
import {
  fStepLambda,
  resolveSinkhornOptions,
  sinkhorn,
  sinkhornDiverged,
  sinkhornResult,
  sinkhornStepProgress,
  stepTolerance,
  summarisePlan,
  type SinkhornOptions,
  type SinkhornResult,
} from '../core/align/sinkhorn';
import { AppError, isAppError, throwIfAborted } from '../core/errors';
import potentialSource from '../../shaders/potential.wgsl?raw';
import marginalSource from '../../shaders/marginal.wgsl?raw';
import reduceSource from '../../shaders/reduce.wgsl?raw';
import type { FallbackEvent } from './backend';
import { acquireGpu, withErrorScopes, type GpuContext } from './device';
import { GpuLseKernel, NEG_CUT, toDeviceAlpha, type GpuLseOptions } from './lse-kernel';
import { perDevice, pow2AtMost } from './pipelines';

export interface GpuSinkhornOptions {
  /** Options of the log-sum-exp kernel (limits override for tests, workgroup size...). */
  lse?: GpuLseOptions;
  /** Device source; default the shared acquireGpu(). */
  context?: () => Promise<GpuContext>;
  /** Repeat the solve on the CPU after a GpuError. Default true. */
  fallback?: boolean;
  cpu?: PairKernelFactory;
  onFallback?: (event: FallbackEvent) => void;
  /** Submit at least every this many iterations when checks are rarer (keeps command buffers small). Default 32. */
  maxBatch?: number;
}

export interface GpuSinkhornResult extends SinkhornResult {
  backendUsed: 'webgpu' | 'cpu';
  /** Set when the GPU failed and the CPU produced this result. */
  fallback: FallbackEvent | undefined;
  /** Scalars read back from the device during the loop (one per check). */
  readbacks: number;
}

/** Sinkhorn with the loop on the GPU; falls back to the CPU solver on a GpuError unless told not to. */
export async function sinkhornGpu(
  signal: AbortSignal | undefined,
  a: WeightedCloud,
  b: WeightedCloud,
  options: SinkhornOptions,
  gpu: GpuSinkhornOptions = {},
  onProgress?: ProgressCallback,
): Promise<GpuSinkhornResult> {
  try {
    const ctx = await (gpu.context ?? acquireGpu)();
    return await runOnDevice(ctx, signal, a, b, options, gpu, onProgress);
  } catch (e) {
    if (!isAppError(e, 'GpuError') || gpu.fallback === false) throw e;
    const event: FallbackEvent = { during: 'sinkhorn', error: e };
    gpu.onFallback?.(event);
    const r = await sinkhorn(signal, a, b, options, gpu.cpu ?? cpuKernelFactory(), onProgress);
    return { ...r, backendUsed: 'cpu', fallback: event, readbacks: 0 };
  }
}

/** Pipelines of the small loop kernels, built once per device. */
export class GpuSinkhornPipelines {
  private constructor(
    readonly wg: number,
    readonly potentialLayout: GPUBindGroupLayout,
    readonly marginalLayout: GPUBindGroupLayout,
    readonly reduceLayout: GPUBindGroupLayout,
    readonly potential: GPUComputePipeline,
    readonly marginal: GPUComputePipeline,
    readonly reduce: GPUComputePipeline,
    readonly reduceWg: number,
  ) {}

  private static cache = new WeakMap<GPUDevice, Promise<GpuSinkhornPipelines>>();

  static get(ctx: GpuContext): Promise<GpuSinkhornPipelines> {
    return perDevice(this.cache, ctx, () => this.build(ctx));
  }

  private static build(ctx: GpuContext): Promise<GpuSinkhornPipelines> {
    const { device, limits } = ctx;
    const maxWg = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
    const wg = pow2AtMost(Math.min(64, maxWg));
    const reduceWg = pow2AtMost(Math.min(256, maxWg, Math.floor(limits.maxComputeWorkgroupStorageSize / 4)));
    return withErrorScopes(ctx, 'the Sinkhorn loop pipelines', () => {
      // Binding 0 is always the dynamic-offset uniform of Params; the rest are storage buffers.
      const layout = (label: string, storage: Array<'read-only-storage' | 'storage'>): GPUBindGroupLayout =>
        device.createBindGroupLayout({
          label,
          entries: [
            { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
            ...storage.map((type, k) => ({ binding: k + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type } })),
          ],
        });
      const ro = 'read-only-storage' as const;
      const potentialLayout = layout('potential_step layout', [ro, ro, 'storage']);
      const marginalLayout = layout('marginal_partial layout', [ro, ro, ro, 'storage']);
      const reduceLayout = layout('reduce_sum layout', [ro, 'storage']);
      const pipe = (label: string, layout: GPUBindGroupLayout, code: string, entryPoint: string, w: number): GPUComputePipeline =>
        device.createComputePipeline({
          label: `${label} wg=${w}`,
          layout: device.createPipelineLayout({ label: `${label} pipeline layout`, bindGroupLayouts: [layout] }),
          compute: { module: device.createShaderModule({ label: `${label}.wgsl`, code }), entryPoint, constants: { WG: w } },
        });
      return new GpuSinkhornPipelines(
        wg,
        potentialLayout,
        marginalLayout,
        reduceLayout,
        pipe('potential', potentialLayout, potentialSource, 'potential_step', wg),
        pipe('marginal', marginalLayout, marginalSource, 'marginal_partial', wg),
        pipe('reduce', reduceLayout, reduceSource, 'reduce_sum', reduceWg),
        reduceWg,
      );
    });
  }
}

/** 1-D work of `len` items as a ≤ maxPerDim × k grid of workgroups. */
function grid(len: number, wg: number, maxPerDim: number): { gx: number; gy: number } {
  const blocks = Math.max(1, Math.ceil(len / wg));
  const gx = Math.min(blocks, maxPerDim);
  return { gx, gy: Math.ceil(blocks / gx) };
}

const SLOT = 256; // ≥ minUniformBufferOffsetAlignment on every adapter (the spec's maximum value)

type PotSlot = 'alphaCols' | 'alphaRows' | 'updateF' | 'updateG';
const POT_SLOTS: PotSlot[] = ['alphaCols', 'alphaRows', 'updateF', 'updateG'];

/**
 * Device state of one solve: potentials, log-weights, scratch, and the encoders of each step.
 * Also the test hook for the small kernels (evalMarginal, evalPotential).
 */
class DeviceLoop {
  readonly f: GPUBuffer;
  readonly g: GPUBuffer;
  readonly la: GPUBuffer;
  readonly lb: GPUBuffer;
  readonly alphaRows: GPUBuffer;
  readonly alphaCols: GPUBuffer;
  readonly r: GPUBuffer;
  readonly c: GPUBuffer;
  private readonly sums: GPUBuffer;
  private readonly err: GPUBuffer;
  private readonly errStaging: GPUBuffer;
  private readonly potParams: GPUBuffer;
  private readonly margParams: GPUBuffer;
  private readonly reduceParams: GPUBuffer;
  private readonly potGroups: Record<PotSlot, GPUBindGroup>;
  private readonly margGroups: Record<'row' | 'col', GPUBindGroup>;
  private readonly reduceGroup: GPUBindGroup;
  private readonly owned: GPUBuffer[] = [];
  private readonly margGrid: Record<'row' | 'col', { gx: number; gy: number }>;

  constructor(
    readonly ctx: GpuContext,
    readonly pipes: GpuSinkhornPipelines,
    readonly n: number,
    readonly m: number,
  ) {
    const { device, limits } = ctx;
    const S = GPUBufferUsage.STORAGE;
    const buf = (label: string, len: number, usage: number): GPUBuffer => {
      const b = device.createBuffer({ label, size: Math.max(16, Math.ceil((len * 4) / 16) * 16), usage });
      this.owned.push(b);
      return b;
    };
    const io = S | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC;
    this.f = buf('sinkhorn f (pool potential)', n, io);
    this.g = buf('sinkhorn g (reference potential)', m, io);
    this.la = buf('sinkhorn log a', n, io);
    this.lb = buf('sinkhorn log b', m, io);
    this.alphaRows = buf('sinkhorn alpha rows (f/ε + log a)', n, io);
    this.alphaCols = buf('sinkhorn alpha cols (g/ε + log b)', m, io);
    this.r = buf('sinkhorn row LSE', n, io);
    this.c = buf('sinkhorn col LSE', m, io);
    const maxPerDim = limits.maxComputeWorkgroupsPerDimension;
    this.margGrid = { row: grid(n, pipes.wg, maxPerDim), col: grid(m, pipes.wg, maxPerDim) };
    const sumsLen = Math.max(this.margGrid.row.gx * this.margGrid.row.gy, this.margGrid.col.gx * this.margGrid.col.gy);
    this.sums = buf('sinkhorn marginal partial sums', sumsLen, S);
    this.err = buf('sinkhorn marginal error', 4, S | GPUBufferUsage.COPY_SRC);
    this.errStaging = buf('sinkhorn marginal error staging', 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
    const U = GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;
    this.potParams = buf('potential_step params (4 slots)', (SLOT * POT_SLOTS.length) / 4, U);
    this.margParams = buf('marginal params (row, col)', (SLOT * 2) / 4, U);
    this.reduceParams = buf('reduce params (row, col)', (SLOT * 2) / 4, U);
    const reduceData = new Uint32Array((SLOT * 2) / 4);
    reduceData[0] = this.margGrid.row.gx * this.margGrid.row.gy;
    reduceData[SLOT / 4] = this.margGrid.col.gx * this.margGrid.col.gy;
    device.queue.writeBuffer(this.reduceParams, 0, reduceData);

    // Binding 0: a 16-byte window of the params buffer (its slot is the dynamic offset); then the buffers in binding order.
    const group = (label: string, layout: GPUBindGroupLayout, params: GPUBuffer, buffers: GPUBuffer[]): GPUBindGroup =>
      device.createBindGroup({
        label,
        layout,
        entries: [{ binding: 0, resource: { buffer: params, size: 16 } }, ...buffers.map((buffer, k) => ({ binding: k + 1, resource: { buffer } }))],
      });
    const pg = (label: string, src: GPUBuffer, logw: GPUBuffer, dst: GPUBuffer): GPUBindGroup => group(label, pipes.potentialLayout, this.potParams, [src, logw, dst]);
    this.potGroups = {
      alphaCols: pg('alpha cols = g/ε + log b', this.g, this.lb, this.alphaCols),
      alphaRows: pg('alpha rows = f/ε + log a', this.f, this.la, this.alphaRows),
      updateF: pg('f = −λε · row LSE', this.r, this.la, this.f),
      updateG: pg('g = −ε · col LSE', this.c, this.lb, this.g),
    };
    const mg = (label: string, pot: GPUBuffer, lse: GPUBuffer, logw: GPUBuffer): GPUBindGroup => group(label, pipes.marginalLayout, this.margParams, [pot, lse, logw, this.sums]);
    this.margGroups = { row: mg('marginal ‖P1 − a‖₁', this.f, this.r, this.la), col: mg('marginal ‖Pᵀ1 − b‖₁', this.g, this.c, this.lb) };
    this.reduceGroup = group('reduce marginal sums', pipes.reduceLayout, this.reduceParams, [this.sums, this.err]);
  }

  /** Writes the per-ε parameters (call with no unsubmitted work that should see the old ones). */
  setEpsilon(e: number, lambda: number): void {
    const data = new ArrayBuffer(SLOT * POT_SLOTS.length);
    const u = new Uint32Array(data);
    const fl = new Float32Array(data);
    const put = (slot: number, len: number, mode: number, a: number, perLineThreads: number): void => {
      const o = (slot * SLOT) / 4;
      u[o] = len;
      u[o + 1] = mode;
      fl[o + 2] = a;
      u[o + 3] = perLineThreads;
    };
    const wg = this.pipes.wg;
    const maxPerDim = this.ctx.limits.maxComputeWorkgroupsPerDimension;
    const lineN = grid(this.n, wg, maxPerDim).gx * wg;
    const lineM = grid(this.m, wg, maxPerDim).gx * wg;
    put(0, this.m, 0, 1 / e, lineM);
    put(1, this.n, 0, 1 / e, lineN);
    put(2, this.n, 1, lambda * e, lineN);
    put(3, this.m, 1, e, lineM);
    this.ctx.device.queue.writeBuffer(this.potParams, 0, data);
    const md = new ArrayBuffer(SLOT * 2);
    const mu = new Uint32Array(md);
    const mf = new Float32Array(md);
    mu[0] = this.n;
    mf[1] = 1 / e;
    mu[2] = this.margGrid.row.gx;
    mu[SLOT / 4] = this.m;
    mf[SLOT / 4 + 1] = 1 / e;
    mu[SLOT / 4 + 2] = this.margGrid.col.gx;
    this.ctx.device.queue.writeBuffer(this.margParams, 0, md);
  }

  encodePotential(enc: GPUCommandEncoder, slot: PotSlot): void {
    const k = POT_SLOTS.indexOf(slot);
    const len = slot === 'alphaCols' || slot === 'updateG' ? this.m : this.n;
    const { gx, gy } = grid(len, this.pipes.wg, this.ctx.limits.maxComputeWorkgroupsPerDimension);
    const pass = enc.beginComputePass({ label: `potential ${slot}` });
    pass.setPipeline(this.pipes.potential);
    pass.setBindGroup(0, this.potGroups[slot], [k * SLOT]);
    pass.dispatchWorkgroups(gx, gy);
    pass.end();
  }

  /** Marginal error of f (dir 'row') or g ('col') into the error scalar, and a copy to its staging buffer. */
  encodeMarginal(enc: GPUCommandEncoder, dir: 'row' | 'col'): void {
    const k = dir === 'row' ? 0 : 1;
    const pass = enc.beginComputePass({ label: `marginal ${dir}` });
    pass.setPipeline(this.pipes.marginal);
    pass.setBindGroup(0, this.margGroups[dir], [k * SLOT]);
    pass.dispatchWorkgroups(this.margGrid[dir].gx, this.margGrid[dir].gy);
    pass.setPipeline(this.pipes.reduce);
    pass.setBindGroup(0, this.reduceGroup, [k * SLOT]);
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(this.err, 0, this.errStaging, 0, 4);
  }

  async readError(): Promise<number> {
    await this.ctx.guard(this.errStaging.mapAsync(GPUMapMode.READ, 0, 4), 'read the Sinkhorn marginal error');
    const v = new Float32Array(this.errStaging.getMappedRange(0, 4))[0]!;
    this.errStaging.unmap();
    return v;
  }

  writeF32(buffer: GPUBuffer, values: Float64Array, asAlpha: boolean): void {
    const out = new Float32Array(values.length);
    if (asAlpha) toDeviceAlpha(values, out);
    else out.set(values);
    this.ctx.device.queue.writeBuffer(buffer, 0, out);
  }

  /** Reads `len` f32 values; NaN/±∞ (or sentinels, unless allowNegInf maps NEG_SENT to −∞) is a NumericError. */
  async readF64(buffer: GPUBuffer, len: number, what: string, allowNegInf = false): Promise<Float64Array> {
    const staging = this.ctx.device.createBuffer({ label: `${what} readback`, size: Math.max(16, Math.ceil((len * 4) / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      const enc = this.ctx.device.createCommandEncoder({ label: `read ${what}` });
      enc.copyBufferToBuffer(buffer, 0, staging, 0, len * 4);
      this.ctx.device.queue.submit([enc.finish()]);
      await this.ctx.guard(staging.mapAsync(GPUMapMode.READ, 0, len * 4), `read back ${what}`);
      const raw = new Float32Array(staging.getMappedRange(0, len * 4));
      const out = new Float64Array(len);
      for (let i = 0; i < len; i++) {
        const v = raw[i]!;
        if (allowNegInf && v <= NEG_CUT) {
          out[i] = -Infinity;
          continue;
        }
        if (!Number.isFinite(v) || Math.abs(v) >= 1e38) throw new AppError('NumericError', `The GPU Sinkhorn produced ${v} in ${what} at index ${i}; standardise the traits or use a larger ε.`);
        out[i] = v;
      }
      staging.unmap();
      return out;
    } finally {
      staging.destroy();
    }
  }

  dispose(): void {
    for (const b of this.owned) b.destroy();
  }
}

async function runOnDevice(
  ctx: GpuContext,
  signal: AbortSignal | undefined,
  a: WeightedCloud,
  b: WeightedCloud,
  options: SinkhornOptions,
  gpu: GpuSinkhornOptions,
  onProgress?: ProgressCallback,
): Promise<GpuSinkhornResult> {
  const t0 = Date.now();
  // Options, schedule, ρ and tolerances exactly as src/core/align/sinkhorn.ts reads them.
  const resolved = resolveSinkhornOptions(a, b, options);
  const { mode, tol, maxIter, checkEvery, rho, schedule, n, m, la, lb } = resolved;
  const maxBatch = Math.max(1, gpu.maxBatch ?? 32);
  let epsReached = schedule[0]!;

  const lse = await GpuLseKernel.create(ctx, a.points, b.points, a.d, gpu.lse);
  const pipes = await GpuSinkhornPipelines.get(ctx);
  const loop = await withErrorScopes(ctx, `Sinkhorn buffers for ${n}×${m}`, () => new DeviceLoop(ctx, pipes, n, m));
  const { device } = ctx;
  const history: SinkhornResult['errorHistory'] = [];
  let iterations = 0;
  let error = Infinity;
  let converged = false;
  let readbacks = 0;
  try {
    loop.writeF32(loop.la, la, true);
    loop.writeF32(loop.lb, lb, true);
    loop.writeF32(loop.f, options.warmStart?.f ?? new Float64Array(n), false);
    loop.writeF32(loop.g, options.warmStart?.g ?? new Float64Array(m), false);

    let enc: GPUCommandEncoder | undefined;
    let pending = 0;
    const encoder = (): GPUCommandEncoder => (enc ??= device.createCommandEncoder({ label: 'sinkhorn iterations' }));
    const submit = (): void => {
      if (enc) device.queue.submit([enc.finish()]);
      enc = undefined;
      pending = 0;
    };
    const check = async (e: number, stepTol: number): Promise<boolean> => {
      submit();
      error = await loop.readError();
      readbacks++;
      if (!Number.isFinite(error)) throw sinkhornDiverged(e, iterations);
      history.push({ iteration: iterations, epsilon: e, error });
      return error < stepTol;
    };

    for (let step = 0; step < schedule.length; step++) {
      const e = schedule[step]!;
      const stepTol = stepTolerance(tol, step === schedule.length - 1);
      const lambda = fStepLambda(mode, rho, e);
      epsReached = e;
      submit(); // queued work must not see the next ε's parameters
      loop.setEpsilon(e, lambda);
      lse.setScale('row', 1 / e);
      lse.setScale('col', 1 / e);
      converged = false;
      while (iterations < maxIter) {
        throwIfAborted(signal);
        const isCheck = iterations % checkEvery === 0 || iterations + 1 === maxIter;
        iterations++;
        if (lambda === 0) {
          encoder().clearBuffer(loop.f);
        } else {
          loop.encodePotential(encoder(), 'alphaCols');
          lse.encode(encoder(), 'row', loop.alphaCols, loop.r);
          if (mode === 'balanced' && isCheck) {
            loop.encodeMarginal(encoder(), 'row');
            if (await check(e, stepTol)) {
              converged = true;
              break;
            }
          }
          loop.encodePotential(encoder(), 'updateF');
        }
        loop.encodePotential(encoder(), 'alphaRows');
        lse.encode(encoder(), 'col', loop.alphaRows, loop.c);
        if (mode !== 'balanced' && isCheck) {
          loop.encodeMarginal(encoder(), 'col');
          if (await check(e, stepTol)) {
            converged = true;
            break;
          }
        }
        loop.encodePotential(encoder(), 'updateG');
        if (++pending >= maxBatch) {
          submit();
          // Let the queue drain now and then, so cancel stays responsive and the CPU does not run ahead.
          await ctx.guard(device.queue.onSubmittedWorkDone(), 'run Sinkhorn iterations');
        }
      }
      submit();
      onProgress?.(sinkhornStepProgress(step, schedule.length, e, error, iterations, Date.now() - t0, { suffix: ' (WebGPU)', counts: { readbacks } }));
      if (iterations >= maxIter) break;
    }
    submit();
    const f = await loop.readF64(loop.f, n, 'f');
    const g = await loop.readF64(loop.g, m, 'g');
    const result: GpuSinkhornResult = {
      ...sinkhornResult(resolved, { f, g, epsilon: epsReached, iterations, error, history, converged }),
      backendUsed: 'webgpu',
      fallback: undefined,
      readbacks,
    };
    if (!options.skipPlanSummary) {
      throwIfAborted(signal);
      summarisePlan(result, a, b, resolved);
    }
    return result;
  } finally {
    loop.dispose();
    lse.dispose();
  }
}

/**
 * Test hooks: run one small kernel on given data (float64 in, float64 out) so that each can be
 * checked against its float64 reference (src/core/align/potential.ts, marginal.ts).
 */
export const loopKernelsForTests = {
  async marginal(ctx: GpuContext, pot: Float64Array, lseValues: Float64Array, logw: Float64Array, invEps: number): Promise<number> {
    const pipes = await GpuSinkhornPipelines.get(ctx);
    const loop = new DeviceLoop(ctx, pipes, pot.length, 1);
    try {
      loop.setEpsilon(1 / invEps, 1);
      loop.writeF32(loop.f, pot, false);
      loop.writeF32(loop.r, lseValues, true);
      loop.writeF32(loop.la, logw, true);
      const enc = ctx.device.createCommandEncoder({ label: 'test marginal' });
      loop.encodeMarginal(enc, 'row');
      ctx.device.queue.submit([enc.finish()]);
      return await loop.readError();
    } finally {
      loop.dispose();
    }
  },
  async potential(ctx: GpuContext, slot: 'alphaRows' | 'updateF', src: Float64Array, logw: Float64Array, e: number, lambda: number): Promise<Float64Array> {
    const pipes = await GpuSinkhornPipelines.get(ctx);
    const n = src.length;
    const loop = new DeviceLoop(ctx, pipes, n, 1);
    try {
      loop.setEpsilon(e, lambda);
      loop.writeF32(loop.la, logw, true);
      loop.writeF32(slot === 'alphaRows' ? loop.f : loop.r, src, slot === 'updateF');
      const enc = ctx.device.createCommandEncoder({ label: `test potential ${slot}` });
      loop.encodePotential(enc, slot);
      ctx.device.queue.submit([enc.finish()]);
      return await loop.readF64(slot === 'alphaRows' ? loop.alphaRows : loop.f, n, slot, true);
    } finally {
      loop.dispose();
    }
  },
};
