/**
 * The rows every export of a final (selected) persona set is written from: one per selected pool
 * index, with the persona record when the pool was a persona set, trait scores, percentiles
 * against the run's reference points, weight, group and provenance ids. Pure: formats only
 * serialise these rows, so every format carries the same numbers.
 */
import type { PersonaRecord } from '../../contracts/persona';
import type { StoredRun, StoredRunResult } from '../../contracts/run';
import { AppError } from '../errors';
import { TRAITS, type Trait, type TraitVector } from '../traits';
import { referencePercentiles } from './percentiles';

export interface FinalSetRow {
  /** Persona id (or the pool's row id for trait-only pools). */
  id: string;
  /** Pool index of this row (0-based). */
  poolIndex: number;
  /** The narrative; '' when the pool had no persona records. */
  text: string;
  meta: Record<string, string>;
  traits: TraitVector;
  /** Mid-rank percentile (0–100) of each trait among the run's reference points (weighted). */
  percentiles: TraitVector;
  /** Weight of this persona in the final set: 1 (the selection is an unweighted sample). */
  weight: number;
  /** The pool's importance weight, mean-normalised to 1 over the pool, when the method computed one. */
  importanceWeight: number | null;
  /** Target group (meta.group), or the run's target id for target runs; '' when none. */
  group: string;
  provenance: FinalSetProvenance;
  record: PersonaRecord | undefined;
}

export interface FinalSetProvenance {
  /** 'mined' | 'imported' | 'demo' | 'pool-row' (a trait CSV pool). */
  sourceKind: string;
  /** corpusId/author, file name (#sha256), or generator@version. */
  sourceId: string;
  runId: string;
  /** SHA-256 of the pool input and of the selection (from the run manifest), '' when absent. */
  poolSha256: string;
  selectedSha256: string;
}

export interface FinalSet {
  runId: string;
  title: string;
  /** Method, seed, reference name: what a header line or a file name needs. */
  method: string;
  referenceName: string;
  rows: FinalSetRow[];
}

/**
 * The final set of a finished run; an InputError when the run has no result yet. `records` are
 * the pool's persona records when the run did not store them (e.g. a stored persona set's pool,
 * read from the persona store); the run's own `result.records` win otherwise.
 */
export function finalSetOf(run: StoredRun, records?: readonly PersonaRecord[]): FinalSet {
  const r = run.result;
  if (!r || run.status !== 'done') throw new AppError('InputError', `Run "${run.title}" has not finished; export it once it is done.`);
  return { runId: run.id, title: run.title, method: str(r.manifest.method), referenceName: referenceNameOf(r.manifest), rows: finalSetRows(r, run, records) };
}

export function finalSetRows(r: StoredRunResult, run: Pick<StoredRun, 'id' | 'targetId'>, records?: readonly PersonaRecord[]): FinalSetRow[] {
  const d = TRAITS.length;
  if (r.pool.points.length !== r.pool.n * d) throw new AppError('FormatError', `Run ${run.id}: pool points do not match n × ${d}.`);
  const byId = new Map((r.records ?? records ?? []).map((p) => [p.id, p]));
  const pct = referencePercentiles(r.reference.points, r.reference.weights, r.reference.n);
  const iw = r.importanceWeights;
  const iwMean = iw && iw.length > 0 ? iw.reduce((s, v) => s + v, 0) / iw.length : 0;
  const result = (r.manifest.result ?? {}) as Record<string, unknown>;
  const inputs = (r.manifest.inputs ?? {}) as { pool?: { sha256?: unknown } };
  const poolSha256 = str(inputs.pool?.sha256);
  const selectedSha256 = str(result.selectedSha256);
  return Array.from(r.selected, (i) => {
    if (!Number.isInteger(i) || i < 0 || i >= r.pool.n) throw new AppError('FormatError', `Run ${run.id}: selected index ${i} is outside the pool (n = ${r.pool.n}).`);
    const traits = {} as TraitVector;
    const percentiles = {} as TraitVector;
    TRAITS.forEach((t: Trait, k) => {
      const v = r.pool.points[i * d + k]!;
      traits[t] = v;
      percentiles[t] = pct(k, v);
    });
    const id = r.poolIds[i] ?? `row ${i + 1}`;
    const record = byId.get(id);
    const group = record?.meta.group ?? run.targetId ?? '';
    const iwv = iw && iwMean > 0 && Number.isFinite(iw[i]!) ? iw[i]! / iwMean : null;
    return {
      id,
      poolIndex: i,
      text: record?.text ?? '',
      meta: { ...(record?.meta ?? {}) },
      traits,
      percentiles,
      weight: 1,
      importanceWeight: iwv,
      group,
      provenance: { ...sourceOf(record), runId: run.id, poolSha256, selectedSha256 },
      record,
    };
  });
}

function sourceOf(p: PersonaRecord | undefined): { sourceKind: string; sourceId: string } {
  if (!p) return { sourceKind: 'pool-row', sourceId: '' };
  const s = p.source;
  switch (s.kind) {
    case 'mined':
      return { sourceKind: 'mined', sourceId: `${s.corpusId}/${s.author}` };
    case 'imported':
      return { sourceKind: 'imported', sourceId: s.sha256 ? `${s.file}#${s.sha256}` : s.file };
    case 'demo':
      return { sourceKind: 'demo', sourceId: `${s.generator}@${s.version}` };
  }
}

function referenceNameOf(m: Record<string, unknown>): string {
  const inputs = m.inputs as { reference?: { name?: unknown } } | undefined;
  return str(inputs?.reference?.name);
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}
