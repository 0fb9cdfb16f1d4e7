/**
 * Brute-force cosine top-k on WebGPU: the retrieval of target groups over the whole persona pool
 * (160,000 × 384 floats is 246 MB, more than the default 128 MiB storage binding). CPU oracle and
 * fallback: cosineTopK in src/core/embed/topk.ts (same order: score descending, ties by lower index).
 *
 * `GpuTopKIndex.create` uploads the matrix once, split into row chunks that fit the adapter's
 * maxStorageBufferBindingSize and maxBufferSize, each stored column-major (coalesced reads); `search(queries, k)` then runs per chunk and
 * block of queries: topk-scores.wgsl (all scores of the block, one thread per row and query),
 * topk-select.wgsl over tiles of T = WG·ITEMS scores (k best per tile: arg-max rounds for k ≤ 5,
 * a bitonic sort of the tile otherwise), again over those until one tile is left;
 * the k best of each chunk are read back and merged on the CPU (chunks × k values per query).
 *
 * Rows and queries must be unit vectors or zero (the default, `normalized: true`); with
 * `normalized: false` a normalised copy is uploaded, so scores are cosines as in the oracle.
 * Scores are float32 (|error| ≲ 1e-6 for d ≤ 1024), widened to float64 in the result; near-ties
 * within that error may swap places with the float64 oracle.
 *
 * k > T/4 (256 by default) is beyond the selection kernel: the scores are read back and the CPU heap
 * selects (still exact, only slower).
 */
import { AppError, isAppError, throwIfAborted } from '../core/errors';
import { cosineTopK, type TopK } from '../core/embed/topk';
import scoresSource from '../../shaders/topk-scores.wgsl?raw';
import selectSource from '../../shaders/topk-select.wgsl?raw';
import { acquireGpu, errorText, withErrorScopes, type GpuContext, type GpuLimits } from './device';
import { pow2AtMost } from './pipelines';

export interface GpuTopKOptions {
  /** Lowers device limits (never raises them): tests force chunking with tiny limits. */
  limits?: Partial<GpuLimits>;
  /** Rows and queries are unit-L2 or zero (default true); false uploads a normalised copy. */
  normalized?: boolean;
  /** Threads of the selection kernel (power of two; default 256, clamped to the device). */
  selectWorkgroupSize?: number;
  /** Candidates per thread in the selection kernel (default 4: tiles of 1,024). */
  itemsPerThread?: number;
}

const SCORE_WG = 64;
const U = (): number => GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST;

class TopKPipelines {
  private static cache = new WeakMap<GPUDevice, Map<string, Promise<TopKPipelines>>>();

  private constructor(
    readonly scoresLayout: GPUBindGroupLayout,
    readonly selectLayout: GPUBindGroupLayout,
    readonly scores: GPUComputePipeline,
    readonly select: GPUComputePipeline,
    readonly sort: GPUComputePipeline,
    readonly wg: number,
    readonly items: number,
  ) {}

  static get(ctx: GpuContext, wg: number, items: number): Promise<TopKPipelines> {
    let byShape = this.cache.get(ctx.device);
    if (!byShape) this.cache.set(ctx.device, (byShape = new Map()));
    const key = `${wg}x${items}`;
    let p = byShape.get(key);
    if (!p) {
      p = withErrorScopes(ctx, 'the top-k pipelines', () => {
        const { device } = ctx;
        const ro = 'read-only-storage' as const;
        const layout = (label: string, types: GPUBufferBindingType[]): GPUBindGroupLayout =>
          device.createBindGroupLayout({ label, entries: types.map((type, binding) => ({ binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } })) });
        const scoresLayout = layout('topk_scores layout', ['uniform', ro, ro, 'storage']);
        const selectLayout = layout('topk_select layout', ['uniform', ro, ro, 'storage', 'storage']);
        const pipe = (label: string, l: GPUBindGroupLayout, code: string, entryPoint: string, constants: Record<string, number>): GPUComputePipeline =>
          device.createComputePipeline({
            label,
            layout: device.createPipelineLayout({ label: `${label} pipeline layout`, bindGroupLayouts: [l] }),
            compute: { module: device.createShaderModule({ label: `${entryPoint}.wgsl`, code }), entryPoint, constants },
          });
        return new TopKPipelines(
          scoresLayout,
          selectLayout,
          pipe(`topk_scores wg=${SCORE_WG}`, scoresLayout, scoresSource, 'topk_scores', { WG: SCORE_WG }),
          pipe(`topk_select wg=${wg} items=${items}`, selectLayout, selectSource, 'topk_select', { WG: wg, ITEMS: items }),
          pipe(`topk_sort wg=${wg} items=${items}`, selectLayout, selectSource, 'topk_sort', { WG: wg, ITEMS: items }),
          wg,
          items,
        );
      });
      byShape.set(key, p);
      p.catch(() => byShape?.delete(key));
    }
    return p;
  }
}

interface Chunk {
  start: number;
  rows: number;
  buffer: GPUBuffer;
}

/** The effective limits: the device's, lowered by `options.limits`. */
function effectiveLimits(ctx: GpuContext, lower: Partial<GpuLimits> = {}): GpuLimits {
  const out = { ...ctx.limits };
  for (const [k, v] of Object.entries(lower) as Array<[keyof GpuLimits, number]>) if (v !== undefined) out[k] = Math.min(out[k], v);
  return out;
}

/** A matrix resident on the device, searched by `search`. Dispose it when done. */
export class GpuTopKIndex {
  private disposed = false;

  private constructor(
    readonly ctx: GpuContext,
    readonly n: number,
    readonly dim: number,
    private readonly chunks: Chunk[],
    private readonly pipes: TopKPipelines,
    private readonly limits: GpuLimits,
    private readonly normalized: boolean,
  ) {}

  /** Row chunks the matrix was split into (tests check that tiny limits force several). */
  get chunkCount(): number {
    return this.chunks.length;
  }

  /** Largest k the selection kernel handles; larger k select on the CPU from read-back scores. */
  get maxGpuK(): number {
    return (this.pipes.wg * this.pipes.items) / 4;
  }

  static async create(ctx: GpuContext, matrix: Float32Array, dim: number, options: GpuTopKOptions = {}): Promise<GpuTopKIndex> {
    if (!Number.isInteger(dim) || dim <= 0) throw new AppError('InputError', `dim must be a positive integer (got ${dim}).`);
    if (matrix.length % dim !== 0) throw new AppError('InputError', `${matrix.length} values are not a whole number of ${dim}-dimensional vectors.`);
    const n = matrix.length / dim;
    const normalized = options.normalized ?? true;
    const rowsData = normalized ? matrix : normaliseRows(matrix, dim);
    checkFinite(rowsData, 'matrix');
    const limits = effectiveLimits(ctx, options.limits);
    const maxWg = Math.min(limits.maxComputeInvocationsPerWorkgroup, limits.maxComputeWorkgroupSizeX);
    const items = pow2AtMost(Math.max(1, Math.floor(options.itemsPerThread ?? 4))); // the bitonic sort needs T = WG·ITEMS a power of two
    let wg = pow2AtMost(Math.min(options.selectWorkgroupSize ?? 256, maxWg));
    // Workgroup memory of the selection kernel: T·8 bytes of candidates + WG·12 of reduction slots.
    while (wg > 1 && wg * items * 8 + wg * 12 > limits.maxComputeWorkgroupStorageSize) wg /= 2;
    const pipes = await TopKPipelines.get(ctx, wg, items);
    const bindLimit = Math.min(limits.maxStorageBufferBindingSize, limits.maxBufferSize);
    const tile = wg * items;
    // A chunk fits one binding, and its tiles and score workgroups fit the per-dimension dispatch limit.
    const rowsPerChunk = Math.min(Math.floor(bindLimit / (dim * 4)), limits.maxComputeWorkgroupsPerDimension * tile);
    if (rowsPerChunk < 1) throw new AppError('GpuError', `One ${dim}-dimensional vector does not fit this GPU's storage binding limit (${bindLimit} bytes); using the CPU.`);
    const chunks: Chunk[] = [];
    try {
      await withErrorScopes(ctx, `top-k matrix buffers for ${n} × ${dim}`, () => {
        for (let start = 0; start < n; start += rowsPerChunk) {
          const rows = Math.min(rowsPerChunk, n - start);
          const buffer = ctx.device.createBuffer({ label: `topk matrix rows ${start}–${start + rows - 1}`, size: Math.max(16, rows * dim * 4), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
          chunks.push({ start, rows, buffer });
          ctx.device.queue.writeBuffer(buffer, 0, transposeRows(rowsData, start, rows, dim));
        }
      });
    } catch (e) {
      for (const c of chunks) c.buffer.destroy();
      throw e;
    }
    return new GpuTopKIndex(ctx, n, dim, chunks, pipes, limits, normalized);
  }

  /** The k best rows for each of the q queries (q × dim, row-major). */
  async search(queries: Float32Array, k: number, signal?: AbortSignal): Promise<TopK[]> {
    if (this.disposed) throw new AppError('InputError', 'This top-k index was disposed; create a new one.');
    const { dim } = this;
    if (queries.length % dim !== 0) throw new AppError('InputError', `The queries have ${queries.length} values, not a whole number of ${dim}-dimensional vectors.`);
    if (!Number.isInteger(k) || k < 0) throw new AppError('InputError', `k must be a non-negative integer (got ${k}).`);
    const nq = queries.length / dim;
    const qData = this.normalized ? queries : normaliseRows(queries, dim);
    checkFinite(qData, 'query');
    const kk = Math.min(k, this.n);
    const perQuery: Array<Array<{ s: number; i: number }>> = Array.from({ length: nq }, () => []);
    if (kk > 0 && nq > 0) {
      const bindLimit = Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
      const maxRows = Math.max(...this.chunks.map((c) => c.rows));
      // Queries per block: their scores (qb × rows f32) and the query block itself must fit one binding.
      const qb = Math.max(1, Math.min(nq, Math.floor(bindLimit / (maxRows * 4)), Math.floor(bindLimit / (dim * 4)), this.limits.maxComputeWorkgroupsPerDimension));
      for (const chunk of this.chunks) {
        for (let q0 = 0; q0 < nq; q0 += qb) {
          throwIfAborted(signal);
          const nb = Math.min(qb, nq - q0);
          const best = await this.searchChunk(chunk, qData.subarray(q0 * dim, (q0 + nb) * dim), nb, kk);
          for (let t = 0; t < nb; t++) (perQuery[q0 + t] as Array<{ s: number; i: number }>).push(...(best[t] as Array<{ s: number; i: number }>));
        }
      }
    }
    return perQuery.map((cands) => {
      cands.sort((a, b) => b.s - a.s || a.i - b.i);
      const top = cands.slice(0, kk);
      return { indices: Int32Array.from(top, (c) => c.i), scores: Float64Array.from(top, (c) => c.s) };
    });
  }

  /** Scores of `nb` queries against one chunk, reduced to the k best per query on the device (or on the CPU for large k). */
  private async searchChunk(chunk: Chunk, q: Float32Array, nb: number, k: number): Promise<Array<Array<{ s: number; i: number }>>> {
    const { ctx, pipes, dim } = this;
    const { device } = ctx;
    const owned: GPUBuffer[] = [];
    const buf = (label: string, bytes: number, usage: number): GPUBuffer => {
      const b = device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
      owned.push(b);
      return b;
    };
    const S = GPUBufferUsage.STORAGE;
    try {
      const tile = pipes.wg * pipes.items;
      const gpuSelect = k <= tile / 4;
      const plan = gpuSelect ? selectPasses(chunk.rows, tile, k) : [];
      const setup = await withErrorScopes(ctx, `top-k buffers for ${nb} queries × ${chunk.rows} rows`, () => {
        const qBuf = buf('topk queries', q.length * 4, S | GPUBufferUsage.COPY_DST);
        device.queue.writeBuffer(qBuf, 0, q.buffer as ArrayBuffer, q.byteOffset, q.byteLength);
        const scores = buf('topk scores', nb * chunk.rows * 4, S | GPUBufferUsage.COPY_SRC);
        const maxPerDim = this.limits.maxComputeWorkgroupsPerDimension;
        const groups = Math.ceil(chunk.rows / SCORE_WG);
        const gx = Math.min(groups, maxPerDim);
        const gy = Math.ceil(groups / gx);
        const sp = buf('topk_scores params', 16, U());
        device.queue.writeBuffer(sp, 0, Uint32Array.from([chunk.rows, dim, nb, gx * SCORE_WG]));
        const scoreGroup = device.createBindGroup({
          label: 'topk_scores bind group',
          layout: pipes.scoresLayout,
          entries: [sp, chunk.buffer, qBuf, scores].map((buffer, binding) => ({ binding, resource: { buffer } })),
        });
        const enc = device.createCommandEncoder({ label: `topk chunk from row ${chunk.start}` });
        let pass = enc.beginComputePass({ label: 'topk scores' });
        pass.setPipeline(pipes.scores);
        pass.setBindGroup(0, scoreGroup);
        pass.dispatchWorkgroups(gx, gy, nb);
        pass.end();
        if (!gpuSelect) {
          const staging = buf('topk scores readback', nb * chunk.rows * 4, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
          enc.copyBufferToBuffer(scores, 0, staging, 0, nb * chunk.rows * 4);
          device.queue.submit([enc.finish()]);
          return { staging, outS: undefined, outI: undefined };
        }
        // Ping-pong (score, index) buffers of the merge tree.
        const maxOut = nb * (plan[0] as { tiles: number }).tiles * k;
        const pairs = [0, 1].map((p) => ({
          s: buf(`topk candidates ${p} scores`, maxOut * 4, S | GPUBufferUsage.COPY_SRC),
          i: buf(`topk candidates ${p} indices`, maxOut * 4, S | GPUBufferUsage.COPY_SRC),
        }));
        let inS = scores;
        let inI = (pairs[1] as { i: GPUBuffer }).i; // unused by the first pass (implicit indices)
        let inStride = chunk.rows;
        let out = pairs[0] as { s: GPUBuffer; i: GPUBuffer };
        // Fewer barriers wins: k arg-max rounds of log2(WG) + 2 each, or a bitonic sort of the tile.
        const log2 = (v: number): number => Math.round(Math.log2(v));
        const sortStages = (log2(tile) * (log2(tile) + 1)) / 2;
        const selectPipe = k * (log2(pipes.wg) + 2) <= sortStages ? pipes.select : pipes.sort;
        plan.forEach((p, step) => {
          const params = buf(`topk_select params pass ${step}`, 32, U());
          device.queue.writeBuffer(params, 0, Uint32Array.from([p.len, k, step === 0 ? 1 : 0, chunk.start, inStride, p.tiles * k, 0, 0]));
          const group = device.createBindGroup({
            label: `topk_select bind group pass ${step}`,
            layout: pipes.selectLayout,
            entries: [params, inS, inI, out.s, out.i].map((buffer, binding) => ({ binding, resource: { buffer } })),
          });
          pass = enc.beginComputePass({ label: `topk select pass ${step} (${p.len} → ${p.tiles * k})` });
          pass.setPipeline(selectPipe);
          pass.setBindGroup(0, group);
          pass.dispatchWorkgroups(p.tiles, nb);
          pass.end();
          inS = out.s;
          inI = out.i;
          inStride = p.tiles * k;
          out = (out === pairs[0] ? pairs[1] : pairs[0]) as { s: GPUBuffer; i: GPUBuffer };
        });
        const staging = buf('topk result readback', nb * k * 8, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
        enc.copyBufferToBuffer(inS, 0, staging, 0, nb * k * 4);
        enc.copyBufferToBuffer(inI, 0, staging, nb * k * 4, nb * k * 4);
        device.queue.submit([enc.finish()]);
        return { staging, outS: inS, outI: inI };
      });
      const { staging } = setup;
      const mapping = staging.mapAsync(GPUMapMode.READ);
      mapping.catch(() => {}); // a lost device rejects it after `finally` destroyed the buffer; guard reports the loss
      await ctx.guard(mapping, 'read back top-k results');
      const result: Array<Array<{ s: number; i: number }>> = [];
      if (!gpuSelect) {
        const raw = new Float32Array(staging.getMappedRange().slice(0));
        staging.unmap();
        for (let t = 0; t < nb; t++) {
          const row = raw.subarray(t * chunk.rows, (t + 1) * chunk.rows);
          checkFinite(row, 'score');
          // The CPU heap over the GPU's scores: an identity "matrix" of one value per row.
          const top = cosineTopK(row, 1, [1], k);
          result.push(Array.from(top.indices, (i, r) => ({ s: top.scores[r] as number, i: chunk.start + i })));
        }
        return result;
      }
      const mapped = staging.getMappedRange();
      const s = new Float32Array(mapped.slice(0, nb * k * 4));
      const idx = new Uint32Array(mapped.slice(nb * k * 4, nb * k * 8));
      staging.unmap();
      for (let t = 0; t < nb; t++) {
        const row: Array<{ s: number; i: number }> = [];
        for (let r = 0; r < k; r++) {
          const i = idx[t * k + r] as number;
          const v = s[t * k + r] as number;
          if (i === 0xffffffff) continue; // fewer than k rows
          if (!Number.isFinite(v)) throw new AppError('NumericError', `The GPU top-k produced score ${v} for row ${i}; check the vectors for NaN.`);
          row.push({ s: v, i });
        }
        result.push(row);
      }
      return result;
    } finally {
      for (const b of owned) b.destroy();
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const c of this.chunks) c.buffer.destroy();
  }
}

/** The merge tree: each pass turns `len` candidates per query into `tiles · k`, until one tile is left. */
export function selectPasses(rows: number, tile: number, k: number): Array<{ len: number; tiles: number }> {
  const out: Array<{ len: number; tiles: number }> = [];
  let len = rows;
  for (;;) {
    const tiles = Math.max(1, Math.ceil(len / tile));
    out.push({ len, tiles });
    if (tiles === 1) return out;
    len = tiles * k;
  }
}

export interface TopKGpuOptions extends GpuTopKOptions {
  context?: () => Promise<GpuContext>;
  signal?: AbortSignal;
}

/** One-shot GPU top-k (uploads the matrix, searches, frees it). Throws GpuError when WebGPU fails; see `topKWithFallback`. */
export async function topKGpu(matrix: Float32Array, dim: number, queries: Float32Array, k: number, options: TopKGpuOptions = {}): Promise<TopK[]> {
  const ctx = await (options.context ?? acquireGpu)();
  const index = await GpuTopKIndex.create(ctx, matrix, dim, options);
  try {
    return await index.search(queries, k, options.signal);
  } finally {
    index.dispose();
  }
}

export interface TopKRun {
  results: TopK[];
  backend: 'webgpu' | 'cpu';
  /** Why the CPU ran when WebGPU was asked for. */
  fallback?: string;
}

/** GPU top-k, or the float64 CPU oracle on any GpuError (no device, limits, device lost). */
export async function topKWithFallback(matrix: Float32Array, dim: number, queries: Float32Array, k: number, options: TopKGpuOptions = {}): Promise<TopKRun> {
  try {
    return { results: await topKGpu(matrix, dim, queries, k, options), backend: 'webgpu' };
  } catch (e) {
    if (!isAppError(e, 'GpuError')) throw e;
    return { results: cpuTopK(matrix, dim, queries, k, options.normalized ?? true, options.signal), backend: 'cpu', fallback: errorText(e) };
  }
}

/** The CPU path (float64 oracle), query by query with abort checks. */
export function cpuTopK(matrix: Float32Array, dim: number, queries: Float32Array, k: number, normalized = true, signal?: AbortSignal): TopK[] {
  const nq = queries.length / dim;
  if (!Number.isInteger(nq)) throw new AppError('InputError', `The queries have ${queries.length} values, not a whole number of ${dim}-dimensional vectors.`);
  const out: TopK[] = [];
  for (let j = 0; j < nq; j++) {
    throwIfAborted(signal);
    out.push(cosineTopK(matrix, dim, queries.subarray(j * dim, (j + 1) * dim), k, { normalized }));
  }
  return out;
}

/** Rows [start, start + rows) of a row-major n × dim matrix, column-major (dim × rows): what topk-scores.wgsl reads. */
function transposeRows(m: Float32Array, start: number, rows: number, dim: number): Float32Array<ArrayBuffer> {
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const o = (start + i) * dim;
    for (let j = 0; j < dim; j++) out[j * rows + i] = m[o + j] as number;
  }
  return out;
}

function normaliseRows(m: Float32Array, dim: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let o = 0; o < m.length; o += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (m[o + j] as number) ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[o + j] = (m[o + j] as number) * inv;
  }
  return out;
}

function checkFinite(v: Float32Array, what: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new AppError('InputError', `A ${what} vector has ${v[i]} at value ${i}; re-embed the texts.`);
  }
}
