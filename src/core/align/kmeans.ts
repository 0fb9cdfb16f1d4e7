/**
 * Weighted k-means (Lloyd) with seeded weighted k-means++ initialisation: quantises a large
 * reference (e.g. 1M IPIP rows) into k centroids whose weights are the cluster masses
 * (METHOD.md §5, last bullet). Objective: inertia = Σ_i w_i ‖x_i − c_{z(i)}‖² (weights sum to 1).
 *
 * Streaming-friendly: memory O(n + k·d) (one assignment per point, no n×k matrix); k-means++ runs on
 * a seeded uniform subsample of `initSample` points (default min(n, max(20k, 10 000))) because it is
 * O(sample · k); Lloyd iterations run over all points in chunks, checking the AbortSignal and
 * reporting progress between chunks. Cost per iteration O(n·k·d): 1M × 2000 × 5 is ~10¹⁰
 * flops, tens of seconds on one core — quantise to fewer centroids or subsample for interactivity.
 * Empty clusters are dropped from the result (their mass is 0).
 */
import { AppError, throwIfAborted } from '../errors';
import { makeCloud, type WeightedCloud } from '../cloud';
import { Rng } from '../rng';
import type { ProgressCallback } from '../../contracts/progress';

export interface KMeansOptions {
  k: number;
  /** Default 1. */
  seed?: number;
  /** Lloyd iterations at most. Default 50. */
  maxIter?: number;
  /** Stop when inertia improves by less than tol × inertia. Default 1e-4. */
  tol?: number;
  /** Points given to k-means++ (uniform seeded subsample). Default min(n, max(20k, 10 000)). */
  initSample?: number;
}

export interface KMeansResult {
  /** Non-empty centroids, weights = cluster mass. */
  centroids: WeightedCloud;
  /** Cluster of each input point, indexing `centroids`. */
  assignment: Int32Array;
  inertia: number;
  /** Inertia after each assignment step (non-increasing). */
  inertiaHistory: number[];
  iterations: number;
  converged: boolean;
}

export async function weightedKMeans(
  signal: AbortSignal | undefined,
  cloud: WeightedCloud,
  options: KMeansOptions,
  onProgress?: ProgressCallback,
): Promise<KMeansResult> {
  const t0 = Date.now();
  const { n, d, points, weights } = cloud;
  const k = options.k;
  if (!Number.isInteger(k) || k < 1) throw new AppError('InputError', `k must be a positive integer, got ${k}.`);
  if (k > n) throw new AppError('InputError', `k = ${k} centroids asked from ${n} points.`);
  const rng = new Rng(options.seed ?? 1);
  const maxIter = options.maxIter ?? 50;
  const tol = options.tol ?? 1e-4;

  // k-means++ on a subsample (weighted: P(pick i) ∝ w_i · D(x_i)²).
  const sampleSize = Math.min(n, Math.max(k, options.initSample ?? Math.max(20 * k, 10_000)));
  const sample = sampleSize === n ? Array.from({ length: n }, (_, i) => i) : rng.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, sampleSize);
  const centroids = new Float64Array(k * d);
  const dist = new Float64Array(sampleSize).fill(Infinity);
  let first = pickWeighted(sample.map((i) => weights[i]!), rng);
  for (let c = 0; c < k; c++) {
    const src = sample[first]!;
    for (let t = 0; t < d; t++) centroids[c * d + t] = points[src * d + t]!;
    const probs = new Array<number>(sampleSize);
    for (let s = 0; s < sampleSize; s++) {
      const i = sample[s]!;
      let dd = 0;
      for (let t = 0; t < d; t++) {
        const e = points[i * d + t]! - centroids[c * d + t]!;
        dd += e * e;
      }
      if (dd < dist[s]!) dist[s] = dd;
      probs[s] = weights[i]! * dist[s]!;
    }
    if (c + 1 < k) first = pickWeighted(probs, rng);
    if (c % 64 === 0) {
      throwIfAborted(signal);
      await yieldNow();
    }
  }

  const assignment = new Int32Array(n);
  const history: number[] = [];
  let converged = false;
  let iterations = 0;
  const sums = new Float64Array(k * d);
  const mass = new Float64Array(k);
  const CHUNK = 8192;
  for (; iterations < maxIter; iterations++) {
    sums.fill(0);
    mass.fill(0);
    let inertia = 0;
    for (let start = 0; start < n; start += CHUNK) {
      throwIfAborted(signal);
      const end = Math.min(n, start + CHUNK);
      for (let i = start; i < end; i++) {
        let best = 0;
        let bestD = Infinity;
        const o = i * d;
        for (let c = 0; c < k; c++) {
          let dd = 0;
          const co = c * d;
          for (let t = 0; t < d && dd < bestD; t++) {
            const e = points[o + t]! - centroids[co + t]!;
            dd += e * e;
          }
          if (dd < bestD) {
            bestD = dd;
            best = c;
          }
        }
        assignment[i] = best;
        const w = weights[i]!;
        inertia += w * bestD;
        mass[best] = mass[best]! + w;
        for (let t = 0; t < d; t++) sums[best * d + t] = sums[best * d + t]! + w * points[o + t]!;
      }
      if (n > CHUNK) await yieldNow();
    }
    history.push(inertia);
    for (let c = 0; c < k; c++) {
      if (mass[c]! > 0) for (let t = 0; t < d; t++) centroids[c * d + t] = sums[c * d + t]! / mass[c]!;
    }
    onProgress?.({ stage: 'kmeans', done: iterations + 1, total: maxIter, unit: 'iterations', text: `inertia ${inertia.toPrecision(5)}`, elapsedMs: Date.now() - t0 });
    const prev = history[history.length - 2];
    if (prev !== undefined && prev - inertia <= tol * inertia) {
      converged = true;
      iterations++;
      break;
    }
  }
  // Final inertia of the returned centroids is ≤ the last assignment's (a centroid update never
  // increases it); assignments refer to the last assignment step.
  const keep: number[] = [];
  const remap = new Int32Array(k).fill(-1);
  for (let c = 0; c < k; c++) if (mass[c]! > 0) remap[c] = keep.push(c) - 1;
  for (let i = 0; i < n; i++) assignment[i] = remap[assignment[i]!]!;
  const out = new Float32Array(keep.length * d);
  keep.forEach((c, r) => {
    for (let t = 0; t < d; t++) out[r * d + t] = centroids[c * d + t]!;
  });
  return {
    centroids: makeCloud(out, d, keep.map((c) => mass[c]!), 'k-means centroids'),
    assignment,
    inertia: history[history.length - 1] ?? NaN,
    inertiaHistory: history,
    iterations,
    converged,
  };
}

function pickWeighted(p: ArrayLike<number>, rng: Rng): number {
  let total = 0;
  for (let i = 0; i < p.length; i++) total += p[i]!;
  if (!(total > 0)) return rng.int(p.length); // all points coincide with chosen centroids
  let r = rng.next() * total;
  for (let i = 0; i < p.length; i++) {
    r -= p[i]!;
    if (r < 0) return i;
  }
  return p.length - 1;
}

function yieldNow(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
