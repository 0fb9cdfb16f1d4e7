/**
 * In-page half of bench/import.bench.ts: generates the synthetic corpus, imports it through the
 * real ImportService (worker + IndexedDB) and measures what only the page can see: main-thread
 * long tasks and the page's JS heap. Driven from Node through `window.importBench`.
 */
import type { Progress } from '../../src/contracts/progress';
import { nullSink, readCorpus } from '../../src/core/corpus';
import { ImportService } from '../../src/services/import-service';
import { estimateStorage } from '../../src/storage/quota';
import { generateCorpus, type GeneratedCorpus } from './corpus-gen';

export interface GenerateSummary {
  files: number;
  bytes: number;
  authors: number;
  posts: number;
  words: number;
  ms: number;
}

export interface RunSummary {
  ms: number;
  bytes: number;
  posts: number;
  authors: number;
  words: number;
  progressEvents: number;
  /** Longest main-thread task during the import (PerformanceObserver 'longtask', ≥ 50 ms each). */
  maxLongTaskMs: number;
  longTasks: number;
  /** Peak of performance.memory.usedJSHeapSize sampled every 100 ms (page isolate only). */
  pageHeapPeak: number;
  storageUsage: number | null;
}

interface MemoryInfo {
  usedJSHeapSize: number;
}

/** The generated sources: slices of one file in the origin-private file system. */
let corpus: { files: File[]; bytes: number } | undefined;
const OPFS_NAME = 'bench-import-corpus.dat';

function heap(): number {
  return (performance as Performance & { memory?: MemoryInfo }).memory?.usedJSHeapSize ?? 0;
}

/**
 * Generates the corpus into one OPFS file and cuts it into Files (Blob slices, no copies). Disk-
 * backed like files a user picks; ~800 MB of in-memory Blobs instead exhaust Chromium's blob
 * storage and later reads or IndexedDB blob writes fail.
 */
async function generate(form: 'xml' | 'csv', scale: number, seed: number): Promise<GenerateSummary> {
  const t0 = performance.now();
  corpus = undefined;
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(OPFS_NAME).catch(() => {});
  const handle = await root.getFileHandle(OPFS_NAME, { create: true });
  const writable = await handle.createWritable();
  const gen: GeneratedCorpus = await generateCorpus(form, scale, seed, (chunk) => writable.write(chunk));
  await writable.close();
  const file = await handle.getFile();
  const files = gen.entries.map((e) => new File([file.slice(e.start, e.end)], e.name, { type: form === 'xml' ? 'text/xml' : 'text/csv' }));
  corpus = { files, bytes: gen.bytes };
  return { files: files.length, bytes: gen.bytes, authors: gen.authors, posts: gen.posts, words: gen.words, ms: performance.now() - t0 };
}

async function run(dbName: string): Promise<RunSummary> {
  if (!corpus) throw new Error('generate() first');
  const c = corpus;
  const longTasks: number[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) longTasks.push(e.duration);
  });
  observer.observe({ type: 'longtask' });
  let pageHeapPeak = heap();
  const sampler = setInterval(() => {
    pageHeapPeak = Math.max(pageHeapPeak, heap());
  }, 100);
  let progressEvents = 0;
  const status = document.getElementById('status')!;
  const service = new ImportService({ dbName });
  const t0 = performance.now();
  try {
    const info = await service.importCorpus({ name: 'bench', sources: c.files }, (p: Progress) => {
      progressEvents++;
      status.textContent = `${p.text}: ${p.counts?.written ?? 0} posts written`;
    });
    const ms = performance.now() - t0;
    // Let the observer deliver the last entries.
    await new Promise((r) => setTimeout(r, 200));
    const est = await estimateStorage();
    return {
      ms,
      bytes: c.bytes,
      posts: info.posts,
      authors: info.authors,
      words: info.words,
      progressEvents,
      maxLongTaskMs: longTasks.reduce((m, d) => Math.max(m, d), 0),
      longTasks: longTasks.length,
      pageHeapPeak,
      storageUsage: est?.usage ?? null,
    };
  } finally {
    clearInterval(sampler);
    observer.disconnect();
    service.terminate();
  }
}

/** Parsing alone (no storage), in the page: the floor under the import's time. */
async function parseOnly(): Promise<number> {
  if (!corpus) throw new Error('generate() first');
  const t0 = performance.now();
  await readCorpus(corpus.files, nullSink);
  return performance.now() - t0;
}

async function drop(dbName: string): Promise<void> {
  corpus = undefined;
  const root = await navigator.storage.getDirectory();
  await root.removeEntry(OPFS_NAME).catch(() => {});
  await new Promise<void>((resolve, reject) => {
    const r = indexedDB.deleteDatabase(dbName);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
    r.onblocked = () => resolve();
  });
}

declare global {
  interface Window {
    importBench: { generate: typeof generate; run: typeof run; parseOnly: typeof parseOnly; drop: typeof drop };
  }
}

window.importBench = { generate, run, parseOnly, drop };
document.getElementById('status')!.textContent = 'ready';
