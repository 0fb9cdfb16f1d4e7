/**
 * WebGPU streaming log-sum-exp (shaders/lse.wgsl + shaders/lse-combine.wgsl) behind the
 * PairKernel seam of src/core/align/kernel.ts:
 *
 *   rowLse: out_i = log Σ_j exp(alpha_j − s‖x_i − y_j‖²)     colLse: the same with x and y swapped.
 *
 * Precision: the API is float64 (alpha in, log values out) but the device computes in float32.
 * Alpha is rounded to f32 on upload, distances and exponentials are f32 with a running max and
 * two-level summation, and the log value comes back as f32 widened to f64. Measured against the
 * float64 oracle (lseRows) the error is ≈1e-6·max(1, |value|); parity tests hold it to 1e-4.
 * −∞ in alpha means zero mass and is skipped; a row with no mass returns −∞. NaN or +∞ in alpha
 * is a NumericError before anything is uploaded, and a NaN in the output is a NumericError too.
 *
 * Sizing: x and y are uploaded once per create(), split into row chunks that each fit
 * maxStorageBufferBindingSize and maxBufferSize; long rows are split across workgroups (column
 * splits) and the dispatch is cut into pieces of at most maxComputeWorkgroupsPerDimension
 * workgroups. `limits` in the options lowers any limit, so tests can force every chunking path.
 */
import type { PairKernel, PairKernelFactory } from '../core/align/kernel';
import { AppError } from '../core/errors';
import lseSource from '../../shaders/lse.wgsl?raw';
import combineSource from '../../shaders/lse-combine.wgsl?raw';
import { acquireGpu, withErrorScopes, type GpuContext, type GpuLimits } from './device';

/** alpha ≤ this is zero mass in the shaders; the host writes NEG_SENT for −∞. */
export const NEG_CUT = -1.0e30;
export const NEG_SENT = -3.0e38;

export interface GpuLseOptions {
  /** Lowers device limits (never raises them): for tests of the chunking paths, or to leave headroom. */
  limits?: Partial<GpuLimits>;
  /** Threads (= rows) per workgroup; default 64, clamped to the device. */
  workgroupSize?: number;
  /** Enough workgroups to fill a GPU: long rows are split until about this many exist. Default 1024. */
  targetWorkgroups?: number;
  /** Columns staged in workgroup memory per step; default: as many as fit, at most 256. */
  tile?: number;
}

export type LseDirection = 'row' | 'col';

/** Pipelines for one dimension d: built once per device and shape, shared by every kernel of that d. */
export class GpuLsePipelines {
  readonly partialLayout: GPUBindGroupLayout;
  readonly combineLayout: GPUBindGroupLayout;
  readonly partial: GPUComputePipeline;
  readonly combine: GPUComputePipeline;

  private constructor(
    readonly ctx: GpuContext,
    readonly d: number,
    readonly wg: number,
    readonly tile: number,
    layouts: [GPUBindGroupLayout, GPUBindGroupLayout],
    pipes: [GPUComputePipeline, GPUComputePipeline],
  ) {
    [this.partialLayout, this.combineLayout] = layouts;
    [this.partial, this.combine] = pipes;
  }

  static async create(ctx: GpuContext, d: number, wg: number, tile: number): Promise<GpuLsePipelines> {
    const { device } = ctx;
    return withErrorScopes(ctx, `the log-sum-exp pipelines (d=${d})`, () => {
      const ro: GPUBufferBindingLayout = { type: 'read-only-storage' };
      const partialLayout = device.createBindGroupLayout({
        label: 'lse_partial layout',
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
          { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: ro },
          { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: ro },
          { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: ro },
          { binding: 4, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        ],
      });
      const combineLayout = device.createBindGroupLayout({
        label: 'lse_combine layout',
        entries: [
          { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform' } },
          { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: ro },
          { binding: 2, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
        ],
      });
      const partial = device.createComputePipeline({
        label: `lse_partial d=${d} wg=${wg} tile=${tile}`,
        layout: device.createPipelineLayout({ label: 'lse_partial pipeline layout', bindGroupLayouts: [partialLayout] }),
        compute: {
          module: device.createShaderModule({ label: 'lse.wgsl', code: lseSource }),
          entryPoint: 'lse_partial',
          constants: { WG: wg, D: d, TILE: tile },
        },
      });
      const combine = device.createComputePipeline({
        label: `lse_combine wg=${wg}`,
        layout: device.createPipelineLayout({ label: 'lse_combine pipeline layout', bindGroupLayouts: [combineLayout] }),
        compute: {
          module: device.createShaderModule({ label: 'lse-combine.wgsl', code: combineSource }),
          entryPoint: 'lse_combine',
          constants: { WG: wg },
        },
      });
      return new GpuLsePipelines(ctx, d, wg, tile, [partialLayout, combineLayout], [partial, combine]);
    });
  }
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GpuLsePipelines>>>();

function cachedPipelines(ctx: GpuContext, d: number, wg: number, tile: number): Promise<GpuLsePipelines> {
  let byKey = pipelineCache.get(ctx.device);
  if (!byKey) pipelineCache.set(ctx.device, (byKey = new Map()));
  const key = `${d}/${wg}/${tile}`;
  let p = byKey.get(key);
  if (!p) {
    p = GpuLsePipelines.create(ctx, d, wg, tile);
    byKey.set(key, p);
    p.catch(() => byKey.delete(key));
  }
  return p;
}

/** Effective limits: the device's, lowered by any override. */
export function effectiveLimits(ctx: GpuContext, override?: Partial<GpuLimits>): GpuLimits {
  const out = { ...ctx.limits };
  if (override) {
    for (const [k, v] of Object.entries(override) as [keyof GpuLimits, number | undefined][]) {
      if (v === undefined) continue;
      // Alignments can only be raised, sizes only lowered.
      out[k] = k.startsWith('min') ? Math.max(out[k], v) : Math.min(out[k], v);
    }
  }
  return out;
}

interface Chunk {
  buffer: GPUBuffer;
  start: number; // first row
  count: number;
}

interface Dispatch {
  rowChunk: Chunk;
  colChunk: Chunk;
  rowBlockOffset: number;
  rowBlocks: number;
  splits: number;
  colsPerSplit: number;
  splitBase: number;
}

/** Everything needed to run one direction (rows = x for 'row', rows = y for 'col'). */
interface DirPlan {
  nRows: number;
  nCols: number;
  totalSplits: number;
  dispatches: Dispatch[];
  params: GPUBuffer; // one uniform slot per dispatch
  paramStride: number;
  combineParams: GPUBuffer;
  combineGrid: [number, number];
  groups: Map<GPUBuffer, Map<GPUBuffer, { partial: GPUBindGroup[]; combine: GPUBindGroup }>>;
}

/**
 * One problem (x, y, d) on the device. Use through the PairKernel API (float64 in and out), or, for
 * loops that stay on the device (sinkhorn-gpu.ts), through encode() with device buffers.
 */
export class GpuLseKernel implements PairKernel {
  readonly backend = 'webgpu';
  private readonly chunksX: Chunk[];
  private readonly chunksY: Chunk[];
  private readonly plans: Record<LseDirection, DirPlan>;
  private readonly partials: GPUBuffer;
  private readonly alphaBuf: GPUBuffer;
  private readonly outBuf: GPUBuffer;
  private readonly staging: GPUBuffer;
  private readonly alphaF32: Float32Array<ArrayBuffer>;
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private readonly owned: GPUBuffer[] = [];

  private constructor(
    readonly ctx: GpuContext,
    readonly pipes: GpuLsePipelines,
    readonly limits: GpuLimits,
    readonly n: number,
    readonly m: number,
    readonly d: number,
    x: Float32Array,
    y: Float32Array,
    targetWorkgroups: number,
  ) {
    try {
      const rowBytes = d * 4;
      const maxBytes = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
      // Chunks start at multiples of 64 rows, so alpha sub-ranges sit on 256-byte binding offsets.
      const align = Math.max(1, Math.ceil(limits.minStorageBufferOffsetAlignment / 4));
      const rowsPerChunk = Math.floor(Math.floor(maxBytes / rowBytes) / align) * align;
      if (rowsPerChunk < 1) throw new AppError('GpuError', `A ${d}-dimensional point does not fit the GPU's storage binding limit; use the CPU backend.`);
      this.chunksX = this.upload(x, n, rowsPerChunk, 'x');
      this.chunksY = this.upload(y, m, rowsPerChunk, 'y');
      const row = this.plan('row', this.chunksX, this.chunksY, targetWorkgroups);
      const col = this.plan('col', this.chunksY, this.chunksX, targetWorkgroups);
      this.plans = { row, col };
      const partialBytes = Math.max(row.totalSplits * n, col.totalSplits * m) * 8;
      this.partials = this.buffer('lse partial (max,sum)', partialBytes, GPUBufferUsage.STORAGE);
      const nm = Math.max(n, m);
      this.alphaBuf = this.buffer('lse alpha', nm * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      this.outBuf = this.buffer('lse out', nm * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      this.staging = this.buffer('lse staging (readback)', nm * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      this.alphaF32 = new Float32Array(nm);
    } catch (e) {
      // Do not leak what was allocated before a limit check failed.
      for (const b of this.owned) b.destroy();
      throw e;
    }
  }

  /** Builds pipelines (cached per device and d) and uploads x and y. */
  static async create(ctx: GpuContext, x: Float32Array, y: Float32Array, d: number, options: GpuLseOptions = {}): Promise<GpuLseKernel> {
    if (!Number.isInteger(d) || d <= 0 || x.length % d !== 0 || y.length % d !== 0) {
      throw new AppError('InputError', `Point arrays of length ${x.length} and ${y.length} do not form rows of ${d}.`);
    }
    const n = x.length / d;
    const m = y.length / d;
    if (n === 0 || m === 0) throw new AppError('InputError', 'Both clouds need at least one point.');
    const limits = effectiveLimits(ctx, options.limits);
    const wg = Math.max(1, Math.min(options.workgroupSize ?? 64, limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX));
    const fit = Math.floor(limits.maxComputeWorkgroupStorageSize / (4 * (d + 1)));
    const tile = Math.min(options.tile ?? 256, fit);
    if (tile < 1) throw new AppError('GpuError', `d=${d} is too large for this GPU's workgroup memory; use the CPU backend.`);
    const pipes = await cachedPipelines(ctx, d, wg, tile);
    return withErrorScopes(ctx, `buffers for a ${n}×${m} log-sum-exp`, () => new GpuLseKernel(ctx, pipes, limits, n, m, d, x, y, options.targetWorkgroups ?? 1024));
  }

  /** Number of row chunks of x and y (1 unless a buffer limit forced a split); for tests. */
  get chunkCounts(): { x: number; y: number; rowSplits: number; colSplits: number; rowDispatches: number; colDispatches: number } {
    return {
      x: this.chunksX.length,
      y: this.chunksY.length,
      rowSplits: this.plans.row.totalSplits,
      colSplits: this.plans.col.totalSplits,
      rowDispatches: this.plans.row.dispatches.length,
      colDispatches: this.plans.col.dispatches.length,
    };
  }

  rowLse(alphaCols: Float64Array, s: number): Promise<Float64Array> {
    return this.run('row', alphaCols, s);
  }

  colLse(alphaRows: Float64Array, s: number): Promise<Float64Array> {
    return this.run('col', alphaRows, s);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const b of this.owned) b.destroy();
  }

  /** Length of the output of `dir` (n for rows, m for columns) and of its alpha (the other). */
  sizes(dir: LseDirection): { out: number; alpha: number } {
    return dir === 'row' ? { out: this.n, alpha: this.m } : { out: this.m, alpha: this.n };
  }

  /** Writes the scale s of `dir` into its dispatch parameters (queue order: before the next submit). */
  setScale(dir: LseDirection, s: number): void {
    if (!Number.isFinite(s) || s < 0) throw new AppError('NumericError', `The log-sum-exp scale must be finite and non-negative, got ${s}.`);
    const plan = this.plans[dir];
    const words = plan.paramStride / 4;
    const data = new ArrayBuffer(plan.paramStride * plan.dispatches.length);
    const u = new Uint32Array(data);
    const f = new Float32Array(data);
    plan.dispatches.forEach((dp, k) => {
      const o = k * words;
      u[o] = dp.rowChunk.count;
      u[o + 1] = dp.rowBlockOffset;
      u[o + 2] = dp.rowChunk.start;
      u[o + 3] = plan.nRows;
      u[o + 4] = dp.colChunk.count;
      u[o + 5] = dp.colsPerSplit;
      u[o + 6] = dp.splitBase;
      f[o + 7] = s;
    });
    this.ctx.device.queue.writeBuffer(plan.params, 0, data);
  }

  /**
   * Encodes lse = LSE over `dir` with alpha read from `alpha` (f32, sentinel for −∞, length
   * sizes(dir).alpha) into `out` (f32, length sizes(dir).out). Call setScale first. One compute
   * pass; `timestampWrites` (needs the 'timestamp-query' feature) times it on the GPU.
   */
  encode(encoder: GPUCommandEncoder, dir: LseDirection, alpha: GPUBuffer, out: GPUBuffer, timestampWrites?: GPUComputePassTimestampWrites): void {
    const plan = this.plans[dir];
    const groups = this.bindGroups(plan, alpha, out);
    const label = `lse ${dir} (${plan.nRows} rows × ${plan.nCols} cols)`;
    const pass = encoder.beginComputePass(timestampWrites ? { label, timestampWrites } : { label });
    pass.setPipeline(this.pipes.partial);
    plan.dispatches.forEach((dp, k) => {
      pass.setBindGroup(0, groups.partial[k]!, [k * plan.paramStride]);
      pass.dispatchWorkgroups(dp.rowBlocks, dp.splits);
    });
    pass.setPipeline(this.pipes.combine);
    pass.setBindGroup(0, groups.combine);
    pass.dispatchWorkgroups(plan.combineGrid[0], plan.combineGrid[1]);
    pass.end();
  }

  private run(dir: LseDirection, alpha: Float64Array, s: number): Promise<Float64Array> {
    const job = this.queue.then(() => this.runNow(dir, alpha, s));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async runNow(dir: LseDirection, alpha: Float64Array, s: number): Promise<Float64Array> {
    if (this.disposed) throw new AppError('GpuError', 'This GPU kernel was disposed.');
    const { out: nOut, alpha: nAlpha } = this.sizes(dir);
    if (alpha.length !== nAlpha) throw new AppError('InputError', `${dir}Lse needs ${nAlpha} alpha values, got ${alpha.length}.`);
    const a32 = this.alphaF32.subarray(0, nAlpha);
    toDeviceAlpha(alpha, a32);
    const { device } = this.ctx;
    device.queue.writeBuffer(this.alphaBuf, 0, a32);
    this.setScale(dir, s);
    const enc = device.createCommandEncoder({ label: `lse ${dir}` });
    this.encode(enc, dir, this.alphaBuf, this.outBuf);
    enc.copyBufferToBuffer(this.outBuf, 0, this.staging, 0, nOut * 4);
    device.queue.submit([enc.finish()]);
    await this.ctx.guard(this.staging.mapAsync(GPUMapMode.READ, 0, nOut * 4), `read back a ${dir} log-sum-exp`);
    const raw = new Float32Array(this.staging.getMappedRange(0, nOut * 4));
    const out = new Float64Array(nOut);
    try {
      fromDeviceLse(raw, out, dir);
    } finally {
      this.staging.unmap();
    }
    return out;
  }

  private buffer(label: string, size: number, usage: number): GPUBuffer {
    const b = this.ctx.device.createBuffer({ label, size: Math.max(16, Math.ceil(size / 16) * 16), usage });
    this.owned.push(b);
    return b;
  }

  private upload(data: Float32Array, rowsTotal: number, rowsPerChunk: number, name: string): Chunk[] {
    const chunks: Chunk[] = [];
    for (let start = 0; start < rowsTotal; start += rowsPerChunk) {
      const count = Math.min(rowsPerChunk, rowsTotal - start);
      const buf = this.buffer(`${name} rows ${start}..${start + count - 1} (d=${this.d})`, count * this.d * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST);
      // Byte offsets into the underlying buffer (works for ArrayBuffer and SharedArrayBuffer views alike).
      this.ctx.device.queue.writeBuffer(buf, 0, data.buffer, data.byteOffset + start * this.d * 4, count * this.d * 4);
      chunks.push({ buffer: buf, start, count });
    }
    return chunks;
  }

  private plan(dir: LseDirection, rows: Chunk[], cols: Chunk[], targetWorkgroups: number): DirPlan {
    const { wg, tile } = this.pipes;
    const lim = this.limits;
    const nRows = rows.reduce((t, c) => t + c.count, 0);
    const nCols = cols.reduce((t, c) => t + c.count, 0);
    const maxPerDim = lim.maxComputeWorkgroupsPerDimension;
    const rowBlocksTotal = Math.ceil(nRows / wg);
    // The (max, sum) scratch holds totalSplits × nRows pairs and must fit one binding too.
    const maxBytes = Math.min(lim.maxStorageBufferBindingSize, lim.maxBufferSize);
    const splitCap = Math.floor(Math.floor(maxBytes / (nRows * 8)) / cols.length);
    if (splitCap < 1) throw new AppError('GpuError', `A ${nRows}×${nCols} log-sum-exp needs more scratch than the GPU's storage limit allows; use the CPU backend or a smaller problem.`);
    const dispatches: Dispatch[] = [];
    let splitBase = 0;
    for (const cc of cols) {
      // Split long rows across workgroups until the GPU has enough of them (never below one tile per split).
      let splits = Math.min(Math.max(1, Math.ceil(targetWorkgroups / rowBlocksTotal)), Math.ceil(cc.count / tile), maxPerDim, splitCap);
      const colsPerSplit = Math.ceil(cc.count / splits);
      splits = Math.ceil(cc.count / colsPerSplit);
      for (const rc of rows) {
        const blocks = Math.ceil(rc.count / wg);
        for (let off = 0; off < blocks; off += maxPerDim) {
          dispatches.push({ rowChunk: rc, colChunk: cc, rowBlockOffset: off, rowBlocks: Math.min(maxPerDim, blocks - off), splits, colsPerSplit, splitBase });
        }
      }
      splitBase += splits;
    }
    const paramStride = Math.max(32, lim.minUniformBufferOffsetAlignment);
    const params = this.buffer(`lse ${dir} dispatch params`, paramStride * dispatches.length, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);

    const blocks = Math.ceil(nRows / wg);
    const gx = Math.min(blocks, maxPerDim);
    const gy = Math.ceil(blocks / gx);
    const combineParams = this.buffer(`lse ${dir} combine params`, 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.ctx.device.queue.writeBuffer(combineParams, 0, new Uint32Array([nRows, splitBase, gx * wg, 0]));
    return { nRows, nCols, totalSplits: splitBase, dispatches, params, paramStride, combineParams, combineGrid: [gx, gy], groups: new Map() };
  }

  private bindGroups(plan: DirPlan, alpha: GPUBuffer, out: GPUBuffer): { partial: GPUBindGroup[]; combine: GPUBindGroup } {
    let byOut = plan.groups.get(alpha);
    if (!byOut) plan.groups.set(alpha, (byOut = new Map()));
    const hit = byOut.get(out);
    if (hit) return hit;
    const { device } = this.ctx;
    const partial = plan.dispatches.map((dp, k) =>
      device.createBindGroup({
        label: `lse_partial group ${k}`,
        layout: this.pipes.partialLayout,
        entries: [
          { binding: 0, resource: { buffer: plan.params, offset: 0, size: 32 } },
          { binding: 1, resource: { buffer: dp.rowChunk.buffer } },
          { binding: 2, resource: { buffer: dp.colChunk.buffer } },
          { binding: 3, resource: { buffer: alpha, offset: dp.colChunk.start * 4, size: dp.colChunk.count * 4 } },
          { binding: 4, resource: { buffer: this.partials } },
        ],
      }),
    );
    const combine = device.createBindGroup({
      label: 'lse_combine group',
      layout: this.pipes.combineLayout,
      entries: [
        { binding: 0, resource: { buffer: plan.combineParams } },
        { binding: 1, resource: { buffer: this.partials } },
        { binding: 2, resource: { buffer: out } },
      ],
    });
    const g = { partial, combine };
    byOut.set(out, g);
    return g;
  }
}

/** float64 alpha → f32 device alpha: −∞ becomes NEG_SENT; NaN, +∞ or f32 overflow is a NumericError. */
export function toDeviceAlpha(alpha: Float64Array, out: Float32Array): void {
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    if (a === -Infinity || a <= NEG_CUT) {
      out[i] = NEG_SENT;
    } else if (!(a < 3.0e38)) {
      throw new AppError('NumericError', `Log-sum-exp input ${i} is ${a}; potentials diverged (try a larger ε or check the weights).`);
    } else {
      out[i] = a;
    }
  }
}

/** f32 device log values → float64: NEG_SENT becomes −∞; NaN or +∞ is a NumericError. */
export function fromDeviceLse(raw: Float32Array, out: Float64Array, what: string): void {
  for (let i = 0; i < out.length; i++) {
    const v = raw[i]!;
    if (v <= NEG_CUT) out[i] = -Infinity;
    else if (Number.isFinite(v)) out[i] = v;
    else throw new AppError('NumericError', `The GPU ${what} log-sum-exp produced ${v} at index ${i}; the inputs or the scale overflow float32.`);
  }
}

/** PairKernelFactory on the shared WebGPU device; uploads x and y once per create(). */
export class GpuPairKernelFactory implements PairKernelFactory {
  readonly backend = 'webgpu';
  constructor(private readonly options: GpuLseOptions = {}, private readonly context?: () => Promise<GpuContext>) {}

  async create(x: Float32Array, y: Float32Array, d: number): Promise<GpuLseKernel> {
    const ctx = await (this.context ?? acquireGpu)();
    return GpuLseKernel.create(ctx, x, y, d, this.options);
  }
}
