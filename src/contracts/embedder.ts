import type { ProgressCallback } from './progress';

/**
 * The one text-embedding interface every target-group piece (METHOD.md §6: persona and query
 * embeddings, retrieval, the adapter) uses. It knows nothing of the backend: the weight-free
 * lexical embedder (src/core/embed/lexical.ts, offered as "lexical (no model)"), a pretrained
 * sentence embedder in a worker, or a deterministic test double.
 *
 * Vectors from different `modelId`s are not comparable: store and compare embeddings only together
 * with the `modelId` and `dim` they came with. A corpus-fitted embedder (lexical: idf and SVD basis
 * fitted on the persona set) includes a fingerprint of its fit in `modelId`, so a refit is a new model.
 */

export type EmbedderBackendKind = 'lexical' | 'transformers' | 'test';

/** Some models embed queries and passages differently (e.g. "query: " / "passage: " prefixes). */
export type EmbedRole = 'query' | 'passage';

export interface EmbedderInfo {
  /** Stable id of the model and, for fitted embedders, of the fit; stored next to every vector. */
  modelId: string;
  backend: EmbedderBackendKind;
  /** Length of each vector. */
  dim: number;
  /**
   * True when every vector is unit-L2 (cosine = dot product) or exactly zero; zero means the text had
   * nothing the model can represent (lexical: no letters or digits, or, after SVD, no word seen in the fit).
   */
  normalized: boolean;
  /** True when `fit(texts)` must run before `embed` (corpus-fitted embedders); false for pretrained models. */
  needsFit: boolean;
  /** Whether `fit` has run (always true when `needsFit` is false). */
  fitted: boolean;
  /** Longest input the model reads, in its own tokens; longer texts are truncated. Absent: no limit. */
  maxTokens?: number;
  /** Human-readable limits to show next to the model's name (e.g. "no synonyms"). */
  limits?: string[];
  /** Where a pretrained model runs ('webgpu', or 'wasm' on the CPU); absent for the lexical embedder. */
  device?: 'webgpu' | 'wasm';
}

/** n vectors of `dim` floats, row-major: vector i is `vectors.subarray(i * dim, (i + 1) * dim)`. */
export interface Embeddings {
  vectors: Float32Array;
  n: number;
  dim: number;
  normalized: boolean;
  modelId: string;
}

export interface EmbedOptions {
  /** Default 'passage'. Backends without the distinction ignore it. */
  role?: EmbedRole;
}

export interface EmbedderService {
  /** Loads (downloading if needed) a model; progress in bytes for downloads. */
  load(modelId: string, onProgress?: ProgressCallback): Promise<EmbedderInfo>;
  /** The loaded model, or undefined. */
  info(): Promise<EmbedderInfo | undefined>;
  /**
   * Fits corpus statistics on `texts` (the persona set) and returns the new info (new `modelId`).
   * A no-op returning `info()` for pretrained models. Rejects with AbortError after `abort()`.
   */
  fit(texts: string[], onProgress?: ProgressCallback): Promise<EmbedderInfo>;
  /**
   * Embeds `texts` in order. Rejects with ModelError when nothing is loaded or a needed fit is
   * missing, and with AbortError after `abort()`.
   */
  embed(texts: string[], options?: EmbedOptions, onProgress?: ProgressCallback): Promise<Embeddings>;
  /** Cooperative abort of the fit or embed in flight; it rejects with AbortError. The model stays loaded. */
  abort(): Promise<void>;
  unload(): Promise<void>;
}
