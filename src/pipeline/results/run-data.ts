/**
 * A stored run (src/contracts/run.ts) as the Results view reads it: clouds rebuilt from the stored
 * arrays, what the manifest says about method, seed, size and evaluation, and the series the
 * density plot overlays. Manifest fields are read defensively: it is plain JSON written by the
 * Align or Target stage, possibly by an older version.
 */
import { AppError } from '../../core/errors';
import { makeCloud, subsetCloud, type WeightedCloud } from '../../core/cloud';
import type { StoredRun, StoredRunResult } from '../../contracts/run';
import type { ImportanceOptions } from '../../core/align/weights';
import type { SinkhornOptions } from '../../core/align/sinkhorn';
import type { EvaluationInfo } from '../../core/align/holdout';

export interface RunData {
  run: StoredRun;
  result: StoredRunResult;
  pool: WeightedCloud;
  reference: WeightedCloud;
  selected: Int32Array;
  randomIndices: Int32Array;
  method: string;
  seed: number;
  size: number;
  /** Share of the reference the run held out (0 = in-sample); undefined when the manifest does not say. */
  holdout: number | undefined;
  /** The manifest's evaluation record ({ holdout, heldOut, match, seed }) when it has a complete one. */
  evaluation: EvaluationInfo | undefined;
  /** Options shared by the comparison methods (standardisation, IS, Sinkhorn), as the run used them. */
  shared: { standardize?: boolean; importance?: ImportanceOptions; sinkhorn?: Omit<SinkhornOptions, 'marginals'> };
  /** The trimming multiple k when the run's IS weights were capped at k × mean (balance's default 20). */
  trimMultiple: number | undefined;
}

function rec(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** The trimming multiple an ImportanceOptions implies (default: mean-multiple 20, as src/core/align/weights.ts). */
export function trimMultipleOf(importance: ImportanceOptions | undefined): number | undefined {
  const t = importance?.trim;
  if (t === undefined) return 20;
  return t.kind === 'mean-multiple' ? t.k : undefined;
}

export function runData(run: StoredRun): RunData {
  const r = run.result;
  if (!r || run.status !== 'done') throw new AppError('InputError', `Run "${run.title}" has no result (status ${run.status}); pick a finished run.`);
  const pool = makeCloud(r.pool.points, 5, r.pool.weights, 'stored pool');
  const reference = makeCloud(r.reference.points, 5, r.reference.weights, 'stored reference');
  const m = rec(r.manifest);
  const opts = rec(m['options']);
  // Align manifests keep it under result.evaluation, target manifests at the top level.
  const evaluation = rec(rec(m['result'])['evaluation'] ?? m['evaluation']);
  const importance = opts['importance'] as ImportanceOptions | undefined;
  const shared: RunData['shared'] = {};
  if (typeof opts['standardize'] === 'boolean') shared.standardize = opts['standardize'];
  if (importance) shared.importance = importance;
  if (opts['sinkhorn'] && typeof opts['sinkhorn'] === 'object') shared.sinkhorn = opts['sinkhorn'] as RunData['shared']['sinkhorn'];
  return {
    run,
    result: r,
    pool,
    reference,
    selected: r.selected,
    randomIndices: r.randomIndices,
    method: typeof m['method'] === 'string' ? m['method'] : run.kind,
    seed: num(m['seed']) ?? num(opts['seed']) ?? 1,
    size: r.selected.length,
    holdout: num(evaluation['holdout']) ?? num(opts['holdout']),
    evaluation: ['holdout', 'heldOut', 'match', 'seed'].every((k) => num(evaluation[k]) !== undefined) ? (evaluation as unknown as EvaluationInfo) : undefined,
    shared,
    trimMultiple: trimMultipleOf(importance),
  };
}

/** The selected rows as a uniformly weighted cloud. */
export function selectionCloud(d: RunData, rows: ArrayLike<number> = d.selected): WeightedCloud {
  return subsetCloud(d.pool, rows);
}
