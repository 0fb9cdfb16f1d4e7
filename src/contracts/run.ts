/**
 * A stored Align or Target run (store `runs`, v4): what the user asked for, where it stands, and
 * — once done — everything the Results view, the exports, the report page and project bundles
 * need without recomputing (pool and reference points, selection, weights, diagnostics, manifest).
 *
 * Writers: the Align stage (src/pipeline/align-stage.ts via src/storage/run-store.ts) and the
 * Target stage. Readers: Results, exports, bundles. A run stays `running` while it is computed; a
 * reload finds it there and offers to resume it (same seed, same inputs ⇒ same selection).
 */
import type { PersonaRecord } from './persona';
import type { Diagnostics } from '../core/align/diagnostics';

export type RunKind = 'align' | 'target';
export type RunStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface RunPointSet {
  /** n × 5 trait scores (TRAITS order, 1–5 Likert means), row-major. */
  points: Float32Array;
  weights: Float64Array;
  n: number;
}

export interface StoredRunResult {
  /** The run manifest (src/pipeline/align-manifest.ts RunManifest, or the target's), as plain JSON. */
  manifest: Record<string, unknown>;
  /** Pool row ids (persona ids, CSV ids or "row N"), pool order. */
  poolIds: string[];
  pool: RunPointSet;
  /** The reference the run was judged against (held-out part; a seeded subsample when large). */
  reference: RunPointSet;
  /** Pool indices of the selected set, ascending. */
  selected: Int32Array;
  /** Pool indices of the seeded random baseline of the same size. */
  randomIndices: Int32Array;
  /** Importance weights over the pool when the method computed them (IS, IS+OT), else undefined. */
  importanceWeights?: Float64Array;
  ess?: number;
  /** Diagnostics against the reference: raw pool, random subset, selected set, sampling floor. */
  diagnostics: { pool: Diagnostics; random: Diagnostics; selected: Diagnostics; floor?: Diagnostics; unit: string };
  /** Persona records of the pool when it was a persona set (JSONL, stored set), for browsing and exports. */
  records?: PersonaRecord[];
}

export interface StoredRun {
  id: string;
  kind: RunKind;
  status: RunStatus;
  /** Short label for lists, e.g. "nearest · K=300 · demo personas vs builtin:world". */
  title: string;
  createdAt: string;
  updatedAt: string;
  /** The request as given (AlignStageInput for align runs; serialisable, may hold a Blob). */
  request: unknown;
  result?: StoredRunResult;
  error?: { name: string; message: string };
  /** For target runs: the target id (store `targets`). */
  targetId?: string;
}
