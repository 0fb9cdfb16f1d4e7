/**
 * The Align stage (METHOD.md §5, §7): load the pool and the reference, run one method of the
 * registry through the align service (the compute worker: WebGPU, or the CPU with a reason), then
 * judge the selection against the reference beside its baselines — the raw pool, a seeded random
 * subset of the same size — and the sampling floor, and write a run manifest.
 *
 * Evaluation is held out (METHOD.md §5), as in the CLI twin: a seeded share of the reference
 * (`holdout`, default DEFAULT_HOLDOUT) is set aside, the method aligns against the rest, and every
 * diagnostic and the sampling floor (a same-size subsample of the rest) are measured against the
 * held-out points; `holdout: 0` is the old in-sample evaluation.
 *
 * Diagnostics are always computed in the judged reference's standardised units, whatever
 * `standardize` says, so errors read as "reference SDs" — as src/cli/align.ts reports them.
 */
import { DEFAULT_METHOD, type AlignMethodName, type AlignOptions, type AlignResult } from '../core/align/methods';
import { diagnose, randomSubset, selectedCloud, type Diagnostics } from '../core/align/diagnostics';
import { DEFAULT_HOLDOUT, evaluationFloor, evaluationReference, type EvaluationInfo, type EvaluationReference } from '../core/align/holdout';
import { applyStandardizer, standardizerOf } from '../core/align/stats';
import { subsetCloud, type WeightedCloud } from '../core/cloud';
import { systematicSample } from '../core/align/plan';
import { AppError, throwIfAborted } from '../core/errors';
import type { ProgressCallback } from '../contracts/progress';
import type { StoredRun, StoredRunResult } from '../contracts/run';
import type { AlignRunner, BackendChoice, BackendReport } from './align-runner';
import { loadPool, loadReference, sha256Hex, type InputServices, type LoadedPool, type LoadedReference, type PoolInput, type ReferenceInput } from './align-inputs';
import { buildManifest, type RunManifest } from './align-manifest';

export interface AlignStageOptions extends AlignOptions {
  /** Default DEFAULT_METHOD (the core's, shared with the CLI). */
  method?: AlignMethodName;
  /** Backend preference passed to the compute worker; undefined = its default. */
  prefer?: BackendChoice;
  /** Share of the reference held out for evaluation; default DEFAULT_HOLDOUT; 0 = in-sample. */
  holdout?: number;
}

export interface AlignStageInput {
  pool: PoolInput;
  reference: ReferenceInput;
  options: AlignStageOptions;
}

export interface AlignStageServices extends InputServices {
  align: AlignRunner;
}

export interface AlignDiagnostics {
  /** The raw pool with its own weights. */
  pool: Diagnostics;
  /** A seeded uniform random subset of the pool, same size as the selection. */
  random: Diagnostics;
  selected: Diagnostics;
  /** Held out: a same-size subsample of the matching part against the held-out part (undefined when K > its size); in-sample: a same-size subsample of the reference against the rest (undefined when K ≥ its size). */
  floor: Diagnostics | undefined;
  /** What the diagnostics were measured against: { holdout, heldOut: n, match: n, seed }. */
  evaluation: EvaluationInfo;
  /** Always 'reference SD' (see the module comment). */
  unit: string;
  /** Set when the reference was larger than DIAGNOSTICS_MAX_REFERENCE: the size of the seeded subsample judged against. */
  referenceSubsample: number | undefined;
}

/**
 * [ours] Diagnostics run on the page; above this many reference points they use a seeded PPS
 * subsample of the reference. Measured (Node, this machine, pool 2,000): one diagnose() takes
 * 0.8 s against 2,000 reference points, 2.7 s against 20,000, 7.5 s against 50,000 (sliced W1
 * sorts the reference 64 times), and a run needs four. The W1/KS noise of a 10,000-point subsample
 * (≈ 0.01 SD) is well below a K = 300 sampling floor (≈ 0.06). The result says when it applied; at
 * or below it, app and CLI report the same numbers.
 */
export const DIAGNOSTICS_MAX_REFERENCE = 10_000;

export interface AlignRunResult {
  method: AlignMethodName;
  size: number;
  seed: number;
  pool: LoadedPool;
  reference: LoadedReference;
  /** The method's full result (selected indices ascending, weights, OT info, timings). */
  align: AlignResult;
  /** Indices of the random-subset baseline. */
  randomIndices: Int32Array;
  diagnostics: AlignDiagnostics;
  /** The reference points the diagnostics were measured against (see judgedReference). */
  judged: WeightedCloud;
  backend: BackendReport;
  manifest: RunManifest;
}

/** Runs the whole stage; rejects with AppError('AbortError') when `signal` fires. */
export async function runAlignStage(
  signal: AbortSignal | undefined,
  input: AlignStageInput,
  services: AlignStageServices,
  onProgress?: ProgressCallback,
): Promise<AlignRunResult> {
  const t0 = now();
  const timings: Record<string, number> = {};
  const method = input.options.method ?? DEFAULT_METHOD;
  const seed = input.options.seed ?? 1;
  const report = (stage: string, text: string, done = 0, total = 1): void => onProgress?.({ stage, done, total, text, elapsedMs: now() - t0 });

  throwIfAborted(signal);
  report('load', 'Loading the persona pool and the reference…');
  const [pool, reference] = await Promise.all([loadPool(input.pool, services), loadReference(input.reference, services)]);
  timings.load = now() - t0;
  throwIfAborted(signal);
  const K = input.options.size;
  if (!Number.isInteger(K) || K < 1 || K > pool.cloud.n) {
    throw new AppError('InputError', `Set size K must be a whole number from 1 to ${pool.cloud.n} (the pool's size), got ${K}.`);
  }

  // Align against `match`; judge against `heldOut` (the whole reference on both sides with holdout 0).
  const ev = evaluationReference(reference.cloud, input.options.holdout ?? DEFAULT_HOLDOUT, seed);
  const { method: _m, prefer, holdout: _h, ...core } = input.options;
  const options = { ...core, method, seed };
  const t1 = now();
  const out = await services.align.run({ pool: pool.cloud, reference: ev.match, options, ...(prefer !== undefined ? { prefer } : {}) }, onProgress, signal);
  timings.align = now() - t1;
  throwIfAborted(signal);

  const t2 = now();
  const randomIndices = randomSubset(pool.cloud, K, seed);
  const diagnostics = await diagnoseRun(signal, pool.cloud, ev, out.result.selected, randomIndices, seed, (text, done) =>
    report('diagnostics', text, done, 4),
  );
  timings.diagnostics = now() - t2;
  timings.total = now() - t0;
  const manifest = buildManifest({
    method,
    options: input.options,
    seed,
    pool,
    reference,
    result: out.result,
    backend: out.backend,
    diagnostics,
    timings,
    selectedSha256: await (services.sha256 ?? sha256Hex)(Array.from(out.result.selected).join(',')),
  });
  report('done', `Selected ${out.result.selected.length} of ${pool.cloud.n} personas.`, 1, 1);
  return { method, size: K, seed, pool, reference, align: out.result, randomIndices, diagnostics, judged: judgedReference(ev, seed), backend: out.backend, manifest };
}

/**
 * Before/after diagnostics and the sampling floor, all against `ev.heldOut` (see evaluationReference;
 * a plain reference cloud means in-sample). Yields to the event loop between the four
 * (each is O((n+m)²) for the energy distance) so a cancel is seen within one of them.
 */
export async function diagnoseRun(
  signal: AbortSignal | undefined,
  poolIn: WeightedCloud,
  evIn: EvaluationReference | WeightedCloud,
  selected: ArrayLike<number>,
  randomIndices: ArrayLike<number>,
  seed: number,
  onStep?: (text: string, done: number) => void,
): Promise<AlignDiagnostics> {
  // A plain cloud is judged in-sample (holdout 0), as before held-out evaluation.
  const ev = 'heldOut' in evIn ? evIn : evaluationReference(evIn, 0, seed);
  const referenceIn = ev.heldOut;
  const z = standardizerOf(referenceIn);
  const pool = applyStandardizer(poolIn, z);
  const big = referenceIn.n > DIAGNOSTICS_MAX_REFERENCE;
  const reference = applyStandardizer(judgedReference(ev, seed), z);
  // In-sample, the floor is drawn from the (possibly subsampled) reference itself, as before.
  const match = ev.inSample ? reference : applyStandardizer(ev.match, z);
  const opts = { seed };
  const step = async <T>(text: string, done: number, work: () => T): Promise<T> => {
    onStep?.(text, done);
    await yieldToEventLoop();
    throwIfAborted(signal);
    return work();
  };
  const before = await step('Diagnostics: raw pool', 0, () => diagnose(pool, reference, opts));
  const rnd = await step('Diagnostics: random subset', 1, () => diagnose(selectedCloud(pool, randomIndices), reference, opts));
  const after = await step('Diagnostics: selected set', 2, () => diagnose(selectedCloud(pool, selected), reference, opts));
  const floor = await step('Diagnostics: sampling floor', 3, () => evaluationFloor(match, reference, ev.inSample, selected.length, seed, opts));
  return { pool: before, random: rnd, selected: after, floor, evaluation: ev.evaluation, unit: 'reference SD', referenceSubsample: big ? reference.n : undefined };
}

/**
 * The reference points the diagnostics are measured against, in trait units: the held-out part
 * (the whole reference in-sample), or its seeded subsample above DIAGNOSTICS_MAX_REFERENCE —
 * exactly what diagnoseRun judges, so a stored run can be re-judged or plotted without the split.
 */
export function judgedReference(ev: EvaluationReference, seed: number): WeightedCloud {
  const h = ev.heldOut;
  return h.n > DIAGNOSTICS_MAX_REFERENCE ? subsetCloud(h, systematicSample(h.weights, DIAGNOSTICS_MAX_REFERENCE, seed)) : h;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function now(): number {
  return performance.now();
}

/**
 * What a stored run keeps of a result (src/contracts/run.ts): enough for Results, exports and
 * bundles without recomputing. Importance weights and their ESS only when the method computed them.
 */
export function toStoredRunResult(r: AlignRunResult): StoredRunResult {
  const out: StoredRunResult = {
    manifest: JSON.parse(JSON.stringify(r.manifest)) as Record<string, unknown>,
    poolIds: [...r.pool.ids],
    pool: { points: r.pool.cloud.points, weights: r.pool.cloud.weights, n: r.pool.cloud.n },
    reference: { points: r.judged.points, weights: r.judged.weights, n: r.judged.n },
    selected: r.align.selected,
    randomIndices: r.randomIndices,
    diagnostics: { pool: r.diagnostics.pool, random: r.diagnostics.random, selected: r.diagnostics.selected, unit: r.diagnostics.unit },
  };
  if (r.diagnostics.floor) out.diagnostics.floor = r.diagnostics.floor;
  if (r.align.importance) {
    out.importanceWeights = r.align.weights;
    out.ess = r.align.ess;
  }
  if (r.pool.records) out.records = r.pool.records;
  return out;
}

/** A short label for run lists: "nearest · K=300 · demo personas vs builtin:global". */
export function alignRunTitle(input: AlignStageInput): string {
  // Structural: pool kinds added later (stored persona sets) are named by `name` when they have one.
  const p = input.pool as { kind: string; name?: unknown };
  const pool = p.kind === 'demo' ? 'demo personas' : typeof p.name === 'string' ? p.name : p.kind;
  const ref = input.reference.kind === 'builtin' ? `builtin:${input.reference.entryId}` : `stored:${input.reference.id}`;
  return `${input.options.method ?? DEFAULT_METHOD} · K=${input.options.size} · ${pool} vs ${ref}`;
}

/** Where runs are recorded (src/storage/run-store.ts RunStore fits; structural so Node tests can fake it). */
export interface RunRecorder {
  putRun(run: StoredRun): Promise<void>;
  getRun(id: string): Promise<StoredRun | undefined>;
  /** Runs `fn` holding the run's single-writer lock; rejects when another tab holds it. */
  withRunLock<T>(id: string, fn: () => Promise<T>): Promise<T>;
}

export interface RecordedAlignRun {
  runId: string;
  result: AlignRunResult;
  /** Set when the finished run could not be stored (e.g. storage full): the result is shown but not kept. */
  storeError: Error | undefined;
}

/**
 * runAlignStage as a stored run under `runId`: holds the run's lock throughout, stores it
 * 'running' with its request first (a reload finds it there and can resume it), then 'done' with
 * toStoredRunResult, or 'cancelled'/'failed' with the error. Resuming is calling this again with
 * the same id and the stored request: same inputs and seed give the same selection, and the
 * record keeps its createdAt.
 */
export async function runAlignStageRecorded(
  signal: AbortSignal | undefined,
  runId: string,
  input: AlignStageInput,
  services: AlignStageServices & { runs: RunRecorder },
  onProgress?: ProgressCallback,
): Promise<RecordedAlignRun> {
  const runs = services.runs;
  return runs.withRunLock(runId, async () => {
    const before = await runs.getRun(runId);
    const stamp = new Date().toISOString();
    const base: StoredRun = { id: runId, kind: 'align', status: 'running', title: alignRunTitle(input), createdAt: before?.createdAt ?? stamp, updatedAt: stamp, request: input };
    await runs.putRun(base);
    let result: AlignRunResult;
    try {
      result = await runAlignStage(signal, input, services, onProgress);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const status = err.name === 'AbortError' || signal?.aborted ? 'cancelled' : 'failed';
      // The run's own error is what the caller must see; a failing store write must not hide it.
      await runs.putRun({ ...base, status, updatedAt: new Date().toISOString(), error: { name: err.name, message: err.message } }).catch(() => {});
      throw e;
    }
    try {
      await runs.putRun({ ...base, status: 'done', updatedAt: new Date().toISOString(), result: toStoredRunResult(result) });
      return { runId, result, storeError: undefined };
    } catch (e) {
      const storeError = e instanceof Error ? e : new Error(String(e));
      await runs.putRun({ ...base, status: 'failed', updatedAt: new Date().toISOString(), error: { name: storeError.name, message: storeError.message } }).catch(() => {});
      return { runId, result, storeError };
    }
  });
}
