/**
 * "lexical (no model)": a weight-free embedder — hashed TF-IDF of word uni- and bi-grams, fitted on
 * the persona set, optionally reduced by a truncated SVD (latent semantic analysis). Pure
 * TypeScript, deterministic, runs in Node, workers and the page.
 *
 * Pipeline for one text:
 * 1. Tokens: Unicode NFKC, `toLowerCase()`, then maximal runs of Unicode letters, marks and digits
 *    (`[\p{L}\p{M}\p{N}]+`); everything else separates tokens. Stop words are KEPT (idf down-weights
 *    them, and they carry bigrams such as "in east"). Bigrams join consecutive tokens across
 *    punctuation ("Osaka, Japan" gives "osaka japan").
 * 2. Features: each unigram and bigram ("a b", the space keeps bigrams apart from unigrams) is hashed
 *    (FNV-1a, 32 bit, over UTF-16 code units) into one of D = 2^hashBits buckets; colliding n-grams share
 *    a bucket. Counts are per bucket.
 * 3. Weight: w = (1 + ln tf) · idf, with sublinear tf and smoothed idf fitted by `fit(texts)`:
 *    idf(b) = ln((1 + N) / (1 + df(b))) + 1, N = fitted texts, df(b) = fitted texts with bucket b.
 *    Buckets unseen in the fit get the largest idf, ln(1 + N) + 1.
 * 4. L2-normalise (an empty text, or one without letters or digits, gives the zero vector).
 * 5. Optional truncated SVD of the fitted texts' TF-IDF matrix X (N×D, rows as in 4): a seeded
 *    randomized range finder (Halko, Martinsson & Tropp 2011, Alg. 4.4: Gaussian test matrix,
 *    `powerIterations` subspace iterations, each re-orthonormalised by Gram–Schmidt) gives Q (N×l),
 *    l = r + oversample; then B = QᵀX and the r leading eigenpairs of the small l×l matrix BBᵀ
 *    (ml-matrix, symmetric) give σᵢ² and uᵢ, and the right singular vectors vᵢ = Bᵀuᵢ / σᵢ. A text's
 *    reduced vector is (v₁·x, …, v_r·x), L2-normalised again; a text with no n-gram seen in the fit
 *    projects to the zero vector. r is capped at the rank (≤ N).
 *
 * Limits (say so wherever it is offered): it matches surface words only — no synonyms or paraphrase
 * ("elderly" does not match "older"; the SVD recovers only co-occurrence seen in the persona set),
 * no cross-language matching, tokens are English-centric (no stemming, no word segmentation for
 * scripts written without spaces such as Chinese or Japanese, where a whole run becomes one token),
 * negation is ignored ("not in Europe" matches Europe), and vectors from different fits are not
 * comparable (the `modelId` carries a fingerprint of the fit).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { EmbedderInfo, Embeddings } from '../../contracts/embedder';
import { AppError, throwIfAborted } from '../errors';
import { Rng } from '../rng';

export interface LexicalOptions {
  /** D = 2^hashBits hashed buckets; 8 ≤ hashBits ≤ 20. Default 14 (16,384). */
  hashBits?: number;
  /**
   * Reduce to this many dimensions with a truncated SVD fitted on the fitted texts; null: no reduction
   * (dense output of 2^hashBits floats per text: 64 KiB each at hashBits 14). Default 256.
   */
  svdDims?: number | null;
  /** Seed of the randomized SVD's test matrix. Default 1. */
  seed?: number;
  /** Extra columns of the randomized range finder. Default 10. */
  oversample?: number;
  /** Subspace (power) iterations of the range finder. Default 2. */
  powerIterations?: number;
}

export interface LexicalWorkOptions {
  signal?: AbortSignal;
}

/** A hashed TF-IDF vector: sorted bucket indices and their weights (L2-normalised). */
export interface SparseVector {
  indices: Uint32Array;
  values: Float64Array;
}

export const LEXICAL_BACKEND = 'lexical' as const;
export const LEXICAL_LIMITS: readonly string[] = [
  'matches surface words only: no synonyms or paraphrase',
  'no cross-language matching',
  'English-centric tokens: no stemming, no word segmentation for Chinese, Japanese or Thai',
  'ignores negation and word order beyond pairs of words',
];

const KNOWN_OPTIONS = new Set(['hashBits', 'svdDims', 'seed', 'oversample', 'powerIterations']);
const TOKEN = /[\p{L}\p{M}\p{N}]+/gu;

/** The tokens of step 1 (see the module comment). */
export function lexicalTokens(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(TOKEN) ?? [];
}

/** FNV-1a 32-bit over UTF-16 code units. */
export function fnv1a(s: string, h = 0x811c9dc5): number {
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Bucket → raw count of the text's unigrams and bigrams (step 2). */
export function hashedCounts(text: string, hashBits: number): Map<number, number> {
  const mask = (1 << hashBits) - 1;
  const tokens = lexicalTokens(text);
  const counts = new Map<number, number>();
  const add = (b: number) => counts.set(b, (counts.get(b) ?? 0) + 1);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    add(fnv1a(t) & mask);
    if (i + 1 < tokens.length) add(fnv1a(`${t} ${tokens[i + 1] as string}`) & mask);
  }
  return counts;
}

interface SvdBasis {
  /** D×r row-major (bucket-major): basis[b·r + i] = vᵢ[b]. */
  basis: Float32Array;
  r: number;
  singularValues: Float64Array;
}

/**
 * The lexical embedder. `fit(texts)` (idf, and the SVD basis when `svdDims` is set), then `embed`.
 * Synchronous and self-contained; `createLexicalEmbedderService` wraps it in the EmbedderService contract.
 */
export class LexicalEmbedder {
  readonly hashBits: number;
  readonly svdDims: number | null;
  private readonly seed: number;
  private readonly oversample: number;
  private readonly powerIterations: number;
  private idf: Float64Array | undefined;
  private svd: SvdBasis | undefined;
  private fitFingerprint = '';

  constructor(options: LexicalOptions = {}) {
    for (const key of Object.keys(options)) {
      if (!KNOWN_OPTIONS.has(key)) throw new AppError('InputError', `Unknown lexical embedder option "${key}"; known: ${[...KNOWN_OPTIONS].join(', ')}.`);
    }
    this.hashBits = options.hashBits ?? 14;
    if (!Number.isInteger(this.hashBits) || this.hashBits < 8 || this.hashBits > 20) {
      throw new AppError('InputError', `hashBits must be an integer from 8 to 20 (got ${this.hashBits}).`);
    }
    this.svdDims = options.svdDims === undefined ? 256 : options.svdDims;
    if (this.svdDims !== null && (!Number.isInteger(this.svdDims) || this.svdDims < 1)) {
      throw new AppError('InputError', `svdDims must be a positive integer or null for no reduction (got ${this.svdDims}).`);
    }
    this.seed = options.seed ?? 1;
    this.oversample = options.oversample ?? 10;
    this.powerIterations = options.powerIterations ?? 2;
    if (!Number.isInteger(this.oversample) || this.oversample < 0) throw new AppError('InputError', 'oversample must be a non-negative integer.');
    if (!Number.isInteger(this.powerIterations) || this.powerIterations < 0) throw new AppError('InputError', 'powerIterations must be a non-negative integer.');
  }

  get hashDim(): number {
    return 1 << this.hashBits;
  }

  get fitted(): boolean {
    return this.idf !== undefined;
  }

  /** Output length: the SVD rank after fit (≤ svdDims), or 2^hashBits without reduction. */
  get dim(): number {
    if (this.svdDims === null) return this.hashDim;
    return this.svd ? this.svd.r : this.svdDims;
  }

  /**
   * Identifies the configuration and the fit, e.g. `lexical-tfidf12-h14-svd256-s1@3fa2c01e`
   * (the suffix hashes the fitted texts, so vectors from another fit never pass as comparable).
   */
  get modelId(): string {
    const svd = this.svdDims === null ? '' : `-svd${this.dim}-s${this.seed}-o${this.oversample}-p${this.powerIterations}`;
    return `lexical-tfidf12-h${this.hashBits}${svd}@${this.fitted ? this.fitFingerprint : 'unfitted'}`;
  }

  info(): EmbedderInfo {
    return {
      modelId: this.modelId,
      backend: LEXICAL_BACKEND,
      dim: this.dim,
      normalized: true,
      needsFit: true,
      fitted: this.fitted,
      limits: [...LEXICAL_LIMITS],
    };
  }

  /** Fits idf (and the SVD basis) on `texts`, replacing any earlier fit. */
  fit(texts: readonly string[], { signal }: LexicalWorkOptions = {}): this {
    if (texts.length === 0) throw new AppError('InputError', 'Fit the lexical embedder on at least one text (the persona set).');
    const D = this.hashDim;
    const df = new Uint32Array(D);
    const counts: Array<Map<number, number>> = [];
    let fp = 0x811c9dc5;
    for (let i = 0; i < texts.length; i++) {
      if (i % 256 === 0) throwIfAborted(signal);
      const text = texts[i] as string;
      fp = fnv1a(text, fnv1a('\u0000', fp));
      const c = hashedCounts(text, this.hashBits);
      for (const b of c.keys()) df[b] = (df[b] as number) + 1;
      counts.push(c);
    }
    const N = texts.length;
    const idf = new Float64Array(D);
    for (let b = 0; b < D; b++) idf[b] = Math.log((1 + N) / (1 + (df[b] as number))) + 1;
    this.idf = idf;
    this.svd = undefined;
    this.fitFingerprint = `${fp.toString(16).padStart(8, '0')}n${N}`;
    if (this.svdDims !== null) {
      const rows = counts.map((c) => this.weigh(c));
      this.svd = randomizedSvd(rows, D, this.svdDims, this.oversample, this.powerIterations, this.seed, signal);
    }
    return this;
  }

  /** The hashed, idf-weighted, L2-normalised vector of step 4 (before any SVD). */
  sparse(text: string): SparseVector {
    return this.weigh(hashedCounts(text, this.hashBits));
  }

  /** Embeds `texts` (rows of `dim` floats, unit L2 unless a text has no tokens). */
  embed(texts: readonly string[], { signal }: LexicalWorkOptions = {}): Embeddings {
    if (!this.idf) throw new AppError('ModelError', 'The lexical embedder has no fit yet; call fit(texts) with the persona set first.');
    const dim = this.dim;
    const out = new Float32Array(texts.length * dim);
    for (let i = 0; i < texts.length; i++) {
      if (i % 256 === 0) throwIfAborted(signal);
      this.embedInto(texts[i] as string, out, i * dim);
    }
    return { vectors: out, n: texts.length, dim, normalized: true, modelId: this.modelId };
  }

  private embedInto(text: string, out: Float32Array, offset: number): void {
    const v = this.sparse(text);
    const svd = this.svd;
    if (!svd) {
      for (let j = 0; j < v.indices.length; j++) out[offset + (v.indices[j] as number)] = v.values[j] as number;
      return;
    }
    const r = svd.r;
    const acc = new Float64Array(r);
    for (let j = 0; j < v.indices.length; j++) {
      const row = (v.indices[j] as number) * r;
      const x = v.values[j] as number;
      for (let i = 0; i < r; i++) acc[i] = (acc[i] as number) + x * (svd.basis[row + i] as number);
    }
    let ss = 0;
    for (let i = 0; i < r; i++) ss += (acc[i] as number) ** 2;
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
    for (let i = 0; i < r; i++) out[offset + i] = (acc[i] as number) * inv;
  }

  private weigh(counts: Map<number, number>): SparseVector {
    const idf = this.idf as Float64Array;
    const indices = Uint32Array.from(counts.keys()).sort();
    const values = new Float64Array(indices.length);
    let ss = 0;
    for (let j = 0; j < indices.length; j++) {
      const b = indices[j] as number;
      const w = (1 + Math.log(counts.get(b) as number)) * (idf[b] as number);
      values[j] = w;
      ss += w * w;
    }
    if (ss > 0) {
      const inv = 1 / Math.sqrt(ss);
      for (let j = 0; j < values.length; j++) values[j] = (values[j] as number) * inv;
    }
    return { indices, values };
  }
}

/**
 * Truncated SVD of the sparse N×D matrix whose rows are `rows` (step 5 of the module comment).
 * Returns the leading right singular vectors as a D×r basis.
 */
function randomizedSvd(rows: SparseVector[], D: number, rank: number, oversample: number, powerIterations: number, seed: number, signal: AbortSignal | undefined): SvdBasis {
  const N = rows.length;
  const l = Math.min(N, rank + oversample);
  const rng = new Rng(seed);
  // Y = X Ω with Ω ~ N(0,1)^{D×l}, drawn row by row in a fixed order.
  const omega = new Float64Array(D * l);
  for (let k = 0; k < omega.length; k++) omega[k] = rng.normal();
  let Q = orthonormal(timesDense(rows, omega, l), N, l);
  for (let it = 0; it < powerIterations; it++) {
    throwIfAborted(signal);
    const Z = transposeTimes(rows, D, Q, l); // XᵀQ, D×l
    Q = orthonormal(timesDense(rows, Z, l), N, l); // X(XᵀQ), N×l
  }
  throwIfAborted(signal);
  // Bᵀ = XᵀQ (D×l); BBᵀ = (XᵀQ)ᵀ(XᵀQ) over the buckets that occur at all.
  const Bt = transposeTimes(rows, D, Q, l);
  const used: number[] = [];
  for (let b = 0; b < D; b++) {
    for (let c = 0; c < l; c++) {
      if (Bt[b * l + c] !== 0) { used.push(b); break; }
    }
  }
  const MM = new Float64Array(l * l);
  for (const b of used) {
    const o = b * l;
    for (let c1 = 0; c1 < l; c1++) {
      const x = Bt[o + c1] as number;
      if (x === 0) continue;
      const row = c1 * l;
      for (let c2 = c1; c2 < l; c2++) MM[row + c2] = (MM[row + c2] as number) + x * (Bt[o + c2] as number);
    }
  }
  const M = new Matrix(l, l);
  for (let c1 = 0; c1 < l; c1++) {
    for (let c2 = c1; c2 < l; c2++) {
      const v = MM[c1 * l + c2] as number;
      M.set(c1, c2, v);
      M.set(c2, c1, v);
    }
  }
  const evd = new EigenvalueDecomposition(M, { assumeSymmetric: true });
  const lambda = evd.realEigenvalues;
  const U = evd.eigenvectorMatrix;
  const order = lambda.map((_, i) => i).sort((a, b) => (lambda[b] as number) - (lambda[a] as number) || a - b);
  const top = lambda[order[0] as number] ?? 0;
  const keep = order.filter((i) => (lambda[i] as number) > Math.max(1e-10 * top, 1e-300)).slice(0, rank);
  const r = keep.length;
  if (r === 0) throw new AppError('NumericError', 'The fitted texts have no words in common with anything; the SVD has rank 0. Fit on the persona texts, or set svdDims to null.');
  // W (l×r row-major) = U[:, keep] Σ⁻¹, so that vᵢ = Bᵀ W[:, i].
  const W = new Float64Array(l * r);
  const singularValues = new Float64Array(r);
  keep.forEach((e, i) => {
    const sigma = Math.sqrt(lambda[e] as number);
    singularValues[i] = sigma;
    for (let c = 0; c < l; c++) W[c * r + i] = U.get(c, e) / sigma;
  });
  // V = BᵀW = Xᵀ(QW): the N×r product first, then one sparse pass (far cheaper than D×l×r).
  const QW = new Float64Array(N * r);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < l; c++) {
      const x = Q[n * l + c] as number;
      if (x === 0) continue;
      const wo = c * r;
      const o = n * r;
      for (let i = 0; i < r; i++) QW[o + i] = (QW[o + i] as number) + x * (W[wo + i] as number);
    }
  }
  const V = transposeTimes(rows, D, QW, r);
  // Deterministic sign: each vector's largest-magnitude entry is positive.
  const basis = new Float32Array(D * r);
  for (let i = 0; i < r; i++) {
    let best = 0;
    for (const b of used) {
      const v = V[b * r + i] as number;
      if (Math.abs(v) > Math.abs(best)) best = v;
    }
    const sign = best < 0 ? -1 : 1;
    for (const b of used) basis[b * r + i] = sign * (V[b * r + i] as number);
  }
  return { basis, r, singularValues };
}

/** X·W for sparse X (N×D rows) and dense W (D×l, row-major): N×l row-major. */
function timesDense(rows: SparseVector[], W: Float64Array, l: number): Float64Array {
  const out = new Float64Array(rows.length * l);
  rows.forEach((v, i) => {
    const o = i * l;
    for (let j = 0; j < v.indices.length; j++) {
      const w = (v.indices[j] as number) * l;
      const x = v.values[j] as number;
      for (let c = 0; c < l; c++) out[o + c] = (out[o + c] as number) + x * (W[w + c] as number);
    }
  });
  return out;
}

/** Xᵀ·Q for sparse X (N×D rows) and dense Q (N×l, row-major): D×l row-major. */
function transposeTimes(rows: SparseVector[], D: number, Q: Float64Array, l: number): Float64Array {
  const out = new Float64Array(D * l);
  rows.forEach((v, i) => {
    const q = i * l;
    for (let j = 0; j < v.indices.length; j++) {
      const o = (v.indices[j] as number) * l;
      const x = v.values[j] as number;
      for (let c = 0; c < l; c++) out[o + c] = (out[o + c] as number) + x * (Q[q + c] as number);
    }
  });
  return out;
}

/**
 * Orthonormal basis of the columns of Y (N×l row-major), thin Q row-major: modified Gram–Schmidt
 * run twice ("twice is enough", Giraud et al. 2005) on typed arrays — ml-matrix's QR does the same
 * job through get/set and costs seconds at 2000×266. A column that is (numerically) dependent on
 * the ones before it becomes zero and contributes nothing downstream.
 */
function orthonormal(Y: Float64Array, N: number, l: number): Float64Array {
  const cols: Float64Array[] = [];
  for (let c = 0; c < l; c++) {
    const v = new Float64Array(N);
    for (let i = 0; i < N; i++) v[i] = Y[i * l + c] as number;
    const norm0 = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of cols) {
        const p = dot(q, v);
        if (p !== 0) for (let i = 0; i < N; i++) v[i] = (v[i] as number) - p * (q[i] as number);
      }
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-10 * norm0 && norm > 0) for (let i = 0; i < N; i++) v[i] = (v[i] as number) / norm;
    else v.fill(0);
    cols.push(v);
  }
  const out = new Float64Array(N * l);
  cols.forEach((q, c) => { for (let i = 0; i < N; i++) out[i * l + c] = q[i] as number; });
  return out;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}
