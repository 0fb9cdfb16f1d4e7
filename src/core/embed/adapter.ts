/**
 * The low-rank contrastive adapter (METHOD.md §6, src/contracts/adapter.ts): y = normalise(x + B·(A·x)),
 * shared by queries and personas, identity at initialisation (B = 0). This module holds the float64
 * math the WebGPU trainer mirrors kernel by kernel, and the CPU trainer:
 *
 *   projectRows   ↔ shaders/adapter-project.wgsl   u = A·x, z = x + B·u, y = z/‖z‖
 *   infoNce       ↔ shaders/adapter-logits.wgsl    (src/core/embed/infonce.ts)
 *   backRows      ↔ shaders/adapter-backrow.wgsl   ∂L/∂y → ∂L/∂z = (g − y(y·g))/‖z‖, ∂L/∂u = Bᵀ·∂L/∂z
 *   adamUpdate    ↔ shaders/adapter-update.wgsl    ∂L/∂B = Σ ∂z⊗u, ∂L/∂A = Σ ∂u⊗x, then Adam
 *
 * "Float64 arithmetic over Float32 storage": parameters, Adam moments and the projected vectors
 * are stored as float32 (what the GPU stores), every sum is accumulated in float64.
 */
import type { AdapterOptions, LowRankAdapter, TrainAdapter } from '../../contracts/adapter';
import { AppError } from '../errors';
import { infoNce } from './infonce';
import { trainAdapterWith, type AdapterBatch, type AdapterStepper } from './adapter-train';

export const ADAPTER_DEFAULTS: Required<AdapterOptions> = {
  rank: 16,
  temperature: 0.05,
  learningRate: 2e-3,
  batchSize: 64,
  maxEpochs: 20,
  patience: 3,
  negativeFilter: 0.9,
  minedNegatives: 4,
  holdout: 0.2,
  k: 10,
  seed: 1,
};

/** Adam's constants (the GPU kernel receives the same). */
export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

/** Largest rank the WebGPU kernels support (a per-thread array); the CPU has no such limit but uses the same cap. */
export const MAX_ADAPTER_RANK = 64;

export function resolveAdapterOptions(options: AdapterOptions = {}, dim?: number): Required<AdapterOptions> {
  const o: Required<AdapterOptions> = { ...ADAPTER_DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (!(key in ADAPTER_DEFAULTS)) throw new AppError('InputError', `Unknown adapter option "${key}"; known: ${Object.keys(ADAPTER_DEFAULTS).join(', ')}.`);
    if (value !== undefined) (o as unknown as Record<string, number>)[key] = value as number;
  }
  if (options.rank === undefined && dim !== undefined) o.rank = Math.min(o.rank, dim); // the default never exceeds d
  const int = (name: keyof AdapterOptions, min: number, max = Infinity): void => {
    const v = o[name];
    if (!Number.isInteger(v) || v < min || v > max) throw new AppError('InputError', `Adapter option ${name} must be an integer from ${min}${max < Infinity ? ` to ${max}` : ' up'} (got ${v}).`);
  };
  int('rank', 0, Math.min(MAX_ADAPTER_RANK, dim ?? MAX_ADAPTER_RANK));
  int('batchSize', 2);
  int('maxEpochs', 0);
  int('patience', 1);
  int('minedNegatives', 0);
  int('k', 1);
  int('seed', 0, 0xffffffff);
  const pos = (name: keyof AdapterOptions, v: number): void => {
    if (!(v > 0) || !Number.isFinite(v)) throw new AppError('InputError', `Adapter option ${name} must be a positive number (got ${v}).`);
  };
  pos('temperature', o.temperature);
  pos('learningRate', o.learningRate);
  if (!(o.negativeFilter > -1 && o.negativeFilter <= 1)) throw new AppError('InputError', `negativeFilter is a cosine threshold in (−1, 1] (got ${o.negativeFilter}); 1 keeps every negative.`);
  if (!(o.holdout >= 0 && o.holdout < 1)) throw new AppError('InputError', `holdout is a share in [0, 1) (got ${o.holdout}).`);
  return o;
}

/** The identity adapter of rank r: A seeded Gaussian / √d (so B's first gradients are well scaled), B = 0. */
export function initAdapter(dim: number, rank: number, baseModelId: string, normal: () => number): LowRankAdapter {
  const a = new Float32Array(rank * dim);
  const s = 1 / Math.sqrt(dim);
  for (let i = 0; i < a.length; i++) a[i] = normal() * s;
  return { dim, rank, a, b: new Float32Array(dim * rank), baseModelId };
}

/** Projection of `rows` vectors (row-major, `dim` each): y (float32, unit or zero), u = A·x, and 1/‖z‖ (0 for z = 0). */
export interface Projected {
  y: Vec;
  u: Vec;
  invNorm: Vec;
}

/** Float32 storage (the trainer, as on the GPU) or float64 throughout (the gradient check). */
export type Vec = Float32Array | Float64Array;
type Precision = 'f32' | 'f64';
const alloc = (precision: Precision, n: number): Vec => (precision === 'f32' ? new Float32Array(n) : new Float64Array(n));
const store = (precision: Precision, v: number): number => (precision === 'f32' ? Math.fround(v) : v);

/** u = A·x, z = x + B·u, y = z/‖z‖ for each row; float64 sums, float32 results. */
export function projectRows(x: Float32Array, rows: number, dim: number, rank: number, a: ArrayLike<number>, b: ArrayLike<number>, precision: Precision = 'f32'): Projected {
  const y = alloc(precision, rows * dim);
  const u = alloc(precision, rows * rank);
  const invNorm = alloc(precision, rows);
  const ud = new Float64Array(rank);
  const z = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    const xo = i * dim;
    for (let k = 0; k < rank; k++) {
      let s = 0;
      const ao = k * dim;
      for (let j = 0; j < dim; j++) s += (a[ao + j] as number) * (x[xo + j] as number);
      ud[k] = store(precision, s); // u is stored as float32 (the GPU keeps it in a buffer)
      u[i * rank + k] = s;
    }
    let nn = 0;
    for (let j = 0; j < dim; j++) {
      let s = x[xo + j] as number;
      const bo = j * rank;
      for (let k = 0; k < rank; k++) s += (b[bo + k] as number) * (ud[k] as number);
      z[j] = s;
      nn += s * s;
    }
    const inv = nn > 0 ? 1 / Math.sqrt(nn) : 0;
    if (!Number.isFinite(inv)) throw new AppError('NumericError', `Adapter projection of row ${i} is not finite; lower the learning rate.`);
    invNorm[i] = inv;
    for (let j = 0; j < dim; j++) y[xo + j] = (z[j] as number) * inv;
  }
  return { y, u, invNorm };
}

/** The adapted, unit-L2 (or zero) vectors of n rows: what retrieval ranks by. */
export function applyAdapter(vectors: Float32Array, n: number, adapter: LowRankAdapter): Float32Array {
  const { dim, rank } = adapter;
  if (vectors.length !== n * dim) throw new AppError('InputError', `Expected ${n} × ${dim} = ${n * dim} values, got ${vectors.length}; the adapter was trained on ${dim}-dimensional vectors of ${adapter.baseModelId}.`);
  if (adapter.a.length !== rank * dim || adapter.b.length !== dim * rank) throw new AppError('InputError', `The adapter's matrices do not match rank ${rank} and dimension ${dim}.`);
  return projectRows(vectors, n, dim, rank, adapter.a, adapter.b).y as Float32Array;
}

/**
 * Backward through the normalisation for each row, given ∂L/∂y (`gy`, rows × dim, float64):
 *   gz = (gy − y·(y·gy)) / ‖z‖,   gu = Bᵀ·gz.
 * Returns gz (float32 storage, as on the GPU) and gu.
 */
export function backRows(gy: Float64Array, p: Projected, rows: number, dim: number, rank: number, b: ArrayLike<number>, precision: Precision = 'f32'): { gz: Vec; gu: Vec } {
  const gz = alloc(precision, rows * dim);
  const gu = alloc(precision, rows * rank);
  const gzd = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    const o = i * dim;
    let dot = 0;
    for (let j = 0; j < dim; j++) dot += (p.y[o + j] as number) * (gy[o + j] as number);
    const inv = p.invNorm[i] as number;
    for (let j = 0; j < dim; j++) {
      const v = store(precision, ((gy[o + j] as number) - (p.y[o + j] as number) * dot) * inv);
      gzd[j] = v;
      gz[o + j] = v;
    }
    for (let k = 0; k < rank; k++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (b[j * rank + k] as number) * (gzd[j] as number);
      gu[i * rank + k] = s;
    }
  }
  return { gz, gu };
}

/**
 * Parameter gradients of a step (float64): ∂L/∂B[j,k] = Σ_rows gz[j]·u[k], ∂L/∂A[k,j] = Σ_rows gu[k]·x[j].
 * `theta` layout: A (rank × dim) then B (dim × rank).
 */
export function paramGradients(x: Float32Array, u: Vec, gz: Vec, gu: Vec, rows: number, dim: number, rank: number): Float64Array {
  const g = new Float64Array(2 * rank * dim);
  const bOff = rank * dim;
  for (let i = 0; i < rows; i++) {
    const xo = i * dim;
    const ro = i * rank;
    for (let k = 0; k < rank; k++) {
      const guk = gu[ro + k] as number;
      const uk = u[ro + k] as number;
      const ao = k * dim;
      for (let j = 0; j < dim; j++) {
        g[ao + j] = (g[ao + j] as number) + guk * (x[xo + j] as number);
        g[bOff + j * rank + k] = (g[bOff + j * rank + k] as number) + (gz[xo + j] as number) * uk;
      }
    }
  }
  return g;
}

/** Adam state: parameters and moments stored as float32. */
export interface AdamState {
  theta: Float32Array;
  m: Float32Array;
  v: Float32Array;
  t: number;
}

/** Bias corrections of step t, as float32 (the GPU receives these in its uniforms). */
export function adamCorrections(t: number, lr: number): { lr: number; bc1: number; bc2: number } {
  return { lr: Math.fround(lr), bc1: Math.fround(1 - ADAM.beta1 ** t), bc2: Math.fround(1 - ADAM.beta2 ** t) };
}

/** One Adam step in float64, stored back as float32 (the twin of adapter-update.wgsl's update). */
export function adamUpdate(state: AdamState, grad: ArrayLike<number>, learningRate: number): void {
  state.t++;
  const { lr, bc1, bc2 } = adamCorrections(state.t, learningRate);
  const { theta, m, v } = state;
  const { beta1, beta2, eps } = ADAM;
  for (let i = 0; i < theta.length; i++) {
    const g = Math.fround(grad[i] as number);
    const mi = Math.fround(beta1 * (m[i] as number) + (1 - beta1) * g);
    const vi = Math.fround(beta2 * (v[i] as number) + (1 - beta2) * g * g);
    m[i] = mi;
    v[i] = vi;
    theta[i] = (theta[i] as number) - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
  }
}

/** Loss and ∂L/∂theta of one batch for given parameters (float64; what the gradient check differentiates). */
export function batchLossAndGrad(
  batch: AdapterBatch,
  dim: number,
  rank: number,
  theta: ArrayLike<number>,
  temperature: number,
  precision: Precision = 'f32',
): { loss: number; rowLoss: Float64Array; grad: Float64Array } {
  const a = sliceOf(theta, 0, rank * dim);
  const b = sliceOf(theta, rank * dim, 2 * rank * dim);
  const B = batch.rows;
  const C = batch.cols;
  const p = projectRows(batch.x, B + C, dim, rank, a, b, precision);
  const sims = new Float64Array(B * C);
  for (let i = 0; i < B; i++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      const qo = i * dim;
      const po = (B + c) * dim;
      for (let j = 0; j < dim; j++) s += (p.y[qo + j] as number) * (p.y[po + j] as number);
      sims[i * C + c] = s;
    }
  }
  const nce = infoNce({ sims, rows: B, cols: C, valid: batch.valid, posCol: batch.posCol, temperature });
  // ∂L/∂y: queries gather from columns, columns from rows.
  const gy = new Float64Array((B + C) * dim);
  for (let i = 0; i < B; i++) {
    for (let c = 0; c < C; c++) {
      const g = nce.grad[i * C + c] as number;
      if (g === 0) continue;
      const qo = i * dim;
      const po = (B + c) * dim;
      for (let j = 0; j < dim; j++) {
        gy[qo + j] = (gy[qo + j] as number) + g * (p.y[po + j] as number);
        gy[po + j] = (gy[po + j] as number) + g * (p.y[qo + j] as number);
      }
    }
  }
  const { gz, gu } = backRows(gy, p, B + C, dim, rank, b, precision);
  const grad = paramGradients(batch.x, p.u, gz, gu, B + C, dim, rank);
  return { loss: nce.loss, rowLoss: nce.rowLoss, grad };
}

function sliceOf(theta: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  if (theta instanceof Float32Array || theta instanceof Float64Array) return theta.subarray(from, to);
  return Array.prototype.slice.call(theta, from, to) as number[];
}

/** The CPU stepper: one batch = forward, backward, Adam, all in this thread. */
export function cpuStepper(init: LowRankAdapter, opts: Required<AdapterOptions>): AdapterStepper {
  const { dim, rank } = init;
  const theta = new Float32Array(2 * rank * dim);
  theta.set(init.a, 0);
  theta.set(init.b, rank * dim);
  const state: AdamState = { theta, m: new Float32Array(theta.length), v: new Float32Array(theta.length), t: 0 };
  return {
    backend: 'cpu',
    async step(batch) {
      const { loss, grad } = batchLossAndGrad(batch, dim, rank, theta, opts.temperature);
      adamUpdate(state, grad, opts.learningRate);
      return loss;
    },
    async weights() {
      return { a: theta.slice(0, rank * dim), b: theta.slice(rank * dim) };
    },
    dispose() {},
  };
}

/** The CPU trainer (float64 arithmetic, float32 storage); the WebGPU trainer gives the same result. */
export const trainAdapterCpu: TrainAdapter = (input, signal, onProgress) => trainAdapterWith(input, (init, opts) => cpuStepper(init, opts), signal, onProgress);
