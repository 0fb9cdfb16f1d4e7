/**
 * Access to an entropic plan without materialising it (METHOD.md §5, selection). Every function
 * evaluates log P_ij = u_i + v_j − s‖x_i − y_j‖² on the fly, in float64, O(n + m) memory:
 * for a Sinkhorn solution u_i = log a_i + f_i/ε, v_j = log b_j + g_j/ε, s = 1/ε; for plain nearest
 * matching u = v = 0, s = 1 (score = −C_ij).
 */
import { AppError, throwIfAborted } from '../errors';
import { Rng } from '../rng';

export interface PlanScan {
  rowSums: Float64Array;
  colSums: Float64Array;
  /** Σ_ij P_ij C_ij */
  cost: number;
  /** Σ_ij P_ij */
  mass: number;
}

/** One streaming pass: row sums, column sums, transport cost and mass of P. */
export function scanPlan(x: Float32Array, y: Float32Array, d: number, u: Float64Array, v: Float64Array, s: number): PlanScan {
  const n = u.length;
  const m = v.length;
  const rowSums = new Float64Array(n);
  const colSums = new Float64Array(m);
  let cost = 0;
  let mass = 0;
  for (let i = 0; i < n; i++) {
    const ui = u[i]!;
    if (ui === -Infinity) continue;
    const xo = i * d;
    let rs = 0;
    let rc = 0;
    for (let j = 0; j < m; j++) {
      const yo = j * d;
      let c = 0;
      for (let k = 0; k < d; k++) {
        const e = x[xo + k]! - y[yo + k]!;
        c += e * e;
      }
      const lp = ui + v[j]! - s * c;
      if (lp < -745) continue; // exp underflows to 0 anyway
      const p = Math.exp(lp);
      rs += p;
      rc += p * c;
      colSums[j] = colSums[j]! + p;
    }
    rowSums[i] = rs;
    cost += rc;
    mass += rs;
  }
  return { rowSums, colSums, cost, mass };
}

/**
 * Greedy matching by descending score, without reusing a row: column j receives quota_j rows.
 * Exactly the global greedy over all (i, j) pairs sorted by score (ties broken by a seeded random
 * rank of rows, then of columns), computed streaming: each column keeps its best `candidates` unused
 * rows, refilled by a rescan when they run out, and a heap holds each column's current best.
 * Returns, per column, the rows given to it (flattened in column order) and their scores.
 */
export function greedyMatch(
  x: Float32Array,
  y: Float32Array,
  d: number,
  u: Float64Array,
  v: Float64Array,
  s: number,
  quotas: Int32Array,
  seed: number,
  signal?: AbortSignal,
  candidates = 16,
): { rows: Int32Array; cols: Int32Array; scores: Float64Array } {
  const n = u.length;
  const m = v.length;
  let need = 0;
  for (let j = 0; j < m; j++) need += quotas[j]!;
  let available = 0;
  for (let i = 0; i < n; i++) if (u[i]! > -Infinity) available++;
  if (need > available) throw new AppError('InputError', `cannot pick ${need} distinct rows out of ${available} with positive weight.`);
  const rng = new Rng(seed);
  const rowRank = randomRanks(n, rng);
  const colRank = randomRanks(m, rng);
  const used = new Uint8Array(n);
  const left = Int32Array.from(quotas);
  // Candidate lists, best first.
  const candRows: Int32Array[] = new Array<Int32Array>(m);
  const candScores: Float64Array[] = new Array<Float64Array>(m);
  const candPos = new Int32Array(m);
  const L = Math.max(1, Math.min(n, candidates));

  const better = (sa: number, ra: number, sb: number, rb: number): boolean => sa > sb || (sa === sb && ra < rb);
  const refill = (j: number): void => {
    const rows = new Int32Array(L).fill(-1);
    const sc = new Float64Array(L).fill(-Infinity);
    let count = 0;
    const yo = j * d;
    const vj = v[j]!;
    for (let i = 0; i < n; i++) {
      if (used[i] || u[i] === -Infinity) continue;
      const xo = i * d;
      let c = 0;
      for (let k = 0; k < d; k++) {
        const e = x[xo + k]! - y[yo + k]!;
        c += e * e;
      }
      const score = u[i]! + vj - s * c;
      if (count === L && !better(score, rowRank[i]!, sc[L - 1]!, rowRank[rows[L - 1]!]!)) continue;
      // insertion into the sorted list
      let p = count < L ? count++ : L - 1;
      while (p > 0 && better(score, rowRank[i]!, sc[p - 1]!, rowRank[rows[p - 1]!]!)) {
        sc[p] = sc[p - 1]!;
        rows[p] = rows[p - 1]!;
        p--;
      }
      sc[p] = score;
      rows[p] = i;
    }
    candRows[j] = rows.subarray(0, count);
    candScores[j] = sc.subarray(0, count);
    candPos[j] = 0;
  };
  // Advance column j to its best unused candidate (rescanning when the list runs out).
  const current = (j: number): boolean => {
    for (;;) {
      const rows = candRows[j]!;
      while (candPos[j]! < rows.length && used[rows[candPos[j]!]!]) candPos[j] = candPos[j]! + 1;
      if (candPos[j]! < rows.length) return true;
      if (rows.length === 0) return false;
      refill(j);
    }
  };

  const heap = new Heap<number>((ja, jb) => {
    const sa = candScores[ja]![candPos[ja]!]!;
    const sb = candScores[jb]![candPos[jb]!]!;
    if (sa !== sb) return sa > sb;
    const ra = rowRank[candRows[ja]![candPos[ja]!]!]!;
    const rb = rowRank[candRows[jb]![candPos[jb]!]!]!;
    return ra !== rb ? ra < rb : colRank[ja]! < colRank[jb]!;
  });
  for (let j = 0; j < m; j++) {
    if (left[j]! <= 0) continue;
    if (j % 256 === 0) throwIfAborted(signal);
    refill(j);
    if (current(j)) heap.push(j);
  }
  const outRows = new Int32Array(need);
  const outCols = new Int32Array(need);
  const outScores = new Float64Array(need);
  let k = 0;
  while (k < need && heap.size > 0) {
    const j = heap.pop()!;
    const pos = candPos[j]!;
    const i = candRows[j]![pos]!;
    if (used[i]) {
      if (current(j)) heap.push(j);
      continue;
    }
    used[i] = 1;
    outRows[k] = i;
    outCols[k] = j;
    outScores[k] = candScores[j]![pos]!;
    k++;
    left[j] = left[j]! - 1;
    if (left[j]! > 0 && current(j)) heap.push(j);
    if (k % 1024 === 0) throwIfAborted(signal);
  }
  if (k < need) throw new AppError('NumericError', `matching filled only ${k} of ${need} places.`);
  return { rows: outRows, cols: outCols, scores: outScores };
}

/**
 * Systematic rounding of total × w_j to integers summing to `total` (in a seeded random order of j,
 * with a seeded random start): each j gets ⌊total·w_j⌋ or ⌈total·w_j⌉, in expectation total·w_j.
 */
export function systematicQuotas(w: Float64Array, total: number, seed: number): Int32Array {
  const m = w.length;
  const rng = new Rng(seed);
  const order = rng.shuffle(Array.from({ length: m }, (_, j) => j));
  let sum = 0;
  for (let j = 0; j < m; j++) sum += w[j]!;
  const q = new Int32Array(m);
  const start = rng.next();
  let cum = 0;
  let prev = Math.floor(start);
  for (const j of order) {
    cum += (total * w[j]!) / sum;
    const cur = Math.floor(cum + start + 1e-12);
    q[j] = cur - prev;
    prev = cur;
  }
  // Guard float drift: the rounded total must be exact.
  let got = 0;
  for (let j = 0; j < m; j++) got += q[j]!;
  if (got !== total) q[order[order.length - 1]!] = q[order[order.length - 1]!]! + (total - got);
  return q;
}

/**
 * Probability-proportional-to-size sampling of `size` distinct indices with inclusion probabilities
 * π_i = min(1, c·w_i) summing to `size`: units with c·w_i ≥ 1 are taken with certainty (repeatedly,
 * as in survey PPS without replacement), the rest by systematic sampling in a seeded random order.
 * Returns sorted indices.
 */
export function systematicSample(w: Float64Array, size: number, seed: number): Int32Array {
  const n = w.length;
  let positive = 0;
  for (let i = 0; i < n; i++) {
    if (!(w[i]! >= 0) || !Number.isFinite(w[i]!)) throw new AppError('NumericError', `sampling weight ${i} is ${w[i]}.`);
    if (w[i]! > 0) positive++;
  }
  if (!Number.isInteger(size) || size < 0) throw new AppError('InputError', `sample size must be a non-negative integer, got ${size}.`);
  if (size > positive) throw new AppError('InputError', `cannot sample ${size} distinct rows: only ${positive} have positive weight.`);
  const certain = new Uint8Array(n);
  let nCertain = 0;
  for (;;) {
    let rest = 0;
    for (let i = 0; i < n; i++) if (!certain[i]) rest += w[i]!;
    const k = size - nCertain;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (!certain[i] && w[i]! > 0 && (k * w[i]!) / rest >= 1 - 1e-12) {
        certain[i] = 1;
        nCertain++;
        changed = true;
      }
    }
    if (!changed || nCertain >= size) break;
  }
  const picked: number[] = [];
  for (let i = 0; i < n; i++) if (certain[i]) picked.push(i);
  const k = size - picked.length;
  if (k > 0) {
    const rng = new Rng(seed);
    const order = rng.shuffle(Array.from({ length: n }, (_, i) => i).filter((i) => !certain[i] && w[i]! > 0));
    let rest = 0;
    for (const i of order) rest += w[i]!;
    const start = rng.next();
    let cum = start;
    for (const i of order) {
      const before = Math.floor(cum);
      cum += (k * w[i]!) / rest;
      if (Math.floor(cum) > before && picked.length < size) picked.push(i);
    }
    // Float drift can lose the last draw: complete with the heaviest rows not yet taken.
    if (picked.length < size) {
      const taken = new Set(picked);
      const rest2 = order.filter((i) => !taken.has(i)).sort((p, q) => w[q]! - w[p]!);
      for (const i of rest2) if (picked.length < size) picked.push(i);
    }
  }
  return Int32Array.from(picked.slice(0, size)).sort();
}

/** The `size` indices with the largest weights (ties: seeded random order), sorted. */
export function topWeights(w: Float64Array, size: number, seed: number): Int32Array {
  if (size > w.length) throw new AppError('InputError', `cannot take ${size} rows out of ${w.length}.`);
  const rank = randomRanks(w.length, new Rng(seed));
  const idx = Array.from({ length: w.length }, (_, i) => i).sort((p, q) => w[q]! - w[p]! || rank[p]! - rank[q]!);
  return Int32Array.from(idx.slice(0, size)).sort();
}

function randomRanks(n: number, rng: Rng): Int32Array {
  const perm = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const rank = new Int32Array(n);
  perm.forEach((i, r) => (rank[i] = r));
  return rank;
}

/** Binary max-heap under `before(a, b)` = "a comes out first". Priorities may change only while out. */
class Heap<T> {
  private items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  push(x: T): void {
    const it = this.items;
    it.push(x);
    let i = it.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.before(it[i]!, it[p]!)) break;
      [it[i], it[p]] = [it[p]!, it[i]!];
      i = p;
    }
  }
  pop(): T | undefined {
    const it = this.items;
    if (it.length === 0) return undefined;
    const top = it[0]!;
    const last = it.pop()!;
    if (it.length > 0) {
      it[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let b = i;
        if (l < it.length && this.before(it[l]!, it[b]!)) b = l;
        if (r < it.length && this.before(it[r]!, it[b]!)) b = r;
        if (b === i) break;
        [it[i], it[b]] = [it[b]!, it[i]!];
        i = b;
      }
    }
    return top;
  }
}
