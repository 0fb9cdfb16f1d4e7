/**
 * Reads and deletes stored corpora. Imports are written by src/storage/import-job.ts (in the import
 * worker); this module is what the UI and the pipeline read through.
 *
 * Every function takes the database as its first argument (from openAppDb) so tests and benches can
 * point them at a database of their own; `CorpusStore` binds one for the UI.
 */
import type { AuthorFilter, AuthorSortKey, AuthorSummary, CorpusInfo, StoredPost } from '../contracts/corpus-store';
import { isEmptyFilter, matchesFilter, selectAuthors } from '../core/corpus-filter';
import { authorPostsRange, corpusRange, type AppDb, type PostKey } from './db';
import { toStorageError } from './errors';
import { LazyDb } from './lazy-db';
import { deleteJob, listJobs } from './job-store';
import { tryWithCorpusLock, withCorpusLock } from './locks';
import { countPersonas, deletePersonas } from './persona-store';
import type { PersonaStatus } from '../core/stages/types';

export interface ListAuthorsOptions {
  sort?: AuthorSortKey;
  desc?: boolean;
  filter?: AuthorFilter;
}

/** Ready corpora, newest first. Corpora still importing or being deleted are not listed. */
export async function listCorpora(db: AppDb): Promise<CorpusInfo[]> {
  try {
    const all = await db.getAll('corpora');
    return all.filter((c) => c.status === 'ready').sort((a, b) => b.createdAt - a.createdAt);
  } catch (e) {
    throw toStorageError(e, 'list corpora');
  }
}

/** The corpus when it exists and is ready, else undefined. */
export async function getCorpus(db: AppDb, id: string): Promise<CorpusInfo | undefined> {
  try {
    const c = await db.get('corpora', id);
    return c?.status === 'ready' ? c : undefined;
  } catch (e) {
    throw toStorageError(e, 'read the corpus');
  }
}

/**
 * Authors of one corpus, filtered and sorted in memory (19,320 summaries are a few MB and one
 * getAll; an index per sort key would cost more on every import than it saves here).
 */
export async function listAuthors(db: AppDb, corpusId: string, options: ListAuthorsOptions = {}): Promise<AuthorSummary[]> {
  try {
    const all = await db.getAll('authors', corpusRange(corpusId));
    return selectAuthors(all, options);
  } catch (e) {
    throw toStorageError(e, 'list authors');
  }
}

/** How many authors of the corpus pass the filter. */
export async function countMatching(db: AppDb, corpusId: string, filter: AuthorFilter = {}): Promise<number> {
  try {
    if (isEmptyFilter(filter)) return await db.count('authors', corpusRange(corpusId));
    const all = await db.getAll('authors', corpusRange(corpusId));
    let n = 0;
    for (const a of all) if (matchesFilter(a, filter)) n++;
    return n;
  } catch (e) {
    throw toStorageError(e, 'count authors');
  }
}

/** One author's posts in import order (seq ascending). Empty when the author is unknown. */
export async function getPosts(db: AppDb, corpusId: string, authorKey: string): Promise<StoredPost[]> {
  try {
    const tx = db.transaction('posts', 'readonly');
    const range = authorPostsRange(corpusId, authorKey);
    // Keys and pages in one transaction, both in key (= seq) order, so they pair up index by index.
    const [keys, pages] = await Promise.all([tx.store.getAllKeys(range), tx.store.getAll(range), tx.done]);
    const out: StoredPost[] = [];
    pages.forEach((page, i) => {
      const first = (keys[i] as PostKey)[2];
      page.forEach((r, j) => out.push({ corpusId, author: authorKey, seq: first + j, date: r.d, text: r.t, file: r.f, line: r.l }));
    });
    return out;
  } catch (e) {
    throw toStorageError(e, 'read posts');
  }
}

/** Post pages deleted per readwrite transaction (≤ 16 Mi chars of text); keeps each transaction short. */
const DELETE_CHUNK = 1000;

/**
 * Removes a corpus completely: its record, authors and posts. The record is first marked
 * 'deleting' (invisible), posts go in chunks, and the record goes last, so a crash midway leaves an
 * invisible remainder that cleanupInterrupted() finishes removing. Unknown ids are a no-op.
 */
export async function deleteCorpus(db: AppDb, id: string): Promise<void> {
  try {
    const tx = db.transaction('corpora', 'readwrite');
    const c = await tx.store.get(id);
    if (c && c.status !== 'deleting') await tx.store.put({ ...c, status: 'deleting' });
    await tx.done;
    await withCorpusLock(db, id, () => purgeCorpus(db, id));
  } catch (e) {
    throw toStorageError(e, 'delete the corpus');
  }
}

/**
 * Deletes every post, persona, job, author and finally the record of `corpusId`, in chunks. Used by deleteCorpus,
 * by import rollback and by cleanupInterrupted; safe to run again after an interruption.
 */
export async function purgeCorpus(db: AppDb, corpusId: string): Promise<void> {
  const range = corpusRange(corpusId);
  for (;;) {
    const tx = db.transaction('posts', 'readwrite', { durability: 'relaxed' });
    // The DELETE_CHUNK-th key bounds this chunk; deleting [first key of corpus, that key] removes
    // exactly those posts without reading their values.
    const keys = await tx.store.getAllKeys(range, DELETE_CHUNK);
    const last = keys[keys.length - 1];
    if (last === undefined) {
      await tx.done;
      break;
    }
    await tx.store.delete(IDBKeyRange.bound([corpusId], last));
    await tx.done;
    if (keys.length < DELETE_CHUNK) break;
  }
  // Personas mined from the corpus and their jobs go with it: nothing may outlive its source posts.
  await deletePersonas(db, corpusId);
  for (const job of await listJobs(db, corpusId)) await deleteJob(db, job.id);
  const tx = db.transaction(['authors', 'corpora'], 'readwrite');
  await Promise.all([tx.objectStore('authors').delete(range), tx.objectStore('corpora').delete(corpusId), tx.done]);
}

/**
 * Removes corpora left 'importing' or 'deleting' by a crash, a closed tab or a terminated worker.
 * Call at app start. Corpora whose writer still holds its Web Lock (an import running in another
 * tab) are left alone. Returns the ids removed.
 */
export async function cleanupInterrupted(db: AppDb): Promise<string[]> {
  try {
    const leftovers = (await db.getAll('corpora')).filter((c) => c.status !== 'ready').map((c) => c.id);
    const removed: string[] = [];
    for (const id of leftovers) if (await tryWithCorpusLock(db, id, () => purgeCorpus(db, id))) removed.push(id);
    return removed;
  } catch (e) {
    throw toStorageError(e, 'clean up an interrupted import');
  }
}

/** The same functions bound to one database, opened lazily; what the UI's service provider holds. */
export class CorpusStore {
  private readonly conn: LazyDb;

  constructor(dbName?: string) {
    this.conn = new LazyDb(dbName);
  }

  db(): Promise<AppDb> {
    return this.conn.get();
  }

  async listCorpora(): Promise<CorpusInfo[]> {
    return listCorpora(await this.db());
  }
  async getCorpus(id: string): Promise<CorpusInfo | undefined> {
    return getCorpus(await this.db(), id);
  }
  async listAuthors(corpusId: string, options?: ListAuthorsOptions): Promise<AuthorSummary[]> {
    return listAuthors(await this.db(), corpusId, options);
  }
  async countMatching(corpusId: string, filter?: AuthorFilter): Promise<number> {
    return countMatching(await this.db(), corpusId, filter);
  }
  async getPosts(corpusId: string, authorKey: string): Promise<StoredPost[]> {
    return getPosts(await this.db(), corpusId, authorKey);
  }
  async deleteCorpus(id: string): Promise<void> {
    return deleteCorpus(await this.db(), id);
  }
  async cleanupInterrupted(): Promise<string[]> {
    return cleanupInterrupted(await this.db());
  }

  async countPersonas(corpusId: string): Promise<Record<PersonaStatus, number>> {
    return countPersonas(await this.db(), corpusId);
  }
  /** Closes the connection; the next call reopens it. */
  close(): Promise<void> {
    return this.conn.close();
  }
}
