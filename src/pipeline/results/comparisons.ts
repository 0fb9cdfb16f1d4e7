/**
 * The IS-only and IS + OT baselines of METHOD.md §7 for a stored run, computed on demand from its
 * stored pool and reference with the run's seed, size and shared options, through an AlignRunner
 * (in the app the align worker: WebGPU or the CPU, with progress and cancel).
 *
 * Fair yardstick. The stored reference is what the run was judged against (its held-out part).
 * Matching the baselines to those same points and judging them there would flatter them (an
 * in-sample score), so the stored reference is split once more, seeded: the baselines match one
 * half and ALL five sets — raw pool, random subset, IS, IS + OT and the run's own selection — are
 * judged against the other half, with a sampling floor on the same yardstick. No set was matched
 * to the points it is judged on, unless the run itself was evaluated in-sample (holdout 0): then
 * `runMatchedJudged` is true and the view says the run's numbers are optimistic.
 */
import { throwIfAborted } from '../../core/errors';
import { evaluationReference } from '../../core/align/holdout';
import type { AlignResult } from '../../core/align/methods';
import type { ProgressCallback } from '../../contracts/progress';
import type { AlignRunner } from '../align-runner';
import { diagnoseRun, DIAGNOSTICS_MAX_REFERENCE, type AlignDiagnostics } from '../align-stage';
import { diagnose, selectedCloud } from '../../core/align/diagnostics';
import { applyStandardizer, standardizerOf } from '../../core/align/stats';
import { systematicSample } from '../../core/align/plan';
import { subsetCloud } from '../../core/cloud';
import type { RunData } from './run-data';

/** Share of the stored reference the baselines match to; the rest is the comparison's yardstick. */
export const COMPARISON_MATCH_SHARE = 0.5;

export interface BaselineSelection {
  method: 'is' | 'is+ot';
  selected: Int32Array;
  /** The pool marginal the method used (IS weights), Σ = 1. */
  weights: Float64Array;
  ess: number;
  /** IS weights that hit the trimming cap. */
  trimmed: number;
  bandwidth: number | undefined;
  backend: string;
}

export interface Comparison {
  is: BaselineSelection;
  isOt: BaselineSelection;
  /** Diagnostics of raw pool, random subset and the run's selection (with floor) against the yardstick half. */
  run: AlignDiagnostics;
  /** The same yardstick for the two baselines (their `selected`); pool/random/floor are shared with `run`. */
  isDiagnostics: AlignDiagnostics['selected'];
  isOtDiagnostics: AlignDiagnostics['selected'];
  /** Points the baselines matched to / everything was judged against. */
  matchN: number;
  judgedN: number;
  /** True when the run was evaluated in-sample, so its selection was matched to the yardstick points too. */
  runMatchedJudged: boolean;
}

function baseline(method: 'is' | 'is+ot', r: AlignResult, backend: string): BaselineSelection {
  return { method, selected: r.selected, weights: r.weights, ess: r.ess, trimmed: r.importance?.trimmed ?? 0, bandwidth: r.bandwidth, backend };
}

export async function computeComparison(signal: AbortSignal | undefined, data: RunData, runner: AlignRunner, onProgress?: ProgressCallback): Promise<Comparison> {
  const t0 = performance.now();
  const step = (done: number, text: string): void => onProgress?.({ stage: 'comparison', done, total: 4, unit: 'steps', text, elapsedMs: performance.now() - t0 });
  const ev = evaluationReference(data.reference, COMPARISON_MATCH_SHARE, data.seed);
  const options = { ...data.shared, size: data.size, seed: data.seed };
  step(0, 'IS only: importance weights and sampling…');
  const is = await runner.run({ pool: data.pool, reference: ev.match, options: { ...options, method: 'is' } }, undefined, signal);
  throwIfAborted(signal);
  step(1, 'IS + OT: importance weights, Sinkhorn and matching…');
  const isOt = await runner.run({ pool: data.pool, reference: ev.match, options: { ...options, method: 'is+ot' } }, onProgress, signal);
  throwIfAborted(signal);
  step(2, 'Diagnostics of the five sets on the same yardstick…');
  const run = await diagnoseRun(signal, data.pool, ev, data.selected, data.randomIndices, data.seed);
  // The baselines on exactly diagnoseRun's yardstick: z-scored by the judged points (subsampled as it does).
  const z = standardizerOf(ev.heldOut);
  const big = ev.heldOut.n > DIAGNOSTICS_MAX_REFERENCE;
  const judged = applyStandardizer(big ? subsetCloud(ev.heldOut, systematicSample(ev.heldOut.weights, DIAGNOSTICS_MAX_REFERENCE, data.seed)) : ev.heldOut, z);
  const pool = applyStandardizer(data.pool, z);
  step(3, 'Diagnostics: IS only and IS + OT…');
  await new Promise((r) => setTimeout(r, 0));
  throwIfAborted(signal);
  const a = diagnose(selectedCloud(pool, is.result.selected), judged, { seed: data.seed });
  const b = diagnose(selectedCloud(pool, isOt.result.selected), judged, { seed: data.seed });
  step(4, 'Done.');
  return {
    is: baseline('is', is.result, is.backend.used),
    isOt: baseline('is+ot', isOt.result, isOt.backend.used),
    run,
    isDiagnostics: a,
    isOtDiagnostics: b,
    matchN: ev.match.n,
    judgedN: ev.heldOut.n,
    runMatchedJudged: data.holdout === 0,
  };
}
