/**
 * The adapter bench's seeded problem (shared by bench/adapter.bench.ts in Node and its page):
 * n random unit persona vectors, q queries each with `positives` relevant personas near it.
 */
import type { AdapterTrainInput } from '../../src/contracts/adapter';
import { Rng } from '../../src/core/rng';

export interface AdapterBenchRequest {
  n: number;
  q: number;
  dim: number;
  rank: number;
  batchSize: number;
  minedNegatives: number;
  /** Timed optimiser steps. */
  steps: number;
  seed: number;
}

export function benchProblem(r: AdapterBenchRequest): AdapterTrainInput {
  const rng = new Rng(r.seed);
  const unit = (count: number): Float32Array => {
    const v = new Float32Array(count * r.dim);
    for (let i = 0; i < count; i++) {
      let s = 0;
      for (let j = 0; j < r.dim; j++) s += (v[i * r.dim + j] = rng.normal()) ** 2;
      const inv = 1 / Math.sqrt(s);
      for (let j = 0; j < r.dim; j++) v[i * r.dim + j] = (v[i * r.dim + j] as number) * inv;
    }
    return v;
  };
  const personas = unit(r.n);
  const queries = unit(r.q);
  const positives = Array.from({ length: r.q }, () => Array.from({ length: 4 }, () => rng.int(r.n)));
  return {
    personas,
    n: r.n,
    queries,
    q: r.q,
    dim: r.dim,
    baseModelId: 'bench',
    positives,
    options: { rank: r.rank, batchSize: r.batchSize, minedNegatives: r.minedNegatives, maxEpochs: 1000, patience: 1000, seed: r.seed },
  };
}

/** Steps per second from the step callbacks' timestamps (planning and mining excluded). */
export function stepRate(stamps: number[]): number {
  if (stamps.length < 2) return NaN;
  return ((stamps.length - 1) * 1000) / ((stamps.at(-1) as number) - (stamps[0] as number));
}
