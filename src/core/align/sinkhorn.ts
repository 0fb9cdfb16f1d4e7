/**
 * Log-domain Sinkhorn between two weighted clouds with squared Euclidean cost (METHOD.md §5),
 * every half-step a PairKernel log-sum-exp (the cost is recomputed inside, never n×m in memory):
 *
 *   f_i = −λ ε LSE_j((g_j − C_ij)/ε + log b_j),   g_j = −ε LSE_i((f_i − C_ij)/ε + log a_i),
 *   P_ij = a_i b_j exp((f_i + g_j − C_ij)/ε),      C_ij = ‖x_i − y_j‖².
 *
 * λ selects the pool-marginal constraint (the reference marginal b is always enforced):
 *   balanced      λ = 1            P1 = a, Pᵀ1 = b (POT `sinkhorn_log`)
 *   unbalanced    λ = ρ/(ρ + ε)    + ρ KL(P1 ‖ a) instead of P1 = a (POT `sinkhorn_unbalanced`,
 *                                  KL penalty on the pool side only, log-domain)
 *   semi-relaxed  λ = 0            pool marginal free (ρ → 0): f ≡ 0, each column a softmax over rows
 *
 * Objective (primal): ⟨P, C⟩ + ε KL(P ‖ a⊗b) [+ ρ KL(P1 ‖ a)], KL(P‖Q) = Σ P log(P/Q) − ΣP + ΣQ.
 * Dual reported: ⟨b, g⟩ + D_a(f) − ε(ΣP − 1), with D_a(f) = ⟨a, f⟩ (balanced), −ρ⟨a, e^(−f/ρ) − 1⟩
 * (unbalanced), 0 (semi-relaxed). At the optimum primal = dual.
 *
 * Stopping: the enforced marginal that the last half-step did not re-project — ‖P1 − a‖₁ (balanced),
 * ‖Pᵀ1 − b‖₁ (relaxed variants) — is below tol. It is read off the LSE of the next half-step, so a
 * check costs O(n + m), not a kernel pass; the loop stops before that half-step, so the returned
 * (f, g) are exactly the potentials whose plan has the reported error.
 *
 * Default ε [ours]: 0.01 × E_{a⊗b}‖x − y‖² (computed exactly from the clouds' moments) — in
 * standardised 5-d traits that is ≈ 0.1, i.e. a blur of ≈ 0.3 SD. ε-scaling [ours]: ε_0 = squared
 * bounding-box diameter of both clouds (≥ every C_ij), ε_{k+1} = max(ε, factor·ε_k), potentials
 * warm-started across steps; intermediate steps stop at max(10·tol, 1e-3).
 */
import { AppError, throwIfAborted } from '../errors';
import type { WeightedCloud } from '../cloud';
import type { Progress, ProgressCallback } from '../../contracts/progress';
import type { PairKernelFactory } from './kernel';
import { logOf, meanSquaredDistance, squaredDiameter } from './stats';
import { marginalL1Error } from './marginal';
import { scanPlan } from './plan';
import { potentialFromLse, potentialToAlpha } from './potential';

/** Intermediate ε steps stop at max(10·tol, this): they only need to warm-start the next step. */
const INTERMEDIATE_TOL = 1e-3;

export type MarginalMode = 'balanced' | 'semi-relaxed' | 'unbalanced';

export interface SinkhornOptions {
  /** Default 'balanced'. */
  marginals?: MarginalMode;
  /**
   * KL strength ρ on the pool marginal for 'unbalanced', in cost units. Default [ours]
   * 0.1 × E‖x − y‖² (≈ 1 in standardised 5-d traits): larger ρ approaches balanced OT and converges
   * more slowly (the f step contracts by ρ/(ρ+ε)); smaller approaches semi-relaxed.
   */
  rho?: number;
  /** Target ε in cost units. Default epsilonRelative × E_{a⊗b}‖x − y‖². */
  epsilon?: number;
  /** Default 0.01. Ignored when `epsilon` is given. */
  epsilonRelative?: number;
  /** Stop when the enforced marginal's L1 error < tol. Default 1e-4. */
  tol?: number;
  /** Total iterations over all ε steps (one iteration = two half-steps). Default 5000. */
  maxIter?: number;
  /** Check the marginal error every k iterations. Default 1 (a check is free: see module comment). */
  checkEvery?: number;
  /** Anneal ε from the squared diameter down to the target. Default true, except for semi-relaxed and warm starts. */
  epsScaling?: boolean;
  /** ε_{k+1} = factor · ε_k. Default 0.5. */
  scalingFactor?: number;
  /** Start from these potentials (cost units), e.g. a previous solve's f and g. */
  warmStart?: { f: Float64Array; g: Float64Array };
  /** Skip the final streaming pass over the plan (cost, dual cost, marginals). Default false. */
  skipPlanSummary?: boolean;
}

export interface SinkhornResult {
  marginals: MarginalMode;
  /** Potentials in cost units: f over the pool (n), g over the reference (m). */
  f: Float64Array;
  g: Float64Array;
  /** The ε that f and g belong to: the target, unless maxIter ran out while annealing (then converged = false). */
  epsilon: number;
  targetEpsilon: number;
  /** The planned ε steps (ε-scaling), ending at the target. */
  epsilonSchedule: number[];
  rho: number | undefined;
  /** Iterations over all ε steps. */
  iterations: number;
  /** ⟨P, C⟩ of the final plan, computed streaming. NaN when skipPlanSummary. */
  cost: number;
  dualCost: number;
  /** KL(P ‖ a⊗b) of the final plan. */
  kl: number;
  /** Error of the enforced marginal at the last check (see module comment). */
  marginalError: number;
  /** ‖P1 − a‖₁ and ‖Pᵀ1 − b‖₁ of the final plan, from the streaming pass. */
  rowMarginalError: number;
  colMarginalError: number;
  /** Total plan mass ΣP (1 for balanced; other values for the relaxed variants). */
  mass: number;
  errorHistory: Array<{ iteration: number; epsilon: number; error: number }>;
  converged: boolean;
}

/** Default target ε for two clouds: epsilonRelative × E_{a⊗b}‖x − y‖². */
export function defaultEpsilon(a: WeightedCloud, b: WeightedCloud, epsilonRelative = 0.01): number {
  return epsilonRelative * meanSquaredDistance(a, b);
}

/**
 * The options of one solve, resolved and checked once: what sinkhorn() and the on-device loop
 * (src/gpu/sinkhorn-gpu.ts) both read, so that their schedules, ρ and tolerances cannot drift.
 */
export interface ResolvedSinkhorn {
  mode: MarginalMode;
  tol: number;
  maxIter: number;
  checkEvery: number;
  /** Target ε. */
  eps: number;
  rho: number | undefined;
  /** ε steps, ending at the target. */
  schedule: number[];
  n: number;
  m: number;
  /** log a, log b. */
  la: Float64Array;
  lb: Float64Array;
}

/** Resolves the defaults of SinkhornOptions for two clouds and rejects invalid values (InputError). */
export function resolveSinkhornOptions(a: WeightedCloud, b: WeightedCloud, options: SinkhornOptions): ResolvedSinkhorn {
  if (a.d !== b.d) throw new AppError('InputError', `pool has ${a.d} traits, reference ${b.d}.`);
  const mode = options.marginals ?? 'balanced';
  const tol = options.tol ?? 1e-4;
  const maxIter = options.maxIter ?? 5000;
  const checkEvery = Math.max(1, Math.floor(options.checkEvery ?? 1));
  const meanCost = meanSquaredDistance(a, b);
  const eps = options.epsilon ?? (options.epsilonRelative ?? 0.01) * meanCost;
  if (!(eps > 0) || !Number.isFinite(eps)) {
    throw new AppError('InputError', `ε must be a positive number, got ${eps} (the clouds may be a single repeated point; give options.epsilon).`);
  }
  if (!(tol > 0)) throw new AppError('InputError', `tol must be positive, got ${tol}.`);
  const rho = mode === 'unbalanced' ? (options.rho ?? 0.1 * meanCost) : undefined;
  if (rho !== undefined && !(rho > 0)) throw new AppError('InputError', `rho must be positive, got ${rho}.`);
  const factor = options.scalingFactor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new AppError('InputError', `scalingFactor must be in (0, 1), got ${factor}.`);
  // Semi-relaxed needs no annealing (one g step is the exact solution at any ε); a warm start
  // already carries the coarse solution, so it skips annealing unless asked for explicitly.
  const scaling = options.epsScaling ?? (mode !== 'semi-relaxed' && options.warmStart === undefined);
  const schedule = epsilonSchedule(eps, scaling ? squaredDiameter(a, b) : eps, factor);
  const n = a.n;
  const m = b.n;
  const la = logOf(a.weights);
  const lb = logOf(b.weights);
  const ws = options.warmStart;
  if (ws && (ws.f.length !== n || ws.g.length !== m)) throw new AppError('InputError', `warm start has ${ws.f.length}/${ws.g.length} potentials for ${n}/${m} points.`);
  return { mode, tol, maxIter, checkEvery, eps, rho, schedule, n, m, la, lb };
}

/**
 * ε-scaling: ε_0 = max(target, start), ε_{k+1} = factor·ε_k while above the target, then the
 * target. With start ≤ target (no annealing) just [target].
 */
export function epsilonSchedule(target: number, start: number, factor: number): number[] {
  const schedule: number[] = [];
  for (let e = Math.max(target, start); e > target; e *= factor) schedule.push(e);
  schedule.push(target);
  return schedule;
}

/** The stopping tolerance of an ε step: tol on the last, max(10·tol, 1e-3) on intermediate ones. */
export function stepTolerance(tol: number, last: boolean): number {
  return last ? tol : Math.max(10 * tol, INTERMEDIATE_TOL);
}

/** λ of the f half-step (module comment): 1 balanced, 0 semi-relaxed, ρ/(ρ + ε) unbalanced. */
export function fStepLambda(mode: MarginalMode, rho: number | undefined, e: number): number {
  return mode === 'balanced' ? 1 : mode === 'semi-relaxed' ? 0 : rho! / (rho! + e);
}

/** The Progress event of one finished ε step. */
export function sinkhornStepProgress(step: number, total: number, e: number, error: number, iterations: number, elapsedMs: number, extra: { suffix?: string; counts?: Record<string, number> } = {}): Progress {
  return {
    stage: 'sinkhorn',
    done: step + 1,
    total,
    unit: 'ε steps',
    text: `ε = ${e.toPrecision(3)}: marginal error ${error.toExponential(2)} after ${iterations} iterations${extra.suffix ?? ''}`,
    elapsedMs,
    counts: { iterations, ...extra.counts },
  };
}

/** The result of a finished loop, before the plan summary (cost, KL, dual, plan marginals are NaN). */
export function sinkhornResult(
  r: ResolvedSinkhorn,
  loop: { f: Float64Array; g: Float64Array; epsilon: number; iterations: number; error: number; history: SinkhornResult['errorHistory']; converged: boolean },
): SinkhornResult {
  return {
    marginals: r.mode,
    f: loop.f,
    g: loop.g,
    epsilon: loop.epsilon,
    targetEpsilon: r.eps,
    epsilonSchedule: r.schedule,
    rho: r.rho,
    iterations: loop.iterations,
    cost: NaN,
    dualCost: NaN,
    kl: NaN,
    marginalError: loop.error,
    rowMarginalError: NaN,
    colMarginalError: NaN,
    mass: NaN,
    errorHistory: loop.history,
    converged: loop.converged,
  };
}

export async function sinkhorn(
  signal: AbortSignal | undefined,
  a: WeightedCloud,
  b: WeightedCloud,
  options: SinkhornOptions,
  kernels: PairKernelFactory,
  onProgress?: ProgressCallback,
): Promise<SinkhornResult> {
  const t0 = Date.now();
  const resolved = resolveSinkhornOptions(a, b, options);
  const { mode, tol, maxIter, checkEvery, rho, schedule, n, m, la, lb } = resolved;
  const f = options.warmStart ? Float64Array.from(options.warmStart.f) : new Float64Array(n);
  const g = options.warmStart ? Float64Array.from(options.warmStart.g) : new Float64Array(m);
  const alphaCols = new Float64Array(m);
  const alphaRows = new Float64Array(n);
  const history: SinkhornResult['errorHistory'] = [];
  let iterations = 0;
  let error = Infinity;
  let converged = false;
  let epsReached = schedule[0]!;
  /** Records a marginal check; true when it is below the step's tolerance. */
  const checked = (err: number, e: number, stepTol: number): boolean => {
    error = err;
    if (!Number.isFinite(error)) throw sinkhornDiverged(e, iterations);
    history.push({ iteration: iterations, epsilon: e, error });
    return error < stepTol;
  };

  const kernel = await kernels.create(a.points, b.points, a.d);
  try {
    for (let step = 0; step < schedule.length; step++) {
      const e = schedule[step]!;
      const stepTol = stepTolerance(tol, step === schedule.length - 1);
      const lambda = fStepLambda(mode, rho, e);
      converged = false;
      epsReached = e;
      while (iterations < maxIter) {
        throwIfAborted(signal);
        const check = iterations % checkEvery === 0 || iterations + 1 === maxIter;
        iterations++;
        // f half-step (skipped when λ = 0: f ≡ 0).
        if (lambda === 0) {
          f.fill(0);
        } else {
          const r = await kernel.rowLse(potentialToAlpha(g, lb, e, alphaCols), 1 / e);
          if (mode === 'balanced' && check && checked(marginalL1Error(f, r, la, a.weights, e), e, stepTol)) {
            converged = true;
            break;
          }
          potentialFromLse(r, lambda * e, f);
        }
        // g half-step.
        const c = await kernel.colLse(potentialToAlpha(f, la, e, alphaRows), 1 / e);
        if (mode !== 'balanced' && check && checked(marginalL1Error(g, c, lb, b.weights, e), e, stepTol)) {
          converged = true;
          break;
        }
        potentialFromLse(c, e, g);
      }
      onProgress?.(sinkhornStepProgress(step, schedule.length, e, error, iterations, Date.now() - t0));
      if (iterations >= maxIter) break;
    }
  } finally {
    kernel.dispose();
  }

  const result = sinkhornResult(resolved, { f, g, epsilon: epsReached, iterations, error, history, converged });
  if (!options.skipPlanSummary) {
    throwIfAborted(signal);
    summarisePlan(result, a, b, resolved);
  }
  return result;
}

/**
 * The final float64 streaming pass over the plan of (result.f, result.g) at result.epsilon: fills
 * cost ⟨P, C⟩, KL(P ‖ a⊗b), the dual cost, both plan marginal errors and the mass.
 */
export function summarisePlan(result: SinkhornResult, a: WeightedCloud, b: WeightedCloud, resolved: Pick<ResolvedSinkhorn, 'mode' | 'rho' | 'la' | 'lb'>): void {
  const { f, g } = result;
  const { mode, rho, la, lb } = resolved;
  const n = a.n;
  const m = b.n;
  const e = result.epsilon;
  const scan = scanPlan(a.points, b.points, a.d, potentialToAlpha(f, la, e), potentialToAlpha(g, lb, e), 1 / e);
  let rowErr = 0;
  let colErr = 0;
  let fP = 0;
  let gP = 0;
  for (let i = 0; i < n; i++) {
    rowErr += Math.abs(scan.rowSums[i]! - a.weights[i]!);
    fP += f[i]! * scan.rowSums[i]!;
  }
  for (let j = 0; j < m; j++) {
    colErr += Math.abs(scan.colSums[j]! - b.weights[j]!);
    gP += g[j]! * scan.colSums[j]!;
  }
  // Σ P log(P/(a b)) = Σ P (f_i + g_j − C_ij)/ε; KL adds − ΣP + 1.
  const kl = (fP + gP - scan.cost) / e - scan.mass + 1;
  let dualA = 0;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    if (mode === 'balanced') dualA += a.weights[i]! * f[i]!;
    else if (mode === 'unbalanced') dualA += -rho! * a.weights[i]! * (Math.exp(-f[i]! / rho!) - 1);
  }
  for (let j = 0; j < m; j++) gb += b.weights[j]! * g[j]!;
  result.cost = scan.cost;
  result.kl = kl;
  result.dualCost = gb + dualA - e * (scan.mass - 1);
  result.rowMarginalError = rowErr;
  result.colMarginalError = colErr;
  result.mass = scan.mass;
  if (!Number.isFinite(scan.cost)) throw sinkhornDiverged(e, result.iterations);
}

/** The NumericError of a solve that produced NaN/Inf. */
export function sinkhornDiverged(eps: number, iteration: number): AppError {
  return new AppError('NumericError', `Sinkhorn produced NaN/Inf at ε = ${eps.toPrecision(3)}, iteration ${iteration}; standardise the traits or use a larger ε.`);
}
