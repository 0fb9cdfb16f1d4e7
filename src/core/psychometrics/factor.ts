/**
 * Factor structure: principal-axis factoring, Kaiser varimax, Tucker's congruence and factor matching.
 * Eigen-decompositions and SVDs come from ml-matrix; only the textbook iterations live here.
 */
import { EigenvalueDecomposition, Matrix, inverse } from 'ml-matrix';
import { AppError } from '../errors';
import { TRAITS } from '../traits';
import { IPIP50_ITEMS, ITEM_KEYING, ITEM_TRAIT_INDEX, N_ITEMS } from './ipip50';

/**
 * Pearson correlation matrix of an n × p data matrix (row-major), complete rows only:
 * r_ab = Σ(x_a − x̄_a)(x_b − x̄_b) / √(Σ(x_a − x̄_a)² Σ(x_b − x̄_b)²). A constant column gets r = 0
 * off the diagonal (and 1 on it) rather than NaN, so one straight-lined item cannot poison the fit.
 */
export function correlationMatrix(data: ArrayLike<number>, n: number, p: number): Matrix {
  if (data.length !== n * p) throw new AppError('InputError', `correlationMatrix: ${data.length} values are not ${n}×${p}.`);
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) mean[a]! += data[i * p + a]!;
  for (let a = 0; a < p; a++) mean[a] = mean[a]! / n;
  const cov = new Float64Array(p * p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) row[a] = data[i * p + a]! - mean[a]!;
    for (let a = 0; a < p; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = a; b < p; b++) cov[a * p + b]! += ra * row[b]!;
    }
  }
  const R = new Matrix(p, p);
  for (let a = 0; a < p; a++) {
    R.set(a, a, 1);
    for (let b = a + 1; b < p; b++) {
      const den = Math.sqrt(cov[a * p + a]! * cov[b * p + b]!);
      const r = den > 0 ? cov[a * p + b]! / den : 0;
      R.set(a, b, r);
      R.set(b, a, r);
    }
  }
  return R;
}

export interface PafOptions {
  maxIter?: number;
  /** Stop when no communality moves by more than this. */
  tol?: number;
}

export interface PafResult {
  /** p × m unrotated loadings; each column's sign makes its loading sum non-negative. */
  loadings: Matrix;
  communalities: Float64Array;
  /** The m largest eigenvalues of the reduced correlation matrix at convergence. */
  eigenvalues: number[];
  iterations: number;
  converged: boolean;
}

/**
 * Iterated principal-axis factoring of a correlation matrix R into m factors:
 *   h⁽⁰⁾ = squared multiple correlations 1 − 1/(R⁻¹)_ii (max |r_ij| when R is singular);
 *   repeat: R_h = R with diagonal h; R_h = VΛVᵀ; L = V_m Λ_m^½; h = rowsums(L²) (capped at 1),
 *   until max |Δh| < tol.
 */
export function principalAxis(R: Matrix, m: number, options: PafOptions = {}): PafResult {
  const p = R.rows;
  if (!(m >= 1 && m <= p)) throw new AppError('InputError', `principalAxis: cannot extract ${m} factors from ${p} variables.`);
  const maxIter = options.maxIter ?? 500;
  const tol = options.tol ?? 1e-6;
  let h = initialCommunalities(R);
  let loadings = new Matrix(p, m);
  let eig: number[] = [];
  let it = 0;
  let converged = false;
  while (it < maxIter) {
    it++;
    const Rh = R.clone();
    for (let i = 0; i < p; i++) Rh.set(i, i, h[i]!);
    ({ loadings, eig } = topLoadings(Rh, m));
    const hNew = new Float64Array(p);
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += loadings.get(i, j) ** 2;
      hNew[i] = Math.min(s, 1);
    }
    let delta = 0;
    for (let i = 0; i < p; i++) delta = Math.max(delta, Math.abs(hNew[i]! - h[i]!));
    h = hNew;
    if (delta < tol) {
      converged = true;
      break;
    }
  }
  return { loadings, communalities: h, eigenvalues: eig, iterations: it, converged };
}

function initialCommunalities(R: Matrix): Float64Array {
  const p = R.rows;
  const h = new Float64Array(p);
  try {
    const inv = inverse(R);
    for (let i = 0; i < p; i++) {
      const d = inv.get(i, i);
      h[i] = Number.isFinite(d) && d >= 1 ? 1 - 1 / d : NaN;
    }
  } catch {
    h.fill(NaN);
  }
  for (let i = 0; i < p; i++) {
    if (Number.isFinite(h[i]!)) continue;
    let mx = 0;
    for (let j = 0; j < p; j++) if (j !== i) mx = Math.max(mx, Math.abs(R.get(i, j)));
    h[i] = mx;
  }
  return h;
}

function topLoadings(S: Matrix, m: number): { loadings: Matrix; eig: number[] } {
  const evd = new EigenvalueDecomposition(S, { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const V = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((a, b) => vals[b]! - vals[a]!);
  const p = S.rows;
  const L = new Matrix(p, m);
  const eig: number[] = [];
  for (let j = 0; j < m; j++) {
    const k = order[j]!;
    const lam = vals[k]!;
    eig.push(lam);
    const s = Math.sqrt(Math.max(lam, 0));
    let colSum = 0;
    for (let i = 0; i < p; i++) colSum += V.get(i, k);
    const sign = colSum < 0 ? -1 : 1;
    for (let i = 0; i < p; i++) L.set(i, j, sign * V.get(i, k) * s);
  }
  return { loadings: L, eig };
}

export interface VarimaxOptions {
  /** Kaiser normalisation: rotate rows scaled to unit length, then scale back (default true). */
  normalize?: boolean;
  /** Maximum sweeps over all factor pairs. */
  maxIter?: number;
  /** Stop when every pairwise angle in a sweep is below this (radians). */
  eps?: number;
}

/**
 * Kaiser's (1958) varimax by pairwise planar rotations. It maximises
 *   V(Λ) = Σ_j [ Σ_i λ_ij⁴ − (1/p)(Σ_i λ_ij²)² ].
 * For each pair of columns (j, k), with u_i = λ_ij² − λ_ik², v_i = 2λ_ijλ_ik,
 *   A = Σu, B = Σv, C = Σ(u² − v²), D = 2Σuv,
 * the optimal angle is φ = ¼ atan2(D − 2AB/p, C − (A² − B²)/p); rotate the pair by φ and sweep
 * until no angle exceeds eps. (The SVD fixed-point form used by R's stats::varimax can cycle on
 * exactly symmetric structures; the pairwise form is the original and always ascends.)
 */
export function varimax(L: Matrix, options: VarimaxOptions = {}): { loadings: Matrix; rotation: Matrix; iterations: number } {
  const normalize = options.normalize ?? true;
  const maxIter = options.maxIter ?? 1000;
  const eps = options.eps ?? 1e-10;
  const p = L.rows;
  const m = L.columns;
  const X = L.clone();
  const T = Matrix.eye(m, m);
  if (m < 2) return { loadings: X, rotation: T, iterations: 0 };
  const sc = new Float64Array(p).fill(1);
  if (normalize) {
    for (let i = 0; i < p; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += X.get(i, j) ** 2;
      sc[i] = Math.sqrt(s) || 1;
      for (let j = 0; j < m; j++) X.set(i, j, X.get(i, j) / sc[i]!);
    }
  }
  let sweep = 0;
  for (; sweep < maxIter; sweep++) {
    let maxAngle = 0;
    for (let j = 0; j < m - 1; j++) {
      for (let k = j + 1; k < m; k++) {
        let A = 0;
        let B = 0;
        let C = 0;
        let D = 0;
        for (let i = 0; i < p; i++) {
          const x = X.get(i, j);
          const y = X.get(i, k);
          const u = x * x - y * y;
          const v = 2 * x * y;
          A += u;
          B += v;
          C += u * u - v * v;
          D += 2 * u * v;
        }
        const phi = 0.25 * Math.atan2(D - (2 * A * B) / p, C - (A * A - B * B) / p);
        if (Math.abs(phi) < eps) continue;
        maxAngle = Math.max(maxAngle, Math.abs(phi));
        const c = Math.cos(phi);
        const s = Math.sin(phi);
        rotatePair(X, j, k, c, s);
        rotatePair(T, j, k, c, s);
      }
    }
    if (maxAngle < eps) break;
  }
  if (normalize) for (let i = 0; i < p; i++) for (let j = 0; j < m; j++) X.set(i, j, X.get(i, j) * sc[i]!);
  return { loadings: X, rotation: T, iterations: sweep + 1 };
}

/** Columns (j, k) ← (c·x + s·y, −s·x + c·y) for every row. */
function rotatePair(M: Matrix, j: number, k: number, c: number, s: number): void {
  for (let i = 0; i < M.rows; i++) {
    const x = M.get(i, j);
    const y = M.get(i, k);
    M.set(i, j, c * x + s * y);
    M.set(i, k, -s * x + c * y);
  }
}

/** The raw varimax criterion V(Λ) = Σ_j [Σ_i λ_ij⁴ − (1/p)(Σ_i λ_ij²)²] (unnormalised loadings). */
export function varimaxCriterion(L: Matrix): number {
  const p = L.rows;
  let v = 0;
  for (let j = 0; j < L.columns; j++) {
    let s2 = 0;
    let s4 = 0;
    for (let i = 0; i < p; i++) {
      const x2 = L.get(i, j) ** 2;
      s2 += x2;
      s4 += x2 * x2;
    }
    v += s4 - (s2 * s2) / p;
  }
  return v;
}

/** Tucker's congruence coefficient φ(a, b) = Σ a_i b_i / √(Σ a_i² Σ b_i²). */
export function tuckerCongruence(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new AppError('InputError', `tuckerCongruence: vectors of length ${a.length} and ${b.length}.`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  const den = Math.sqrt(aa * bb);
  return den > 0 ? ab / den : 0;
}

export interface FactorMatch {
  /** perm[k] = column of the sample structure matched to reference column k. */
  perm: number[];
  /** ±1: the sign applied to that sample column so its congruence is positive. */
  signs: number[];
  /** φ per reference column after permutation and sign. */
  congruence: number[];
  /** Mean of `congruence`. */
  mean: number;
}

/**
 * Best matching of sample factors to reference factors: the permutation that maximises Σ_k |φ_k|
 * (exhaustive over m! permutations: fine for m ≤ 7), each column's sign flipped to make φ ≥ 0.
 */
export function matchFactors(sample: Matrix, reference: Matrix): FactorMatch {
  if (sample.rows !== reference.rows || sample.columns !== reference.columns) {
    throw new AppError('InputError', `matchFactors: ${sample.rows}×${sample.columns} vs ${reference.rows}×${reference.columns}.`);
  }
  const m = reference.columns;
  if (m > 7) throw new AppError('InputError', `matchFactors: ${m} factors is too many for an exhaustive match.`);
  const phi: number[][] = [];
  for (let k = 0; k < m; k++) {
    const ref = reference.getColumn(k);
    phi.push(Array.from({ length: m }, (_, j) => tuckerCongruence(sample.getColumn(j), ref)));
  }
  let best: number[] = [];
  let bestScore = -Infinity;
  for (const perm of permutations(m)) {
    let s = 0;
    for (let k = 0; k < m; k++) s += Math.abs(phi[k]![perm[k]!]!);
    if (s > bestScore) {
      bestScore = s;
      best = perm;
    }
  }
  const signs = best.map((j, k) => (phi[k]![j]! < 0 ? -1 : 1));
  const congruence = best.map((j, k) => Math.abs(phi[k]![j]!));
  return { perm: best, signs, congruence, mean: congruence.reduce((a, b) => a + b, 0) / m };
}

function* permutations(m: number): Generator<number[]> {
  const a = Array.from({ length: m }, (_, i) => i);
  const c = new Array<number>(m).fill(0);
  yield a.slice();
  let i = 0;
  while (i < m) {
    if (c[i]! < i) {
      const j = i % 2 === 0 ? 0 : c[i]!;
      const t = a[j]!;
      a[j] = a[i]!;
      a[i] = t;
      yield a.slice();
      c[i]!++;
      i = 0;
    } else {
      c[i] = 0;
      i++;
    }
  }
}

/**
 * The scoring key as a 50 × 5 target structure: item i loads its keying (±1) on its trait's column
 * (TRAITS order), 0 elsewhere. Used as the reference when no reference response data is loaded.
 */
export function keyTargetLoadings(): Matrix {
  const K = new Matrix(N_ITEMS, TRAITS.length);
  for (let i = 0; i < N_ITEMS; i++) K.set(i, ITEM_TRAIT_INDEX[i]!, ITEM_KEYING[i]!);
  return K;
}

export interface FiveFactorResult {
  /** Varimax-rotated 50 × 5 loadings of the sample, columns reordered and signed to match the reference. */
  loadings: Matrix;
  match: FactorMatch;
  /** φ per canonical trait (reference columns are in TRAITS order). */
  congruenceByTrait: Record<(typeof TRAITS)[number], number>;
  paf: { iterations: number; converged: boolean };
  nComplete: number;
}

/**
 * Five-factor structure of raw (unkeyed) 50-item responses vs a reference structure (50 × 5,
 * TRAITS order; default: the scoring key): correlation matrix of complete rows → principal-axis
 * factoring (5 factors) → varimax → best permutation and sign → Tucker's φ per factor.
 */
export function fiveFactorCongruence(rows: readonly ArrayLike<number>[], reference: Matrix = keyTargetLoadings()): FiveFactorResult {
  const complete: number[] = [];
  let n = 0;
  for (const r of rows) {
    let ok = r.length === N_ITEMS;
    for (let j = 0; ok && j < N_ITEMS; j++) ok = r[j]! >= 1 && r[j]! <= 5;
    if (!ok) continue;
    for (let j = 0; j < N_ITEMS; j++) complete.push(r[j]!);
    n++;
  }
  if (n < TRAITS.length + 2) {
    throw new AppError('InputError', `Factor congruence needs complete answers from at least ${TRAITS.length + 2} respondents; got ${n}.`);
  }
  const R = correlationMatrix(complete, n, N_ITEMS);
  const paf = principalAxis(R, TRAITS.length);
  const rot = varimax(paf.loadings);
  const match = matchFactors(rot.loadings, reference);
  const aligned = new Matrix(N_ITEMS, TRAITS.length);
  for (let k = 0; k < TRAITS.length; k++) {
    for (let i = 0; i < N_ITEMS; i++) aligned.set(i, k, match.signs[k]! * rot.loadings.get(i, match.perm[k]!));
  }
  const congruenceByTrait = Object.fromEntries(TRAITS.map((t, k) => [t, match.congruence[k]!])) as FiveFactorResult['congruenceByTrait'];
  return { loadings: aligned, match, congruenceByTrait, paf: { iterations: paf.iterations, converged: paf.converged }, nComplete: n };
}

/**
 * The varimax five-factor structure of a reference response set (e.g. imported IPIP-FFM items),
 * columns in TRAITS order: usable as `reference` for `fiveFactorCongruence` of another set.
 */
export function referenceStructure(rows: readonly ArrayLike<number>[]): Matrix {
  return fiveFactorCongruence(rows).loadings;
}

/** Item codes in row order of the loading matrices above. */
export const LOADING_ROW_CODES: readonly string[] = IPIP50_ITEMS.map((i) => i.code);
