/**
 * A run whose pool was an imported persona set goes back to that set's own file format: every
 * persona of the set in the layout its mapping describes, with `persona_align_selected` and
 * `persona_align_weight` added (src/core/persona-import/export-records.ts). The set's mapping and
 * file format are read from the `personaSets` store; the personas from the run when it stored them.
 */
import type { PersonaRecord } from '../../contracts/persona';
import type { PersonaSetInfo } from '../../contracts/persona-set';
import type { StoredRun } from '../../contracts/run';
import { AppError } from '../../core/errors';
import { alignedName, exportRecordsAs, type PersonaFileFormat, type PersonaMapping } from '../../core/persona-import';
import { finalSetRows } from '../../core/export/final-set';
import { openAppDb } from '../../storage/db';
import { isPersonaSetId } from '../../storage/persona-set-store';
import { loadStoredPool } from '../../storage/persona-set-pools';

export interface SourceFormat {
  set: PersonaSetInfo;
  format: PersonaFileFormat;
  mapping: PersonaMapping;
  /** Every alignable persona of the set, ids as in its file. */
  records: PersonaRecord[];
}

/** The stored pool an Align or Target run was asked for, when it was one. */
export function storedPoolOf(run: StoredRun): { ownerId: string; dbName?: string } | undefined {
  const pool = (run.request as { pool?: { kind?: unknown; ownerId?: unknown; dbName?: unknown } } | undefined)?.pool;
  if (pool?.kind !== 'stored' || typeof pool.ownerId !== 'string') return undefined;
  return { ownerId: pool.ownerId, ...(typeof pool.dbName === 'string' ? { dbName: pool.dbName } : {}) };
}

/** The set behind a run's pool, or undefined when the pool was not an imported set (or the set is gone). */
export async function loadSourceFormat(run: StoredRun, dbName?: string): Promise<SourceFormat | undefined> {
  const pool = storedPoolOf(run);
  if (!pool || !isPersonaSetId(pool.ownerId)) return undefined;
  const db = await openAppDb(pool.dbName ?? dbName);
  try {
    const set = await db.get('personaSets', pool.ownerId);
    if (!set || set.status !== 'ready') return undefined;
    const records = run.result?.records ?? (await loadStoredPool(db, pool.ownerId)).personas;
    return { set, format: set.file.format as PersonaFileFormat, mapping: set.mapping as unknown as PersonaMapping, records };
  } finally {
    db.close();
  }
}

/** The set in its own format, selected personas marked; weight = the importance weight when the method had one, else 1. */
export function sourceFormatFile(run: StoredRun, src: SourceFormat): { filename: string; mime: string; data: Uint8Array } {
  if (!run.result || run.status !== 'done') throw new AppError('InputError', `Run "${run.title}" has not finished; export it once it is done.`);
  const selection = new Map(finalSetRows(run.result, run, src.records).map((r) => [r.id, r.importanceWeight ?? r.weight]));
  const data = exportRecordsAs(src.records, src.mapping, src.format, selection);
  return { filename: alignedName(src.set.file.name), mime: MIME[src.format] ?? 'application/octet-stream', data };
}

const MIME: Partial<Record<PersonaFileFormat, string>> = {
  jsonl: 'application/x-ndjson',
  json: 'application/json',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  parquet: 'application/vnd.apache.parquet',
};
