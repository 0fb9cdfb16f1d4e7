/**
 * Brute-force cosine top-k over row-major n×dim Float32 vectors: the CPU reference (oracle for GPU
 * parity tests, and the fallback without WebGPU) of the retrieval kernel. Plus retrieval metrics as
 * small pure functions with their formulas.
 *
 * Scores are accumulated in float64. Order: score descending, ties by lower index first — the same
 * order as a full stable sort by descending score, so results are deterministic.
 */
import { AppError } from '../errors';

export interface TopK {
  /** Row indices, best first; length min(k, n). */
  indices: Int32Array;
  /** Their cosine scores (dot products when the rows and query are unit vectors). */
  scores: Float64Array;
}

export interface TopKOptions {
  /**
   * True (default) when rows and query are unit-L2 (e.g. `Embeddings.normalized`): the score is the
   * dot product. False: each score is divided by both norms (a zero vector scores 0).
   */
  normalized?: boolean;
}

/**
 * The k rows of `matrix` (n×dim) with the highest cosine to `query` (dim).
 * Partial selection with a size-k min-heap: O(n·dim + n·log k) time, O(k) extra memory.
 */
export function cosineTopK(matrix: Float32Array, dim: number, query: ArrayLike<number>, k: number, options: TopKOptions = {}): TopK {
  const n = rowsOf(matrix, dim);
  if (query.length !== dim) throw new AppError('InputError', `The query has ${query.length} values; the vectors have ${dim}.`);
  if (!Number.isInteger(k) || k < 0) throw new AppError('InputError', `k must be a non-negative integer (got ${k}).`);
  const normalized = options.normalized ?? true;
  const q = Float64Array.from(query);
  const qNorm = normalized ? 1 : Math.sqrt(dotRow(q, 0, q, dim));
  const heap = new TopKHeap(Math.min(k, n));
  for (let i = 0; i < n; i++) {
    const off = i * dim;
    let s = dotRow(matrix, off, q, dim);
    if (!normalized) {
      const denom = Math.sqrt(selfDot(matrix, off, dim)) * qNorm;
      s = denom > 0 ? s / denom : 0;
    }
    heap.offer(s, i);
  }
  return heap.sorted();
}

/** `cosineTopK` for each of q queries stored row-major in `queries` (q×dim). */
export function cosineTopKBatch(matrix: Float32Array, dim: number, queries: Float32Array, k: number, options: TopKOptions = {}): TopK[] {
  const q = rowsOf(queries, dim);
  const out: TopK[] = [];
  for (let j = 0; j < q; j++) out.push(cosineTopK(matrix, dim, queries.subarray(j * dim, (j + 1) * dim), k, options));
  return out;
}

function rowsOf(matrix: Float32Array, dim: number): number {
  if (!Number.isInteger(dim) || dim <= 0) throw new AppError('InputError', `dim must be a positive integer (got ${dim}).`);
  if (matrix.length % dim !== 0) throw new AppError('InputError', `${matrix.length} values are not a whole number of ${dim}-dimensional vectors.`);
  return matrix.length / dim;
}

/** Σ_j a[ao + j]·q[j] in float64, four partial sums (monomorphic and unrolled: the hot loop). */
function dotRow(a: Float32Array | Float64Array, ao: number, q: Float64Array, dim: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < dim; j += 4) {
    s0 += (a[ao + j] as number) * (q[j] as number);
    s1 += (a[ao + j + 1] as number) * (q[j + 1] as number);
    s2 += (a[ao + j + 2] as number) * (q[j + 2] as number);
    s3 += (a[ao + j + 3] as number) * (q[j + 3] as number);
  }
  for (; j < dim; j++) s0 += (a[ao + j] as number) * (q[j] as number);
  return s0 + s1 + (s2 + s3);
}

function selfDot(a: Float32Array, ao: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += (a[ao + j] as number) ** 2;
  return s;
}

/**
 * Keeps the best `capacity` (score, index) pairs seen. The root is the worst kept pair: a lower
 * score, or on equal scores the higher index (so lower indices win ties).
 */
class TopKHeap {
  private readonly s: Float64Array;
  private readonly idx: Int32Array;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.s = new Float64Array(capacity);
    this.idx = new Int32Array(capacity);
  }

  /** a is worse than b. */
  private worse(a: number, b: number): boolean {
    const sa = this.s[a] as number;
    const sb = this.s[b] as number;
    return sa < sb || (sa === sb && (this.idx[a] as number) > (this.idx[b] as number));
  }

  offer(score: number, index: number): void {
    if (this.capacity === 0) return;
    if (this.size < this.capacity) {
      let i = this.size++;
      this.s[i] = score;
      this.idx[i] = index;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    const rootScore = this.s[0] as number;
    if (!(score > rootScore || (score === rootScore && index < (this.idx[0] as number)))) return;
    this.s[0] = score;
    this.idx[0] = index;
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    let i = start;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const ts = this.s[a] as number;
    this.s[a] = this.s[b] as number;
    this.s[b] = ts;
    const ti = this.idx[a] as number;
    this.idx[a] = this.idx[b] as number;
    this.idx[b] = ti;
  }

  /** Drains the heap: best first. */
  sorted(): TopK {
    const n = this.size;
    const indices = new Int32Array(n);
    const scores = new Float64Array(n);
    for (let out = n - 1; out >= 0; out--) {
      scores[out] = this.s[0] as number;
      indices[out] = this.idx[0] as number;
      this.size--;
      if (this.size > 0) {
        this.s[0] = this.s[this.size] as number;
        this.idx[0] = this.idx[this.size] as number;
        this.siftDown(0);
      }
    }
    return { indices, scores };
  }
}

// --- retrieval metrics -------------------------------------------------------------------------

function relevantSet(relevant: Iterable<number>): Set<number> {
  return relevant instanceof Set ? relevant : new Set(relevant);
}

/**
 * recall@k = |R ∩ T_k| / |R|, where T_k is the first k retrieved items and R the relevant set.
 * 0 when R is empty. Duplicates in `retrieved` count once.
 */
export function recallAtK(retrieved: ArrayLike<number>, relevant: Iterable<number>, k: number): number {
  const rel = relevantSet(relevant);
  if (rel.size === 0) return 0;
  return hitsAtK(retrieved, rel, k) / rel.size;
}

/**
 * precision@k = |R ∩ T_k| / k (k, not |T_k|: a short list is penalised). 0 when k = 0.
 * Its chance level for a random ranking is |R| / n, the relevant base rate.
 */
export function precisionAtK(retrieved: ArrayLike<number>, relevant: Iterable<number>, k: number): number {
  if (k <= 0) return 0;
  return hitsAtK(retrieved, relevantSet(relevant), k) / k;
}

function hitsAtK(retrieved: ArrayLike<number>, rel: Set<number>, k: number): number {
  const seen = new Set<number>();
  const m = Math.min(k, retrieved.length);
  for (let i = 0; i < m; i++) {
    const r = retrieved[i] as number;
    if (rel.has(r)) seen.add(r);
  }
  return seen.size;
}

/**
 * nDCG@k = DCG@k / IDCG@k with linear gains:
 *   DCG@k  = Σ_{i=1..min(k,|T|)} g(t_i) / log2(i + 1)
 *   IDCG@k = the same sum over the k largest gains sorted descending (the ideal ranking).
 * `gains` maps item → graded relevance ≥ 0 (a Set or array of items means gain 1 each; unlisted
 * items have gain 0). 0 when IDCG = 0. A repeated item earns its gain only at its first position.
 */
export function ndcgAtK(retrieved: ArrayLike<number>, gains: Iterable<number> | ReadonlyMap<number, number>, k: number): number {
  const g: ReadonlyMap<number, number> = isMap(gains) ? gains : new Map([...gains].map((i) => [i, 1]));
  const ideal = [...g.values()].filter((v) => v > 0).sort((a, b) => b - a).slice(0, Math.max(0, k));
  let idcg = 0;
  ideal.forEach((v, i) => { idcg += v / Math.log2(i + 2); });
  if (idcg === 0) return 0;
  let dcg = 0;
  const seen = new Set<number>();
  const m = Math.min(k, retrieved.length);
  for (let i = 0; i < m; i++) {
    const r = retrieved[i] as number;
    if (seen.has(r)) continue;
    seen.add(r);
    dcg += (g.get(r) ?? 0) / Math.log2(i + 2);
  }
  return dcg / idcg;
}

function isMap(x: Iterable<number> | ReadonlyMap<number, number>): x is ReadonlyMap<number, number> {
  return x instanceof Map;
}
