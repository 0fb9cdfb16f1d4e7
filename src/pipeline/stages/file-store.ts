/**
 * Node only: the MemoryPipelineStore journalled to DIR/journal.jsonl (append-only, one fsync'd
 * line per change), so `npm run pipeline` resumes from DIR after a crash or Ctrl-C.
 *
 * On open the journal is replayed (read in chunks: it may exceed the largest string V8 allows)
 * and then compacted: the current state is written to journal.jsonl.tmp and renamed over the
 * journal, so each persona appears once however many stages and runs rewrote it. A crash during
 * compaction leaves the old journal in place.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { AppError } from '../../core/errors';
import { join } from 'node:path';
import { MemoryPipelineStore } from './memory-store';

export const JOURNAL_FILE = 'journal.jsonl';

export interface FileStoreOptions {
  /**
   * fsync each result line (default true): a done item survives a power cut. Every line is written
   * with one write() call, so all of them survive a crash of the process.
   */
  fsync?: boolean;
  /** Rewrite the journal as a snapshot on open (default true). */
  compact?: boolean;
}

/** Lines of a file, read in 16 MiB chunks; a torn (unterminated) last line is yielded too. */
function* fileLines(path: string): Generator<string> {
  const fd = openSync(path, 'r');
  const buf = Buffer.alloc(16 << 20);
  const decoder = new TextDecoder();
  let rest = '';
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      const text = rest + decoder.decode(buf.subarray(0, n), { stream: true });
      const lines = text.split('\n');
      rest = lines.pop()!;
      yield* lines;
    }
    rest += decoder.decode();
    if (rest) yield rest;
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, text: string, sync: boolean): void {
  writeSync(fd, text);
  if (sync) fsyncSync(fd);
}

export function openFileStore(dir: string, options: FileStoreOptions = {}): MemoryPipelineStore {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, JOURNAL_FILE);
  const sync = options.fsync ?? true;
  const replayed = existsSync(path) ? MemoryPipelineStore.replay(fileLines(path)) : new MemoryPipelineStore();
  if (existsSync(path) && (options.compact ?? true)) {
    const tmp = path + '.tmp';
    const fdTmp = openSync(tmp, 'w');
    try {
      for (const e of replayed.snapshot()) writeSync(fdTmp, JSON.stringify(e) + '\n');
      fsyncSync(fdTmp);
    } finally {
      closeSync(fdTmp);
    }
    renameSync(tmp, path);
  }
  const fd = openSync(path, 'a');
  // Without compaction a torn last line must not glue onto the next append: end it first.
  if (replayed.skippedLines > 0 && !(options.compact ?? true)) writeAll(fd, '\n', sync);
  replayed.attachJournal({
    append(line: string, durable: boolean): void {
      writeAll(fd, line, sync && durable);
    },
    close(): void {
      closeSync(fd);
    },
  });
  return replayed;
}

export const LOCK_FILE = 'pipeline.lock';

/**
 * One writer per DIR across processes: creates DIR/pipeline.lock holding this process's pid
 * (exclusive create). A lock left by a process that is gone (crash, kill -9) is taken over.
 * Returns the release function.
 */
export function lockDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new AppError('StorageError', `${dir} is in use by another pipeline run (process ${pid}); wait for it to finish or use another --out.`);
      }
      rmSync(path, { force: true }); // stale: its process is gone
    }
  }
  throw new AppError('StorageError', `Could not lock ${dir}; remove ${path} if no pipeline is running.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
