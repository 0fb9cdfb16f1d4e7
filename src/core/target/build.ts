/**
 * Building a target group (METHOD.md §6), pure apart from the injected services:
 *
 *   1. prepareTargetPool: personas with trait scores; fit (corpus-fitted embedders) and embed them;
 *      optionally train the contrastive adapter on a query set's (query, persona) pairs (held-out
 *      recall@k / nDCG@k before and after come from the trainer) and map every vector through it.
 *   2. buildTarget, per target: metadata filters → eligible personas; embed the query (same adapter);
 *      rank the eligible personas by cosine (the injected top-k: WebGPU in the app, the CPU oracle
 *      here); candidates = top-N or score ≥ s; then four selections of K, all judged on the target's
 *      reference (held-out part, as the Align stage does):
 *        random     — a seeded uniform subset of the eligible personas (the baseline),
 *        retrieval  — the K best-scoring candidates (retrieval only),
 *        global     — the alignment method over all eligible personas (global alignment only),
 *        realigned  — the alignment method over the candidates (retrieval + re-alignment),
 *      with the diagnostics of src/core/align/diagnostics.ts, the sampling floor, the in-group share
 *      (personas whose meta.country is in the target's countries) and the mean query score.
 *
 * Services are parameters so the same code runs in the app (worker embedder, GPU top-k, the align
 * worker) and in Node (lexical embedder, CPU top-k, in-thread align).
 */
import type { AdapterReport, LowRankAdapter, TrainAdapter } from '../../contracts/adapter';
import type { EmbedderInfo, EmbedderService, Embeddings } from '../../contracts/embedder';
import type { PersonaRecord } from '../../contracts/persona';
import type { ProgressCallback } from '../../contracts/progress';
import { cpuKernelFactory } from '../align/cpu-kernel';
import { diagnose, randomSubset, selectedCloud, type Diagnostics } from '../align/diagnostics';
import { evaluationFloor, evaluationReference, type EvaluationInfo } from '../align/holdout';
import { align, type AlignMethodName, type AlignOptions, type AlignResult } from '../align/methods';
import { systematicSample } from '../align/plan';
import { applyStandardizer, standardizerOf } from '../align/stats';
import { makeCloud, subsetCloud, type WeightedCloud } from '../cloud';
import { cosineTopK, type TopK } from '../embed/topk';
import { AppError, throwIfAborted } from '../errors';
import { Rng } from '../rng';
import { TRAITS } from '../traits';
import { positivesInPool, templateQueries, type QuerySet } from './queries';
import { passesFilters, type TargetSpec } from './spec';

export type TopKFn = (matrix: Float32Array, dim: number, query: Float32Array, k: number) => TopK | Promise<TopK>;
/** y = normalise(x + B·(A·x)) row by row (src/core/embed/adapter.ts applyAdapter). */
export type ApplyAdapterFn = (vectors: Float32Array, n: number, adapter: LowRankAdapter) => Float32Array;
export type RunAlignFn = (
  pool: WeightedCloud,
  reference: WeightedCloud,
  options: AlignOptions & { method: AlignMethodName },
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
) => Promise<{ result: AlignResult; backend: string }>;

export interface TargetServices {
  embedder: EmbedderService;
  /** The contrastive adapter's trainer and its map; required only when a spec enables the adapter. */
  adapter?: { train: TrainAdapter; apply: ApplyAdapterFn };
  /** Default: the CPU oracle cosineTopK. */
  topK?: TopKFn;
  /** Name of the top-k backend for the manifest. Default 'cpu'. */
  topKBackend?: string;
  /** Default: the core registry in this thread on the CPU kernel. */
  align?: RunAlignFn;
  /**
   * Embeds the pool's personas (role 'passage') with the loaded embedder; default `embedder.embed`.
   * The app passes the embedding store's embedPersonas, which re-embeds only new or changed texts.
   */
  embedPool?: (personas: Array<{ id: string; text: string }>, onProgress?: ProgressCallback, signal?: AbortSignal) => Promise<Embeddings>;
}

export interface TargetPoolInput {
  name: string;
  sha256: string;
  records: readonly PersonaRecord[];
}

export interface TargetReference {
  name: string;
  cloud: WeightedCloud;
  label: 'approximate' | null;
  details: Record<string, unknown>;
  notes: string[];
}

export interface AdapterRun {
  adapter: LowRankAdapter;
  report: AdapterReport;
  querySet: { id: string; version: number; hash: string; source: string; queries: number; dropped: number; generated: boolean; maxPositives: number | null; pairs: number };
}

export interface PreparedPool {
  name: string;
  sha256: string;
  /** Personas with trait scores (the only ones a selection can be judged by), pool order. */
  records: PersonaRecord[];
  cloud: WeightedCloud;
  /** n × dim, after the adapter when one was trained. */
  vectors: Float32Array;
  dim: number;
  normalized: boolean;
  embedder: EmbedderInfo;
  adapter: AdapterRun | undefined;
  /** Records in the input, and how many had trait scores. */
  counts: { records: number; withTraits: number };
  timings: Record<string, number>;
}

export interface AdapterSettings {
  enabled: boolean;
  options: TargetSpec['adapter']['options'];
  /** Query set to train on; default template queries over the pool's metadata (seeded). */
  querySet?: QuerySet;
  seed?: number;
  /**
   * At most this many positives per query go to the trainer (a seeded sample); default: all.
   * Template queries name whole groups (hundreds of personas) and every (query, positive) pair is a
   * training pair, so the 2,000 demo personas give ~12,000 pairs per epoch. Measured on them with
   * the lexical embedder (this 2-core machine under heavy load, 2026-11-26): all positives —
   * held-out recall@10 0.088 → 0.132 in 13 epochs, 249 s; a cap of 24 or 64 — no held-out gain
   * (the trainer kept the identity) in 3 epochs, 66 s / 49 s. So no cap by default; a cap trades
   * quality for time on large pools.
   */
  maxPositives?: number;
}

/** Step 1 (once per pool, shared by every target built on it). */
export async function prepareTargetPool(
  signal: AbortSignal | undefined,
  pool: TargetPoolInput,
  services: TargetServices,
  adapter: AdapterSettings,
  onProgress?: ProgressCallback,
): Promise<PreparedPool> {
  const t0 = now();
  const timings: Record<string, number> = {};
  const records = pool.records.filter((r) => r.traits !== undefined);
  if (records.length === 0) throw new AppError('InputError', `${pool.name}: no persona has trait scores; score them in the Profile stage first.`);
  const pts = new Float32Array(records.length * TRAITS.length);
  records.forEach((r, i) => TRAITS.forEach((t, k) => (pts[i * TRAITS.length + k] = r.traits![t])));
  const cloud = makeCloud(pts, TRAITS.length, undefined, pool.name);
  const texts = records.map((r) => r.text);

  let info = await services.embedder.info();
  if (!info) throw new AppError('ModelError', 'No embedder is loaded; pick "lexical (no model)" or load a sentence-embedding model first.');
  if (info.needsFit) {
    info = await services.embedder.fit(texts, onProgress);
    timings.fit = now() - t0;
  }
  throwIfAborted(signal);
  const t1 = now();
  const emb = services.embedPool
    ? await services.embedPool(records.map((r) => ({ id: r.id, text: r.text })), onProgress, signal)
    : await services.embedder.embed(texts, { role: 'passage' }, onProgress);
  if (emb.n !== records.length || emb.modelId !== info.modelId) {
    throw new AppError('ModelError', `The pool's embeddings (${emb.n}, ${emb.modelId}) do not match the ${records.length} personas and the loaded embedder ${info.modelId}; build again.`);
  }
  timings.embed = now() - t1;
  checkFinite(emb.vectors, 'persona embeddings');
  throwIfAborted(signal);
  let vectors = emb.vectors;

  let run: AdapterRun | undefined;
  if (adapter.enabled) {
    if (!services.adapter) throw new AppError('ModelError', 'The adapter trainer is not available here; run without the adapter (--no-adapter) or in the app.');
    const t2 = now();
    const generated = adapter.querySet === undefined;
    const set = adapter.querySet ?? { id: 'template', version: 1, hash: '', source: 'template', queries: templateQueries(records, { seed: adapter.seed ?? 1 }) };
    const pairs = positivesInPool(set, records.map((r) => r.id));
    const cap = adapter.maxPositives ?? Number.MAX_SAFE_INTEGER;
    const capRng = new Rng(adapter.seed ?? 1);
    const positives = pairs.positives.map((p) => (p.length <= cap ? p : capRng.shuffle([...p]).slice(0, cap).sort((a, b) => a - b)));
    if (pairs.texts.length < 2) throw new AppError('InputError', `The query set has ${pairs.texts.length} usable queries for this pool; the adapter needs at least 2. Write more queries, or turn the adapter off.`);
    onProgress?.({ stage: 'adapter-queries', done: 0, total: pairs.texts.length, unit: 'queries', text: `Embedding ${pairs.texts.length} training queries`, elapsedMs: now() - t2 });
    const q = await services.embedder.embed(pairs.texts, { role: 'query' });
    throwIfAborted(signal);
    const trained = await services.adapter.train(
      {
        personas: vectors,
        n: records.length,
        queries: q.vectors,
        q: pairs.texts.length,
        dim: emb.dim,
        baseModelId: emb.modelId,
        positives,
        options: { seed: adapter.seed ?? 1, ...adapter.options },
      },
      signal,
      onProgress,
    );
    vectors = services.adapter.apply(vectors, records.length, trained.adapter);
    checkFinite(vectors, 'adapted persona embeddings');
    run = {
      adapter: trained.adapter,
      report: trained.report,
      querySet: { id: set.id, version: set.version, hash: set.hash, source: set.source, queries: pairs.texts.length, dropped: pairs.dropped, generated, maxPositives: adapter.maxPositives ?? null, pairs: positives.reduce((s, p) => s + p.length, 0) },
    };
    timings.adapter = now() - t2;
  }
  return {
    name: pool.name,
    sha256: pool.sha256,
    records,
    cloud,
    vectors,
    dim: emb.dim,
    normalized: emb.normalized,
    embedder: info,
    adapter: run,
    counts: { records: pool.records.length, withTraits: records.length },
    timings,
  };
}

export type SelectionKey = 'random' | 'retrieval' | 'global' | 'realigned';
export const SELECTION_KEYS: readonly SelectionKey[] = ['random', 'retrieval', 'global', 'realigned'];
export const SELECTION_LABELS: Readonly<Record<SelectionKey, string>> = {
  random: 'Random personas',
  retrieval: 'Retrieval only',
  global: 'Global alignment only',
  realigned: 'Retrieval + re-alignment',
};

export interface SelectionReport {
  key: SelectionKey;
  /** Pool indices (into PreparedPool.records), ascending. */
  indices: Int32Array;
  diagnostics: Diagnostics;
  /** Share of the selection whose meta.country is in the target's countries; null when not measurable. */
  inGroupShare: number | null;
  /** Mean (adapted) cosine of the selection to the query. */
  meanScore: number;
}

export interface TargetCounts {
  /** Personas in the input, with trait scores, passing the filters, candidates after retrieval, K. */
  records: number;
  withTraits: number;
  eligible: number;
  candidates: number;
  selected: number;
  /** Reference points: all, held out for evaluation, matched against. */
  reference: number;
  heldOut: number;
  match: number;
  /** Eligible personas in the target's countries (null without countries or meta.country). */
  inGroupEligible: number | null;
  inGroupCandidates: number | null;
}

export interface TargetResult {
  spec: TargetSpec;
  reference: TargetReference;
  counts: TargetCounts;
  /** The candidates, best first: pool indices and scores. */
  ranking: { indices: Int32Array; scores: Float64Array };
  selections: Record<SelectionKey, SelectionReport>;
  /** A same-size sample of the reference's matching part vs the held-out part (undefined when K is too large). */
  floor: Diagnostics | undefined;
  /** All eligible personas (after the filters) against the reference: the raw-pool baseline. */
  eligibleDiagnostics: Diagnostics;
  /** The reference points the diagnostics were measured against (held-out part; trait scale, not standardised). */
  judgedReference: WeightedCloud;
  evaluation: EvaluationInfo;
  unit: 'reference SD';
  /** Size of the seeded reference subsample the diagnostics used, when the reference was larger than DIAGNOSTICS_MAX_REFERENCE. */
  referenceSubsample: number | undefined;
  align: { global: AlignSummary; realigned: AlignSummary };
  timings: Record<string, number>;
}

export interface AlignSummary {
  method: AlignMethodName;
  backend: string;
  ess: number;
  targets: number;
  iterations: number | null;
  converged: boolean | null;
}

/** As in the Align stage: diagnostics above this many reference points use a seeded subsample of it. */
export const DIAGNOSTICS_MAX_REFERENCE = 10_000;

/** Step 2 for one target. */
export async function buildTarget(
  signal: AbortSignal | undefined,
  prepared: PreparedPool,
  spec: TargetSpec,
  reference: TargetReference,
  services: TargetServices,
  onProgress?: ProgressCallback,
): Promise<TargetResult> {
  const t0 = now();
  const timings: Record<string, number> = {};
  const K = spec.size;
  const steps = 6;
  const step = (done: number, text: string, counts?: Record<string, number>): void =>
    onProgress?.({ stage: 'target', done, total: steps, unit: 'steps', text: `${spec.name}: ${text}`, elapsedMs: now() - t0, ...(counts ? { counts } : {}) });

  // Filters.
  const eligible: number[] = [];
  prepared.records.forEach((r, i) => {
    if (passesFilters(r.meta, spec.filters)) eligible.push(i);
  });
  if (eligible.length < K) {
    throw new AppError('InputError', `Only ${eligible.length} personas pass the metadata filters of "${spec.name}"; lower K to at most ${eligible.length} or loosen the filters.`);
  }
  step(0, `embedding the query`, { eligible: eligible.length });

  // Query → ranking over the eligible personas.
  const q = await embedQuery(prepared, spec.query, services);
  throwIfAborted(signal);
  const dim = prepared.dim;
  const matrix = eligible.length === prepared.records.length ? prepared.vectors : gatherRows(prepared.vectors, dim, eligible);
  const kAll = spec.candidates.mode === 'top' ? Math.min(spec.candidates.n, eligible.length) : eligible.length;
  const t1 = now();
  const top = await (services.topK ?? cosineTopK)(matrix, dim, q, kAll);
  timings.retrieve = now() - t1;
  let m = top.indices.length;
  if (spec.candidates.mode === 'minScore') {
    const s = spec.candidates.score;
    m = 0;
    while (m < top.scores.length && top.scores[m]! >= s) m++;
  }
  const ranking = { indices: Int32Array.from(top.indices.subarray(0, m), (j) => eligible[j]!), scores: Float64Array.from(top.scores.subarray(0, m)) };
  for (const s of ranking.scores) if (!Number.isFinite(s)) throw new AppError('NumericError', 'A retrieval score is NaN or infinite; the embeddings are broken. Re-embed the personas.');
  if (m < K) {
    throw new AppError('InputError', `Only ${m} candidates for "${spec.name}" (${spec.candidates.mode === 'top' ? `top ${spec.candidates.n}` : `score ≥ ${spec.candidates.score}`}); lower K to at most ${m}, or ${spec.candidates.mode === 'top' ? 'raise top-N' : 'lower the minimum score'}.`);
  }
  step(1, `${m} candidates retrieved`, { eligible: eligible.length, candidates: m });
  throwIfAborted(signal);

  // Reference: align against `match`, judge against `heldOut`.
  const ev = evaluationReference(reference.cloud, spec.holdout, spec.seed);
  const runAlign = services.align ?? inThreadAlign;
  const options = { size: K, seed: spec.seed, method: spec.method };
  const eligibleCloud = eligible.length === prepared.records.length ? prepared.cloud : subsetCloud(prepared.cloud, eligible);
  const t2 = now();
  const global = await runAlign(eligibleCloud, ev.match, options, signal, onProgress);
  step(2, 'global alignment done');
  const candidateIdx = Int32Array.from(ranking.indices).sort();
  const realigned = await runAlign(subsetCloud(prepared.cloud, candidateIdx), ev.match, options, signal, onProgress);
  timings.align = now() - t2;
  step(3, 're-alignment of the candidates done');
  throwIfAborted(signal);

  const pick = {
    random: Int32Array.from(randomSubset(eligibleCloud, K, spec.seed), (j) => eligible[j]!).sort(),
    retrieval: Int32Array.from(ranking.indices.subarray(0, K)).sort(),
    global: Int32Array.from(global.result.selected, (j) => eligible[j]!).sort(),
    realigned: Int32Array.from(realigned.result.selected, (j) => candidateIdx[j]!).sort(),
  } satisfies Record<SelectionKey, Int32Array>;

  // Diagnostics in the held-out reference's standardised units.
  const t3 = now();
  const z = standardizerOf(ev.heldOut);
  const big = ev.heldOut.n > DIAGNOSTICS_MAX_REFERENCE;
  const judged = applyStandardizer(big ? subsetCloud(ev.heldOut, systematicSample(ev.heldOut.weights, DIAGNOSTICS_MAX_REFERENCE, spec.seed)) : ev.heldOut, z);
  const poolZ = applyStandardizer(prepared.cloud, z);
  const countries = spec.group ? new Set(spec.group.countries) : undefined;
  const hasCountry = countries !== undefined && prepared.records.some((r) => r.meta.country !== undefined);
  const inGroup = (idx: ArrayLike<number>): number | null => {
    if (!hasCountry || idx.length === 0) return null;
    let c = 0;
    for (let k = 0; k < idx.length; k++) if (countries!.has(prepared.records[idx[k]!]!.meta.country ?? '')) c++;
    return c / idx.length;
  };
  const selections = {} as Record<SelectionKey, SelectionReport>;
  for (const [k, key] of SELECTION_KEYS.entries()) {
    await yieldToEventLoop();
    throwIfAborted(signal);
    const indices = pick[key];
    selections[key] = {
      key,
      indices,
      diagnostics: diagnose(selectedCloud(poolZ, indices), judged, { seed: spec.seed }),
      inGroupShare: inGroup(indices),
      meanScore: meanScore(prepared.vectors, dim, q, indices),
    };
    step(4, `diagnostics ${k + 1} of ${SELECTION_KEYS.length}`);
  }
  const eligibleDiagnostics = diagnose(eligible.length === prepared.records.length ? poolZ : subsetCloud(poolZ, eligible), judged, { seed: spec.seed });
  const match = ev.inSample ? judged : applyStandardizer(ev.match, z);
  const floor = evaluationFloor(match, judged, ev.inSample, K, spec.seed);
  timings.diagnostics = now() - t3;
  timings.total = now() - t0;
  step(6, `done: ${K} of ${m} candidates`);
  const share = (idx: ArrayLike<number>): number | null => {
    const s = inGroup(idx);
    return s === null ? null : Math.round(s * idx.length);
  };
  return {
    spec,
    reference,
    counts: {
      records: prepared.counts.records,
      withTraits: prepared.counts.withTraits,
      eligible: eligible.length,
      candidates: m,
      selected: K,
      reference: reference.cloud.n,
      heldOut: ev.evaluation.heldOut,
      match: ev.evaluation.match,
      inGroupEligible: share(eligible),
      inGroupCandidates: share(ranking.indices),
    },
    ranking,
    selections,
    floor,
    eligibleDiagnostics,
    judgedReference: ev.heldOut,
    evaluation: ev.evaluation,
    unit: 'reference SD',
    referenceSubsample: big ? judged.n : undefined,
    align: { global: summary(global.result, global.backend), realigned: summary(realigned.result, realigned.backend) },
    timings,
  };
}

/** The query's vector in the pool's space (embedded as role 'query', then through the adapter). */
export async function embedQuery(prepared: PreparedPool, query: string, services: TargetServices): Promise<Float32Array> {
  const e = await services.embedder.embed([query], { role: 'query' });
  if (e.dim !== prepared.dim || e.modelId !== prepared.embedder.modelId) {
    throw new AppError('ModelError', `The embedder changed since the personas were embedded (${prepared.embedder.modelId} → ${e.modelId}); build the target again.`);
  }
  let v = e.vectors;
  if (prepared.adapter) v = services.adapter!.apply(v, 1, prepared.adapter.adapter);
  checkFinite(v, 'query embedding');
  let ss = 0;
  for (const x of v) ss += x * x;
  if (ss === 0) throw new AppError('InputError', `The query "${query}" has no words the embedder knows (its vector is zero); use words that occur in the personas, e.g. a region or occupation.`);
  return v;
}

/** The core registry in this thread (Node CLI and tests; `nearest` needs no pair kernel). */
export const inThreadAlign: RunAlignFn = async (pool, reference, options, signal, onProgress) => {
  const factory = cpuKernelFactory();
  const result = await align(signal, pool, reference, options, factory, onProgress);
  return { result, backend: factory.backend };
};

function summary(r: AlignResult, backend: string): AlignSummary {
  return { method: r.method, backend, ess: r.ess, targets: r.targets, iterations: r.ot?.iterations ?? null, converged: r.ot?.converged ?? null };
}

function gatherRows(v: Float32Array, dim: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((i, k) => out.set(v.subarray(i * dim, (i + 1) * dim), k * dim));
  return out;
}

function meanScore(v: Float32Array, dim: number, q: Float32Array, idx: ArrayLike<number>): number {
  let qn = 0;
  for (let j = 0; j < dim; j++) qn += q[j]! * q[j]!;
  qn = Math.sqrt(qn);
  let total = 0;
  for (let k = 0; k < idx.length; k++) {
    const o = idx[k]! * dim;
    let s = 0;
    let n = 0;
    for (let j = 0; j < dim; j++) {
      s += v[o + j]! * q[j]!;
      n += v[o + j]! * v[o + j]!;
    }
    total += n > 0 && qn > 0 ? s / (Math.sqrt(n) * qn) : 0;
  }
  return idx.length > 0 ? total / idx.length : 0;
}

function checkFinite(v: Float32Array, what: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) throw new AppError('NumericError', `The ${what} contain NaN or infinite values (at value ${i}); re-embed, or retrain the adapter with a lower learning rate.`);
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function now(): number {
  return performance.now();
}
