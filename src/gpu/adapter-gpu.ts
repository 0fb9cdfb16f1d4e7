/**
 * The contrastive adapter trained on WebGPU: the same loop, batches and order as the CPU trainer
 * (src/core/embed/adapter-train.ts runs both), with each step on the device:
 *
 *   adapter-project.wgsl  forward of the batch rows (queries, then candidate personas)
 *   adapter-logits.wgsl   similarities / τ, log-sum-exp over the valid columns, loss and ∂L/∂s
 *   adapter-backrow.wgsl  ∂L/∂y → ∂L/∂z (through the normalisation) → ∂L/∂u
 *   adapter-update.wgsl   ∂L/∂A, ∂L/∂B and Adam, in place on the device
 *
 * Per step the host uploads the gathered frozen vectors of the batch, its mask and positive
 * columns, and the step's uniforms, and reads back B per-row losses (summed in float64). The
 * parameters and Adam moments stay on the device; they are read back once per epoch for the
 * held-out evaluation (float64 on the CPU, as in the CPU trainer).
 *
 * Precision: float32 on the device; the CPU twin stores the same quantities as float32 and sums in
 * float64, so per-step losses agree to ≈1e-6 relative and weights to float32 rounding growth over
 * the steps (parity test in test/browser/gpu/adapter.browser.test.ts).
 *
 * Any GpuError (no adapter, limits, device lost mid-run) repeats the whole training on the CPU: the
 * training is a pure function of its input, so the result is the CPU trainer's; `report.fallback`
 * says why and `report.backend` is 'cpu'.
 */
import type { AdapterOptions, AdapterReport, AdapterTrainInput, LowRankAdapter, TrainAdapter } from '../contracts/adapter';
import type { ProgressCallback } from '../contracts/progress';
import { ADAM, adamCorrections, cpuStepper, MAX_ADAPTER_RANK } from '../core/embed/adapter';
import { trainAdapterWith, type AdapterBatch, type AdapterStepper, type TrainHooks } from '../core/embed/adapter-train';
import { AppError, isAppError } from '../core/errors';
import commonSource from '../../shaders/adapter-common.wgsl?raw';
import projectSource from '../../shaders/adapter-project.wgsl?raw';
import logitsSource from '../../shaders/adapter-logits.wgsl?raw';
import backrowSource from '../../shaders/adapter-backrow.wgsl?raw';
import updateSource from '../../shaders/adapter-update.wgsl?raw';
import { acquireGpu, errorText, withErrorScopes, type GpuContext } from './device';
import { perDevice, pow2AtMost } from './pipelines';

export interface GpuAdapterOptions {
  /** Device source; default the shared acquireGpu(). */
  context?: () => Promise<GpuContext>;
  /** Repeat the training on the CPU after a GpuError. Default true. */
  fallback?: boolean;
  /** Called once when the CPU takes over, with why. */
  onFallback?: (error: AppError) => void;
  hooks?: TrainHooks;
}

const PARAM_BYTES = 48;

class AdapterPipelines {
  private static cache = new WeakMap<GPUDevice, Promise<AdapterPipelines>>();

  private constructor(
    readonly wg: number,
    readonly layouts: Record<'project' | 'logits' | 'backrow' | 'update', GPUBindGroupLayout>,
    readonly pipes: Record<'project' | 'logits' | 'backrow' | 'update', GPUComputePipeline>,
  ) {}

  static get(ctx: GpuContext): Promise<AdapterPipelines> {
    return perDevice(this.cache, ctx, () => this.build(ctx));
  }

  private static build(ctx: GpuContext): Promise<AdapterPipelines> {
    const { device, limits } = ctx;
    const maxWg = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
    const wg = pow2AtMost(Math.min(64, maxWg));
    return withErrorScopes(ctx, 'the adapter training pipelines', () => {
      const ro = 'read-only-storage' as const;
      const rw = 'storage' as const;
      const layout = (label: string, types: GPUBufferBindingType[]): GPUBindGroupLayout =>
        device.createBindGroupLayout({ label, entries: ['uniform' as const, ...types].map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })) });
      const layouts = {
        project: layout('adapter_project layout', [ro, ro, rw, rw, rw]),
        logits: layout('adapter_logits layout', [ro, ro, rw, rw]),
        backrow: layout('adapter_backrow layout', [ro, ro, ro, ro, rw, rw]),
        update: layout('adapter_update layout', [ro, ro, ro, ro, rw, rw]),
      };
      const pipe = (name: keyof typeof layouts, code: string): GPUComputePipeline =>
        device.createComputePipeline({
          label: `adapter_${name} wg=${wg}`,
          layout: device.createPipelineLayout({ label: `adapter_${name} pipeline layout`, bindGroupLayouts: [layouts[name]] }),
          // WGSL has no #include: the shared WG, Params, red and reduceSum go in front of each kernel.
          compute: { module: device.createShaderModule({ label: `adapter-${name}.wgsl`, code: `${commonSource}\n${code}` }), entryPoint: `adapter_${name}`, constants: { WG: wg } },
        });
      return new AdapterPipelines(wg, layouts, {
        project: pipe('project', projectSource),
        logits: pipe('logits', logitsSource),
        backrow: pipe('backrow', backrowSource),
        update: pipe('update', updateSource),
      });
    });
  }
}

/** Device state of one training run: parameters, moments, and scratch sized for the largest batch. */
class GpuStepper implements AdapterStepper {
  readonly backend = 'webgpu' as const;
  private readonly owned: GPUBuffer[] = [];
  private readonly params: GPUBuffer;
  private readonly x: GPUBuffer;
  private readonly maskPos: GPUBuffer;
  private readonly theta: GPUBuffer;
  private readonly mom: GPUBuffer;
  private readonly u: GPUBuffer;
  private readonly y: GPUBuffer;
  private readonly invN: GPUBuffer;
  private readonly g: GPUBuffer;
  private readonly loss: GPUBuffer;
  private readonly gz: GPUBuffer;
  private readonly gu: GPUBuffer;
  private readonly lossStaging: GPUBuffer;
  private readonly groups: Record<'project' | 'logits' | 'backrow' | 'update', GPUBindGroup>;
  private t = 0;

  constructor(
    private readonly ctx: GpuContext,
    private readonly pipes: AdapterPipelines,
    private readonly dim: number,
    private readonly rank: number,
    private readonly opts: Required<AdapterOptions>,
    init: LowRankAdapter,
  ) {
    const { device } = ctx;
    const maxB = opts.batchSize;
    const maxC = opts.batchSize * (1 + opts.minedNegatives);
    const maxRows = maxB + maxC;
    const S = GPUBufferUsage.STORAGE;
    const CD = GPUBufferUsage.COPY_DST;
    const CS = GPUBufferUsage.COPY_SRC;
    const buf = (label: string, floats: number, usage: number): GPUBuffer => {
      const b = device.createBuffer({ label: `adapter ${label}`, size: Math.max(16, Math.ceil((floats * 4) / 16) * 16), usage });
      this.owned.push(b);
      return b;
    };
    const rd = rank * dim;
    this.params = buf('params', PARAM_BYTES / 4, GPUBufferUsage.UNIFORM | CD);
    this.x = buf('batch vectors x', maxRows * dim, S | CD);
    this.maskPos = buf('mask and positive columns', maxB * maxC + maxB, S | CD);
    this.theta = buf('theta (A, B)', 2 * rd, S | CD | CS);
    this.mom = buf('Adam moments (m, v)', 4 * rd, S | CD);
    this.u = buf('u = A·x', maxRows * rank, S);
    this.y = buf('y = normalise(x + B·u)', maxRows * dim, S);
    this.invN = buf('1/‖z‖', maxRows, S);
    this.g = buf('∂L/∂s', maxB * maxC, S);
    this.loss = buf('row losses', maxB, S | CS);
    this.gz = buf('∂L/∂z', maxRows * dim, S);
    this.gu = buf('∂L/∂u', maxRows * rank, S);
    this.lossStaging = buf('row losses readback', maxB, GPUBufferUsage.MAP_READ | CD);
    const theta = new Float32Array(2 * rd);
    theta.set(init.a, 0);
    theta.set(init.b, rd);
    device.queue.writeBuffer(this.theta, 0, theta);
    const group = (name: keyof AdapterPipelines['layouts'], buffers: GPUBuffer[]): GPUBindGroup =>
      device.createBindGroup({ label: `adapter_${name} bind group`, layout: pipes.layouts[name], entries: [this.params, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } })) });
    this.groups = {
      project: group('project', [this.x, this.theta, this.u, this.y, this.invN]),
      logits: group('logits', [this.y, this.maskPos, this.g, this.loss]),
      backrow: group('backrow', [this.g, this.y, this.invN, this.theta, this.gz, this.gu]),
      update: group('update', [this.x, this.u, this.gz, this.gu, this.theta, this.mom]),
    };
  }

  async step(batch: AdapterBatch): Promise<number> {
    const { device } = this.ctx;
    const B = batch.rows;
    const C = batch.cols;
    this.t++;
    const { lr, bc1, bc2 } = adamCorrections(this.t, this.opts.learningRate);
    const pd = new ArrayBuffer(PARAM_BYTES);
    const pu = new Uint32Array(pd);
    const pf = new Float32Array(pd);
    pu[0] = B;
    pu[1] = C;
    pu[2] = this.dim;
    pu[3] = this.rank;
    pf[4] = 1 / this.opts.temperature;
    pf[5] = 1 / (this.opts.temperature * B);
    pf[6] = lr;
    pf[7] = bc1;
    pf[8] = bc2;
    pf[9] = ADAM.beta1;
    pf[10] = ADAM.beta2;
    pf[11] = ADAM.eps;
    device.queue.writeBuffer(this.params, 0, pd);
    device.queue.writeBuffer(this.x, 0, batch.x.buffer as ArrayBuffer, batch.x.byteOffset, batch.x.byteLength);
    const mp = new Uint32Array(B * C + B);
    mp.set(batch.valid, 0);
    mp.set(batch.posCol, B * C);
    device.queue.writeBuffer(this.maskPos, 0, mp);
    const enc = device.createCommandEncoder({ label: `adapter step ${this.t}` });
    const run = (name: keyof AdapterPipelines['layouts'], groups: number): void => {
      const pass = enc.beginComputePass({ label: `adapter ${name} (step ${this.t})` });
      pass.setPipeline(this.pipes.pipes[name]);
      pass.setBindGroup(0, this.groups[name]);
      pass.dispatchWorkgroups(groups);
      pass.end();
    };
    run('project', B + C);
    run('logits', B);
    run('backrow', B + C);
    run('update', Math.ceil((2 * this.rank * this.dim) / this.pipes.wg));
    enc.copyBufferToBuffer(this.loss, 0, this.lossStaging, 0, B * 4);
    device.queue.submit([enc.finish()]);
    const mapping = this.lossStaging.mapAsync(GPUMapMode.READ, 0, B * 4);
    mapping.catch(() => {}); // on device loss guard reports it; the buffer may be gone by then
    await this.ctx.guard(mapping, 'read the adapter training loss');
    const rows = new Float32Array(this.lossStaging.getMappedRange(0, B * 4));
    let sum = 0;
    for (let b = 0; b < B; b++) sum += rows[b] as number;
    this.lossStaging.unmap();
    if (!Number.isFinite(sum)) throw new AppError('NumericError', `The WebGPU adapter step ${this.t} produced a loss of ${sum}; lower the learning rate or raise the temperature.`);
    return sum / B;
  }

  async weights(): Promise<{ a: Float32Array; b: Float32Array }> {
    const { device } = this.ctx;
    const len = 2 * this.rank * this.dim;
    const staging = device.createBuffer({ label: 'adapter theta readback', size: Math.max(16, Math.ceil((len * 4) / 16) * 16), usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    try {
      if (len > 0) {
        const enc = device.createCommandEncoder({ label: 'read adapter theta' });
        enc.copyBufferToBuffer(this.theta, 0, staging, 0, len * 4);
        device.queue.submit([enc.finish()]);
      }
      const mapping = staging.mapAsync(GPUMapMode.READ);
      mapping.catch(() => {});
      await this.ctx.guard(mapping, 'read the adapter weights');
      const theta = new Float32Array(staging.getMappedRange().slice(0, len * 4));
      staging.unmap();
      for (let i = 0; i < len; i++) {
        if (!Number.isFinite(theta[i])) throw new AppError('NumericError', `The WebGPU adapter weights contain ${theta[i]}; lower the learning rate.`);
      }
      const rd = this.rank * this.dim;
      return { a: theta.slice(0, rd), b: theta.slice(rd) };
    } finally {
      staging.destroy();
    }
  }

  dispose(): void {
    for (const b of this.owned) b.destroy();
  }
}

/** A stepper on `ctx`, checking the limits the kernels need (a GpuError sends the run to the CPU). */
async function gpuStepper(ctx: GpuContext, init: LowRankAdapter, opts: Required<AdapterOptions>): Promise<AdapterStepper> {
  const { dim, rank } = init;
  const maxRows = opts.batchSize * (2 + opts.minedNegatives);
  const maxPerDim = ctx.limits.maxComputeWorkgroupsPerDimension;
  if (rank > MAX_ADAPTER_RANK) throw new AppError('InputError', `The WebGPU adapter supports rank ≤ ${MAX_ADAPTER_RANK} (got ${rank}).`);
  if (maxRows > maxPerDim) throw new AppError('GpuError', `A batch of ${maxRows} rows exceeds this GPU's ${maxPerDim} workgroups per dispatch; using the CPU.`);
  if (Math.ceil((2 * rank * dim) / 64) > maxPerDim) throw new AppError('GpuError', `Rank ${rank} × dimension ${dim} exceeds this GPU's dispatch limit; using the CPU.`);
  const biggest = Math.max(maxRows * dim, opts.batchSize * opts.batchSize * (1 + opts.minedNegatives) + opts.batchSize) * 4;
  if (biggest > Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize)) throw new AppError('GpuError', `The adapter's batch buffers (${biggest} bytes) exceed this GPU's storage binding limit; using the CPU.`);
  const pipes = await AdapterPipelines.get(ctx);
  return withErrorScopes(ctx, `adapter training buffers (batch ${opts.batchSize}, d=${dim}, r=${rank})`, () => new GpuStepper(ctx, pipes, dim, rank, opts, init));
}

/** Trains on WebGPU (falling back to the CPU on a GpuError unless told not to), with test/bench hooks. */
export async function trainAdapterGpuWith(
  input: AdapterTrainInput,
  gpu: GpuAdapterOptions = {},
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<{ adapter: LowRankAdapter; report: AdapterReport }> {
  try {
    const ctx = await (gpu.context ?? acquireGpu)();
    return await trainAdapterWith(input, (init, opts) => gpuStepper(ctx, init, opts), signal, onProgress, gpu.hooks);
  } catch (e) {
    if (!isAppError(e, 'GpuError') || gpu.fallback === false) throw e;
    gpu.onFallback?.(e);
    const r = await trainAdapterWith(input, (init, opts) => cpuStepper(init, opts), signal, onProgress, gpu.hooks);
    return { adapter: r.adapter, report: { ...r.report, fallback: errorText(e) } };
  }
}

/** The WebGPU trainer (TrainAdapter): the CPU trainer's result, computed on the device. */
export const trainAdapterGpu: TrainAdapter = (input, signal, onProgress) => trainAdapterGpuWith(input, {}, signal, onProgress);
