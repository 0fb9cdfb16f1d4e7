/**
 * The persona import worker's API object (workers/persona-import.worker.ts exposes it with
 * comlink; tests call it directly in the page). One import at a time, all-or-nothing, like the
 * corpus import (./import-job.ts):
 *
 * 1. a set record with status 'importing' (invisible to lists) is written first;
 * 2. readPersonaRecords (src/core/persona-import) streams the file batch by batch; each batch is
 *    written while the next one is parsed (one write in flight), so memory holds two batches,
 *    never the set;
 * 3. the record, now 'ready' with its counts and the file's SHA-256, is written last, so the set
 *    appears complete or not at all;
 * 4. on cancel or any failure every persona with the new set id is deleted along with the record.
 *    Should that cleanup itself be cut short (tab closed, worker killed), the record is still
 *    'importing' and cleanupInterruptedSets() removes the rest at the next start.
 */
import type { PersonaRecord } from '../contracts/persona';
import type { PersonaSetInfo } from '../contracts/persona-set';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import { singleJob } from '../core/single-job';
import { blobSource, previewPersonaFile, readPersonaRecords } from '../core/persona-import';
import type { PersonaFileFormat, PersonaFilePreview, PersonaFileSource, PersonaImportSummary, PersonaMapping } from '../core/persona-import/types';
import type { StoredPersona } from '../core/stages/types';
import type { AppDb } from './db';
import { importFailure, throttleProgress } from './import-failure';
import { LazyDb } from './lazy-db';
import { withCorpusLock } from './locks';
import { importedPersonaId, newPersonaSetId, purgePersonaSet } from './persona-set-store';

export interface PersonaImportRequest {
  /** Display name of the new set. */
  name: string;
  /** The file (a File from an input or a drop, or a Blob with a name). */
  file: Blob & { name: string };
  mapping: PersonaMapping;
  /** The file's syntax; detected from its name and first bytes when absent. */
  format?: PersonaFileFormat;
}

export interface PersonaImportApi {
  /** Uses database `name` for the following calls (not while an import runs). */
  useDatabase(name: string): void;
  /** Streams the file into a new persona set; all-or-nothing. Rejects with AbortError on cancel. */
  importPersonaSet(req: PersonaImportRequest, onProgress: ProgressCallback): Promise<PersonaSetInfo>;
  /** Cooperative cancel of the running import; the store ends exactly as before it started. */
  cancel(): void;
  /** First rows, fields and a suggested mapping, for the mapping dialog. */
  preview(file: Blob & { name: string }, format?: PersonaFileFormat): Promise<PersonaFilePreview>;
}

export interface PersonaImportApiOptions {
  dbName?: string;
  /** Least time between two progress messages (default 100 ms); the last one is always sent. */
  progressIntervalMs?: number;
  /** Records per batch (one readwrite transaction each; default 1000). */
  batchSize?: number;
  /** Test hook, awaited before batch `index` is written: may throw (a full disk) or wait (a slow disk). */
  beforeWrite?: (index: number) => void | Promise<void>;
}

/** A PersonaRecord read from a file as stored: trait scores it came with are kept apart as `givenTraits`. */
export function toStoredPersona(setId: string, r: PersonaRecord): StoredPersona {
  const p: StoredPersona = { ...r, id: importedPersonaId(setId, r.id), corpusId: setId, status: 'mined', stages: {} };
  if (r.traits) p.givenTraits = { ...r.traits };
  return p;
}

function fileSource(file: Blob & { name: string }): PersonaFileSource {
  return blobSource(file, file.name);
}

export function createPersonaImportApi(options: PersonaImportApiOptions = {}): PersonaImportApi {
  const conn = new LazyDb(options.dbName);
  const jobs = singleJob();
  return {
    useDatabase(name: string): void {
      if (jobs.busy) throw new AppError('InputError', 'Cannot switch databases while an import runs; cancel it first.');
      conn.use(name);
    },

    importPersonaSet(req, onProgress) {
      return jobs.run('A persona import is already running: wait for it to finish or cancel it.', async (signal) => {
        if (!(req.file instanceof Blob)) throw new AppError('InputError', 'No file to import: choose a persona file.');
        if (req.mapping.text.length === 0) throw new AppError('InputError', 'Choose at least one text field in the mapping before importing.');
        const db = await conn.get();
        const id = newPersonaSetId();
        // Held until the set is stored or rolled back: start-up cleanup elsewhere leaves it alone.
        return await withCorpusLock(db, id, () => runImport(db, id, req, onProgress, signal, options));
      });
    },

    cancel(): void {
      jobs.cancel();
    },

    preview(file, format) {
      return previewPersonaFile(fileSource(file), format);
    },
  };
}

const PERSONA_FAILURE = {
  quota:
    'Browser storage is full: the persona set did not fit in the space this browser allows the app. Free space ' +
    "(delete persona sets or corpora you no longer need, or other sites' data) or request persistent storage, then try again; nothing was imported.",
  storing: 'store the imported personas',
};

async function runImport(db: AppDb, id: string, req: PersonaImportRequest, onProgress: ProgressCallback, signal: AbortSignal, options: PersonaImportApiOptions): Promise<PersonaSetInfo> {
  const started = performance.now();
  const info: PersonaSetInfo = {
    id,
    name: req.name,
    status: 'importing',
    createdAt: new Date().toISOString(),
    file: { name: req.file.name, bytes: req.file.size, sha256: null, format: req.format ?? 'auto' },
    mapping: req.mapping as unknown as Record<string, unknown>,
    count: 0,
    withTraits: 0,
    skipped: 0,
    skips: [],
  };
  const send = throttleProgress(onProgress, options.progressIntervalMs ?? 100);
  let written = 0;
  let withTraits = 0;
  const report = (bytes: number, extra: Record<string, number>, text: string, force = false): void =>
    send({ stage: 'persona-import', done: bytes, total: req.file.size, unit: 'bytes', text, elapsedMs: performance.now() - started, counts: { personas: written, ...extra } }, force);

  try {
    await db.put('personaSets', info);
  } catch (e) {
    throw importFailure(e, signal, PERSONA_FAILURE);
  }
  let pending: Promise<void> = Promise.resolve();
  let batchIndex = 0;
  let lastYield = performance.now();
  try {
    report(0, {}, 'Reading the file', true);
    const gen = readPersonaRecords(fileSource(req.file), {
      mapping: req.mapping,
      ...(req.format !== undefined ? { format: req.format } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      signal,
    });
    let summary: PersonaImportSummary | undefined;
    for (;;) {
      const next = await gen.next();
      if (next.done) {
        summary = next.value;
        break;
      }
      // Blob reads and parsing may run as microtasks only: yield a task now and then so a cancel message gets in.
      if (performance.now() - lastYield > 50) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
      if (signal.aborted) throw new AppError('AbortError', 'Cancelled.');
      const batch = next.value;
      const rows = batch.records.map((r) => toStoredPersona(id, r));
      const p = batch.progress;
      // One write in flight: wait for the previous batch before this one goes, so a failed write
      // stops the read at once and memory holds at most two batches.
      await pending;
      const index = batchIndex++;
      pending = writeBatch(db, rows, index, options).then(() => {
        written += rows.length;
        withTraits += rows.filter((r) => r.givenTraits).length;
        report(p.bytesRead, { rows: p.rows, skipped: p.skipped }, `Imported ${written} personas`);
      });
      pending.catch(() => {}); // awaited above or below
    }
    await pending;
    if (signal.aborted) throw new AppError('AbortError', 'Cancelled.');
    // Duplicate ids in the file replace earlier rows: the stored count is what the set has.
    const count = await db.countFromIndex('personas', 'corpusId', id);
    const skips = summary.issues.filter((i) => i.outcome === 'skipped').map((i) => ({ line: i.line, reason: i.reason }));
    if (count < written) skips.unshift({ line: 0, reason: `${written - count} rows repeated an earlier row's id and replaced it` });
    const ready: PersonaSetInfo = {
      ...info,
      status: 'ready',
      file: { ...info.file, sha256: summary.sha256 || null, format: summary.format },
      mapping: summary.mapping as unknown as Record<string, unknown>,
      count,
      withTraits: Math.min(withTraits, count),
      skipped: summary.skipped,
      skips: skips.slice(0, 100),
    };
    if (count === 0) throw new AppError('InputError', `No row of ${req.file.name} became a persona (${summary.skipped} skipped${skips[0] ? `, e.g. line ${skips[0].line}: ${skips[0].reason}` : ''}); check the text field in the mapping.`);
    await db.put('personaSets', ready);
    report(summary.bytesRead, { rows: summary.rows, skipped: summary.skipped }, `Imported ${count} personas`, true);
    return ready;
  } catch (e) {
    const err = importFailure(e, signal, PERSONA_FAILURE);
    await pending.catch(() => {});
    try {
      await purgePersonaSet(db, id);
    } catch (cleanup) {
      console.warn('Rolling back the persona import did not finish; it will be cleaned up at the next start.', cleanup);
    }
    throw err;
  }
}

async function writeBatch(db: AppDb, rows: StoredPersona[], index: number, options: PersonaImportApiOptions): Promise<void> {
  await options.beforeWrite?.(index);
  const tx = db.transaction('personas', 'readwrite', { durability: 'relaxed' });
  for (const r of rows) void tx.store.put(r).catch(() => {}); // tx.done reports the failure
  await tx.done;
}
