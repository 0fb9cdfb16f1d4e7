/**
 * The import worker's API object (workers/import.worker.ts exposes it with comlink; tests call it
 * directly in the page). One import at a time, all-or-nothing:
 *
 * 1. a corpus record with status 'importing' (invisible to lists) is written first;
 * 2. readCorpus streams the sources into a PostWriter, which writes posts in batches and tallies
 *    authors in memory;
 * 3. the authors and the record, now 'ready', are written in one transaction, so the corpus appears
 *    complete or not at all;
 * 4. on cancel or any failure every row with the new corpus id is deleted, so the database ends
 *    exactly as before the import. Should that cleanup itself be cut short (tab closed), the record
 *    is still 'importing' and cleanupInterrupted() removes the rest at the next start.
 */
import type { CorpusSource } from '../contracts/corpus';
import type { CorpusInfo, ImportRequest, ImportWorkerApi } from '../contracts/corpus-store';
import type { Progress, ProgressCallback } from '../contracts/progress';
import { previewSource, readCorpus } from '../core/corpus';
import { AppError } from '../core/errors';
import { singleJob } from '../core/single-job';
import { purgeCorpus } from './corpus-store';
import type { AppDb } from './db';
import { importFailure, throttleProgress } from './import-failure';
import { LazyDb } from './lazy-db';
import { withCorpusLock } from './locks';
import { PostWriter, type PostWriterOptions } from './post-writer';

export interface ImportApiOptions {
  /** Database name (default: the app's); tests and benches use their own. */
  dbName?: string;
  /** Least time between two progress messages (default 100 ms); the last one is always sent. */
  progressIntervalMs?: number;
  /** Batch sizes and the test hook that can fail a batch write (see PostWriterOptions). */
  writer?: PostWriterOptions;
}

/** ImportWorkerApi plus the database choice, which only tests and benches change. */
export interface ImportApi extends ImportWorkerApi {
  /** Uses database `name` for the following calls (not while an import runs). */
  useDatabase(name: string): void;
}

/** The import API object; one per worker (or per test). */
export function createImportApi(options: ImportApiOptions = {}): ImportApi {
  const conn = new LazyDb(options.dbName);
  const jobs = singleJob();

  return {
    useDatabase(name: string): void {
      if (jobs.busy) throw new AppError('InputError', 'Cannot switch databases while an import runs; cancel it first.');
      conn.use(name);
    },

    importCorpus(req: ImportRequest, onProgress: ProgressCallback): Promise<CorpusInfo> {
      return jobs.run('An import is already running: wait for it to finish or cancel it.', async (signal) => {
        if (req.sources.length === 0) throw new AppError('InputError', 'No files to import: choose or drop at least one file.');
        const db = await conn.get();
        const id = crypto.randomUUID();
        // Held until the import is stored or rolled back: cleanup elsewhere leaves it alone.
        return await withCorpusLock(db, id, () => runImport(db, id, req, onProgress, signal, options));
      });
    },

    cancel(): void {
      jobs.cancel();
    },

    preview(source, format) {
      return previewSource(source, format);
    },
  };
}

const CORPUS_FAILURE = {
  quota:
    'Browser storage is full: the corpus did not fit in the space this browser allows the app. Free space ' +
    "(delete corpora you no longer need, or other sites' data) or request persistent storage, then try again; " +
    'nothing was imported.',
  storing: 'store the imported corpus',
};

async function runImport(
  db: AppDb,
  id: string,
  req: ImportRequest,
  onProgress: ProgressCallback,
  signal: AbortSignal,
  options: ImportApiOptions,
): Promise<CorpusInfo> {
  const started = performance.now();
  const info: CorpusInfo = {
    id,
    name: req.name,
    createdAt: Date.now(),
    status: 'importing',
    files: req.sources.map((s) => ({ name: s.name, size: s.size })),
    formats: [],
    authors: 0,
    posts: 0,
    words: 0,
    dateMin: null,
    dateMax: null,
    metaKeys: [],
    skippedCount: 0,
    skipped: [],
  };
  const progress = throttleProgress(onProgress, options.progressIntervalMs ?? 100);
  let last: Progress = { stage: 'import', done: 0, text: 'Starting import', elapsedMs: 0, unit: 'bytes' };
  const report = (p: Progress, force = false): void => {
    last = p;
    progress(p, force);
  };

  try {
    await db.put('corpora', info);
  } catch (e) {
    throw importFailure(e, signal, CORPUS_FAILURE);
  }
  const writer = new PostWriter(db, info.id, {
    ...options.writer,
    onBatchWritten: (written) => {
      options.writer?.onBatchWritten?.(written);
      report(withWritten(last, written, started));
    },
  });

  try {
    const sources = req.sources.map((s) => gated(s, () => writer.gate(), signal));
    const summary = await readCorpus(
      sources,
      writer.sink,
      { format: req.format, mapping: req.mapping },
      signal,
      (p) => report(withWritten(p, writer.postsWritten, started)),
    );
    await writer.finish();
    if (signal.aborted) throw new AppError('AbortError', 'Cancelled.');

    report({ ...withWritten(last, writer.postsWritten, started), text: 'Saving author summaries' }, true);
    const authors = writer.authorSummaries();
    const metaKeys = new Set<string>();
    let words = 0;
    let dateMin: string | null = null;
    let dateMax: string | null = null;
    for (const a of authors) {
      for (const k of Object.keys(a.meta)) metaKeys.add(k);
      words += a.words;
      if (a.dateMin !== null && (dateMin === null || a.dateMin < dateMin)) dateMin = a.dateMin;
      if (a.dateMax !== null && (dateMax === null || a.dateMax > dateMax)) dateMax = a.dateMax;
    }
    const ready: CorpusInfo = {
      ...info,
      status: 'ready',
      formats: Object.keys(summary.byFormat) as CorpusInfo['formats'],
      authors: authors.length,
      posts: writer.postsWritten,
      words,
      dateMin,
      dateMax,
      metaKeys: [...metaKeys].sort(),
      skippedCount: summary.skippedCount,
      skipped: summary.skipped,
    };
    // Authors and the 'ready' record in one transaction: the corpus becomes visible complete.
    const tx = db.transaction(['authors', 'corpora'], 'readwrite');
    const authorStore = tx.objectStore('authors');
    for (const a of authors) void authorStore.put(a).catch(() => {}); // tx.done reports the failure
    void tx.objectStore('corpora').put(ready).catch(() => {});
    await tx.done;
    report({ ...withWritten(last, writer.postsWritten, started), text: `Imported ${ready.posts} posts by ${ready.authors} authors` }, true);
    return ready;
  } catch (e) {
    const err = importFailure(e, signal, CORPUS_FAILURE);
    await writer.settle();
    try {
      await purgeCorpus(db, info.id);
    } catch (cleanup) {
      // The record is still 'importing', so cleanupInterrupted() finishes this at the next start.
      console.warn('Rolling back the failed import did not finish; it will be cleaned up at the next start.', cleanup);
    }
    throw err;
  }
}

function withWritten(p: Progress, written: number, started: number): Progress {
  return { ...p, stage: 'import', elapsedMs: performance.now() - started, counts: { ...p.counts, written } };
}

/**
 * A source whose stream waits for `gate` (write backpressure) and the signal before each chunk, so
 * a cancel or a failed write stops the parser at its next read.
 */
function gated(source: CorpusSource, gate: () => Promise<void>, signal: AbortSignal): CorpusSource {
  return {
    name: source.name,
    size: source.size,
    stream(): ReadableStream<Uint8Array> {
      const reader = source.stream().getReader();
      return new ReadableStream<Uint8Array>(
        {
          async pull(ctrl) {
            if (signal.aborted) throw new AppError('AbortError', 'Cancelled.');
            await gate();
            let r: ReadableStreamReadResult<Uint8Array>;
            try {
              r = await reader.read();
            } catch (e) {
              // Chromium reports an unreadable File as "network error" (NotReadableError elsewhere).
              const why = e instanceof Error ? e.message : String(e);
              throw new AppError(
                'InputError',
                `could not read the file (${why}); it may have been moved, changed or deleted since it was chosen. Choose it again.`,
                { file: source.name },
              );
            }
            if (r.done) ctrl.close();
            else ctrl.enqueue(r.value);
          },
          cancel(reason) {
            return reader.cancel(reason);
          },
        },
        { highWaterMark: 0 },
      );
    },
  };
}
