/**
 * The query-driven contrastive adapter of the target module (METHOD.md §6): a low-rank,
 * identity-initialised map on top of a frozen embedder, y = normalise(x + B·(A·x)), trained with
 * InfoNCE on (query, persona) pairs. The float64/float32 CPU twin lives in src/core/embed/adapter.ts,
 * the WebGPU trainer in src/gpu/adapter-gpu.ts; both implement TrainAdapter with the same result
 * (parity tested in Chromium).
 */
import type { ProgressCallback } from './progress';

export interface LowRankAdapter {
  /** Embedding dimension d. */
  dim: number;
  /** Rank r (0 = identity). */
  rank: number;
  /** r × d, row-major: A. */
  a: Float32Array;
  /** d × r, row-major: B (zero at initialisation, so the adapter starts as the identity). */
  b: Float32Array;
  /** modelId of the frozen embedder it was trained on: an adapter is only valid on that model's vectors. */
  baseModelId: string;
}

export interface AdapterOptions {
  rank?: number;
  /** InfoNCE temperature τ. */
  temperature?: number;
  learningRate?: number;
  batchSize?: number;
  maxEpochs?: number;
  /** Early stopping: epochs without held-out improvement before stopping. */
  patience?: number;
  /**
   * Semantic filter: a negative persona whose cosine similarity to the positive persona exceeds
   * this is dropped (near-duplicates are not pushed apart).
   */
  negativeFilter?: number;
  /** Mined hard negatives per query in addition to in-batch ones. */
  minedNegatives?: number;
  /** Share of queries held out for recall@k / nDCG@k. */
  holdout?: number;
  /** k for recall@k and nDCG@k. */
  k?: number;
  seed?: number;
}

export interface AdapterTrainInput {
  /** n × dim persona vectors from the frozen embedder (unit-L2 or zero). */
  personas: Float32Array;
  n: number;
  /** q × dim query vectors from the same embedder (role 'query'). */
  queries: Float32Array;
  q: number;
  dim: number;
  baseModelId: string;
  /**
   * Relevance: for query i, the persona indices it describes (positives). A query may have several.
   */
  positives: ReadonlyArray<ReadonlyArray<number>>;
  options?: AdapterOptions;
}

export interface RetrievalScores {
  recallAtK: number;
  ndcgAtK: number;
  k: number;
  queries: number;
}

export interface AdapterReport {
  /** Held-out scores of the frozen embedder (identity adapter) and of the trained adapter. */
  before: RetrievalScores;
  after: RetrievalScores;
  epochs: number;
  stoppedEarly: boolean;
  /** Per epoch: mean training loss and held-out recall@k. */
  history: Array<{ epoch: number; loss: number; recallAtK: number }>;
  /** Negatives dropped by the semantic filter over the whole run. */
  filteredNegatives: number;
  /** Options with defaults filled in (goes into the run manifest). */
  options: Required<AdapterOptions>;
  backend: 'cpu' | 'webgpu';
  ms: number;
  /** 'held-out' (default), or 'in-sample' when the split left no held-out query (holdout 0). */
  evaluation?: 'held-out' | 'in-sample';
  /** The epoch whose weights were kept (0 = none beat the frozen embedder: the identity is returned). */
  bestEpoch?: number;
  /** Optimiser steps run. */
  steps?: number;
  /** Why the WebGPU trainer was not used or stopped (software adapter, device lost): the CPU ran instead. */
  fallback?: string;
}

export type TrainAdapter = (
  input: AdapterTrainInput,
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
) => Promise<{ adapter: LowRankAdapter; report: AdapterReport }>;
