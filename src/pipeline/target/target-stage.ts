/**
 * The Target stage in the app (METHOD.md §6): load the pool, load and prepare the embedder (and the
 * adapter when asked), then build each target against its own reference with the core
 * (src/core/target/build.ts) — the same code the CLI runs. Services are injected: the embedder
 * worker, the adapter trainer and GPU top-k when present, and the align worker.
 *
 * Each target is stored in `targets` (kind 'target') and each build in `runs` (kind 'target',
 * StoredRun with a StoredRunResult, so the Results view can show it), under the run's lock like
 * the Align stage's runs.
 */
import type { EmbedderService } from '../../contracts/embedder';
import type { ProgressCallback } from '../../contracts/progress';
import type { StoredRun, StoredRunResult } from '../../contracts/run';
import { AppError, throwIfAborted } from '../../core/errors';
import { buildTarget, prepareTargetPool, type PreparedPool, type RunAlignFn, type TargetResult, type TargetServices } from '../../core/target/build';
import { buildTargetManifest, type TargetManifest } from '../../core/target/manifest';
import type { QuerySet } from '../../core/target/queries';
import { candidateRuleText, type TargetSpec } from '../../core/target/spec';
import type { ReferenceInput } from '../align-inputs';
import type { AlignRunner } from '../align-runner';
import type { RunRecorder } from '../align-stage';
import { loadTargetPool, loadTargetReference, type TargetInputServices, type TargetPoolSource } from './target-inputs';

export interface TargetStageInput {
  pool: TargetPoolSource;
  /** What the embedder service loads: "lexical" or a model id. */
  embedderId: string;
  adapter: { enabled: boolean; options: TargetSpec['adapter']['options']; querySetId?: string };
  /** One or more targets built on the same prepared pool (side by side). */
  targets: Array<{ spec: TargetSpec; reference: ReferenceInput }>;
}

export interface TargetStageServices extends TargetInputServices {
  embedder: EmbedderService;
  adapter?: TargetServices['adapter'];
  topK?: TargetServices['topK'];
  topKBackend?: string;
  /** The align worker; default the core registry in this thread. */
  align?: AlignRunner;
  runs?: RunRecorder;
  targets?: { putTarget(spec: TargetSpec): Promise<unknown>; getQuerySet(id: string): Promise<QuerySet | undefined> };
  /**
   * The pool's embedder for an owner id (stored set id, 'demo-personas', or 'file:SHA-256'): the
   * app passes one over the embedding store (re-embeds only new or changed texts); default: embed all.
   */
  embedPool?: (ownerId: string) => NonNullable<TargetServices['embedPool']>;
  /** New run ids (default newTargetRunId). */
  newRunId?: () => string;
}

export interface TargetStageTarget {
  result: TargetResult;
  manifest: TargetManifest;
  runId: string | undefined;
  /** Set when the finished run could not be stored; the result is shown but not kept. */
  storeError: Error | undefined;
}

export interface TargetStageResult {
  prepared: PreparedPool;
  targets: TargetStageTarget[];
}

/** Runs the stage; AbortError when `signal` fires (the embedder's work in flight is aborted too). */
export async function runTargetStage(
  signal: AbortSignal | undefined,
  input: TargetStageInput,
  services: TargetStageServices,
  onProgress?: ProgressCallback,
): Promise<TargetStageResult> {
  if (input.targets.length === 0) throw new AppError('InputError', 'Add at least one target (a query and a reference).');
  const onAbort = (): void => void services.embedder.abort().catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const t0 = performance.now();
    onProgress?.({ stage: 'load', done: 0, total: 1, text: 'Loading the persona pool and the embedder…', elapsedMs: 0 });
    const pool = await loadTargetPool(input.pool, services);
    throwIfAborted(signal);
    const info = await services.embedder.info();
    if (!info || !sameModel(info.modelId, input.embedderId)) await services.embedder.load(input.embedderId, onProgress);
    throwIfAborted(signal);
    let querySet: QuerySet | undefined;
    if (input.adapter.enabled && input.adapter.querySetId) {
      querySet = await services.targets?.getQuerySet(input.adapter.querySetId);
      if (!querySet) throw new AppError('InputError', `Query set "${input.adapter.querySetId}" was not found; pick another or use the template queries.`);
    }
    const ownerId = input.pool.kind === 'stored' ? input.pool.ownerId : input.pool.kind === 'demo' ? 'demo-personas' : `file:${pool.sha256}`;
    const core = { ...coreServices(services), ...(services.embedPool ? { embedPool: services.embedPool(ownerId) } : {}) };
    const prepared = await prepareTargetPool(
      signal,
      pool,
      core,
      { enabled: input.adapter.enabled, options: input.adapter.options, ...(querySet ? { querySet } : {}), seed: input.targets[0]!.spec.seed },
      onProgress,
    );
    onProgress?.({ stage: 'load', done: 1, total: 1, text: `Embedded ${prepared.records.length} personas in ${Math.round(performance.now() - t0)} ms`, elapsedMs: performance.now() - t0 });

    const out: TargetStageTarget[] = [];
    for (const [k, t] of input.targets.entries()) {
      throwIfAborted(signal);
      await services.targets?.putTarget(t.spec);
      const progress: ProgressCallback = (p) => onProgress?.({ ...p, counts: { ...p.counts, target: k + 1, targets: input.targets.length } });
      const build = async (): Promise<{ result: TargetResult; manifest: TargetManifest }> => {
        const reference = await loadTargetReference(t.reference, services);
        const result = await buildTarget(signal, prepared, t.spec, reference, core, progress);
        return { result, manifest: await buildTargetManifest(prepared, result, services.topKBackend ?? 'cpu') };
      };
      if (!services.runs) {
        out.push({ ...(await build()), runId: undefined, storeError: undefined });
        continue;
      }
      out.push(await recorded(signal, services.runs, (services.newRunId ?? newTargetRunId)(), input, t, prepared, build));
    }
    return { prepared, targets: out };
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

/** The core's services over the app's: the align worker as a RunAlignFn. */
export function coreServices(s: TargetStageServices): TargetServices {
  const align: RunAlignFn | undefined = s.align
    ? async (pool, reference, options, signal, onProgress) => {
        const o = await s.align!.run({ pool, reference, options }, onProgress, signal);
        return { result: o.result, backend: o.backend.used };
      }
    : undefined;
  return {
    embedder: s.embedder,
    ...(s.adapter ? { adapter: s.adapter } : {}),
    ...(s.topK ? { topK: s.topK } : {}),
    ...(s.topKBackend ? { topKBackend: s.topKBackend } : {}),
    ...(align ? { align } : {}),
  };
}

async function recorded(
  signal: AbortSignal | undefined,
  runs: RunRecorder,
  runId: string,
  input: TargetStageInput,
  target: TargetStageInput['targets'][number],
  prepared: PreparedPool,
  build: () => Promise<{ result: TargetResult; manifest: TargetManifest }>,
): Promise<TargetStageTarget> {
  return runs.withRunLock(runId, async () => {
    const stamp = new Date().toISOString();
    // The request as a plain object: one target, with the pool and embedder it was built on.
    const request = { pool: input.pool, embedderId: input.embedderId, adapter: input.adapter, target };
    const base: StoredRun = { id: runId, kind: 'target', status: 'running', title: targetRunTitle(target.spec, prepared.name), createdAt: stamp, updatedAt: stamp, request, targetId: target.spec.id };
    await runs.putRun(base);
    let built: { result: TargetResult; manifest: TargetManifest };
    try {
      built = await build();
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      const status = err.name === 'AbortError' || signal?.aborted ? 'cancelled' : 'failed';
      await runs.putRun({ ...base, status, updatedAt: new Date().toISOString(), error: { name: err.name, message: err.message } }).catch(() => {});
      throw e;
    }
    try {
      await runs.putRun({ ...base, status: 'done', updatedAt: new Date().toISOString(), result: toStoredTargetResult(prepared, built.result, built.manifest) });
      return { ...built, runId, storeError: undefined };
    } catch (e) {
      const storeError = e instanceof Error ? e : new Error(String(e));
      await runs.putRun({ ...base, status: 'failed', updatedAt: new Date().toISOString(), error: { name: storeError.name, message: storeError.message } }).catch(() => {});
      return { ...built, runId, storeError };
    }
  });
}

/**
 * The StoredRunResult of a target build: the pool is every persona with traits, the selection is
 * retrieval + re-alignment, the baseline the seeded random subset, the reference the held-out part
 * it was judged against; `diagnostics.pool` is the eligible personas (after the filters).
 */
export function toStoredTargetResult(prepared: PreparedPool, r: TargetResult, manifest: TargetManifest): StoredRunResult {
  return {
    manifest: JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>,
    poolIds: prepared.records.map((p) => p.id),
    pool: { points: prepared.cloud.points, weights: prepared.cloud.weights, n: prepared.cloud.n },
    reference: { points: r.judgedReference.points, weights: r.judgedReference.weights, n: r.judgedReference.n },
    selected: r.selections.realigned.indices,
    randomIndices: r.selections.random.indices,
    diagnostics: {
      pool: r.eligibleDiagnostics,
      random: r.selections.random.diagnostics,
      selected: r.selections.realigned.diagnostics,
      ...(r.floor ? { floor: r.floor } : {}),
      unit: r.unit,
    },
    records: prepared.records,
  };
}

/** "adults in East Asia · K=100 · top 300 · nearest · demo personas". */
export function targetRunTitle(spec: TargetSpec, poolName: string): string {
  return `${spec.query} · K=${spec.size} · ${candidateRuleText(spec.candidates)} · ${spec.method} · ${poolName}`;
}

export function newTargetRunId(): string {
  const rnd = new Uint32Array(2);
  crypto.getRandomValues(rnd);
  return `target-${Date.now().toString(36)}-${rnd[0]!.toString(36)}${rnd[1]!.toString(36)}`;
}

/** "lexical" matches any fit of the lexical embedder; a model id matches itself (with or without @dtype). */
function sameModel(loaded: string, wanted: string): boolean {
  if (wanted === 'lexical') return loaded.startsWith('lexical');
  return loaded === wanted || loaded.split('@')[0] === wanted.split('@')[0];
}
