/**
 * The app's one IndexedDB database: typed schema (idb's DBSchema) and its migrations.
 *
 * Adding a store (personas, references, runs, jobs, ...): add it to AppDbSchema, bump DB_VERSION,
 * and append one `if (oldVersion < N)` step to `migrate`. Steps never change what an earlier step
 * created except through a later step, so every user's database walks the same path.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { AuthorSummary, CorpusInfo } from '../contracts/corpus-store';
import type { ReferenceInfo } from '../contracts/reference-store';
import type { PersonaStatus, StoredPersona } from '../core/stages/types';
import type { JobItem, JobRecord } from '../pipeline/job-runner';
import type { PersonaSetInfo } from '../contracts/persona-set';
import type { StoredRun } from '../contracts/run';

export const DB_NAME = 'persona-align';
export const DB_VERSION = 4;

/**
 * One stored post, compact: one-letter field names, and neither the corpus id nor the author key
 * repeated in it (they are in the page's key).
 */
export interface PostRow {
  /** ISO date or null. */
  d: string | null;
  /** The post's text as imported. */
  t: string;
  /** Source file name. */
  f: string;
  /** Line in the source file. */
  l: number;
}

/**
 * Consecutive posts of one author (up to 64 posts / 16 Ki chars of text), stored under the key
 * [corpusId, author, seq of its first post]; post i of the page has seq = first + i. Pages instead
 * of one record per post: the full blog corpus is ~60k records instead of 681k, which measured
 * 2-3x less CPU in the renderer and the browser's IndexedDB backend (bench/import.bench.ts).
 */
export type PostPage = PostRow[];

export type PostKey = [corpusId: string, author: string, seq: number];

/**
 * The points of one stored reference (key: the reference id, out-of-line), apart from its
 * ReferenceInfo so listing references never reads tens of MB of typed arrays.
 */
export interface ReferenceDataRow {
  /** n × 5 trait scores, TRAITS order. */
  points: Float32Array;
  /** n weights as stored (uniform for unweighted sources); normalised when a cloud is built. */
  weights: Float64Array;
  /** Per row an index into countryNames; null when the source had no country column. */
  countryIndex: Uint16Array | null;
  countryNames: string[];
}
export type AuthorKey = [corpusId: string, author: string];

/**
 * v4: one persona's embedding under key [ownerId, modelId, personaId] (ownerId = corpus or persona
 * set id). `textHash` is the hash of the text embedded, so only changed personas are re-embedded.
 */
export interface EmbeddingRow {
  textHash: string;
  vector: Float32Array;
  normalized: boolean;
}
export type EmbeddingKey = [ownerId: string, modelId: string, personaId: string];

/** v4: a stored target-group definition or query set; the shape is owned by src/core/target (plain JSON). */
export interface TargetRow {
  id: string;
  kind: 'target' | 'querySet';
  createdAt: string;
  updatedAt: string;
  [key: string]: unknown;
}

export interface AppDbSchema extends DBSchema {
  corpora: { key: string; value: CorpusInfo };
  /**
   * Key path ['corpusId', 'key']. All authors of a corpus are the key range corpusRange(id): the
   * compound primary key already groups them, so no separate corpusId index is kept.
   */
  authors: { key: AuthorKey; value: AuthorSummary };
  /**
   * Post pages under the out-of-line key PostKey = [corpusId, author, first seq]; an author's
   * pages, and a corpus's, are prefix ranges of it.
   */
  posts: { key: PostKey; value: PostPage };
  /** v2: one record per stored human reference (src/storage/reference-store.ts). */
  references: { key: string; value: ReferenceInfo };
  /** v2: its points, same key as its record; both are written and deleted in one transaction. */
  referenceData: { key: string; value: ReferenceDataRow };
  /** v3: mined personas (src/storage/persona-store.ts), key = id; indexes by corpus and by [corpus, status]. */
  personas: { key: string; value: StoredPersona; indexes: { corpusId: string; corpusStatus: [string, PersonaStatus] } };
  /** v3: persona-stage jobs (src/storage/job-store.ts), key = id. */
  jobs: { key: string; value: JobRecord };
  /** v3: one record per job item, key [jobId, key]; a job's items are the prefix range [jobId]. */
  jobItems: { key: [string, string]; value: JobItem };
  /** v4: imported persona sets (src/contracts/persona-set.ts); their personas are in `personas` under corpusId = set id. */
  personaSets: { key: string; value: PersonaSetInfo };
  /** v4: persona embeddings, key [ownerId, modelId, personaId]; one owner's are the prefix range [ownerId]. */
  embeddings: { key: EmbeddingKey; value: EmbeddingRow };
  /** v4: Align and Target runs (src/contracts/run.ts), key = id. */
  runs: { key: string; value: StoredRun; indexes: { createdAt: string } };
  /** v4: target groups and query sets (src/core/target), key = id. */
  targets: { key: string; value: TargetRow; indexes: { kind: string } };
}

export type AppDb = IDBPDatabase<AppDbSchema>;

/**
 * Opens (creating or upgrading) the database. `name` is overridable so tests and benches use a
 * fresh database of their own. Another tab holding an older version gets `versionchange` and
 * closes, so an upgrade is never blocked for long.
 */
export async function openAppDb(name: string = DB_NAME): Promise<AppDb> {
  const db = await openDB<AppDbSchema>(name, DB_VERSION, {
    upgrade(database, oldVersion) {
      migrate(database, oldVersion);
    },
    blocked() {
      console.warn(`IndexedDB "${name}": upgrade waits for another tab of this app to close.`);
    },
  });
  db.addEventListener('versionchange', () => db.close());
  return db;
}

function migrate(db: IDBPDatabase<AppDbSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    db.createObjectStore('corpora', { keyPath: 'id' });
    db.createObjectStore('authors', { keyPath: ['corpusId', 'key'] });
    db.createObjectStore('posts');
  }
  if (oldVersion < 2) {
    db.createObjectStore('references', { keyPath: 'id' });
    db.createObjectStore('referenceData');
  }
  if (oldVersion < 3) {
    const personas = db.createObjectStore('personas', { keyPath: 'id' });
    personas.createIndex('corpusId', 'corpusId');
    personas.createIndex('corpusStatus', ['corpusId', 'status']);
    db.createObjectStore('jobs', { keyPath: 'id' });
    db.createObjectStore('jobItems', { keyPath: ['jobId', 'key'] });
  }
  if (oldVersion < 4) {
    db.createObjectStore('personaSets', { keyPath: 'id' });
    db.createObjectStore('embeddings');
    db.createObjectStore('runs', { keyPath: 'id' }).createIndex('createdAt', 'createdAt');
    db.createObjectStore('targets', { keyPath: 'id' }).createIndex('kind', 'kind');
  }
}

/**
 * Every key [id, ...] of a compound-key store. Arrays sort after every string and number in
 * IndexedDB's key order, so [id, []] is above any [id, <string or number>, ...].
 */
export function corpusRange(corpusId: string): IDBKeyRange {
  return IDBKeyRange.bound([corpusId], [corpusId, []]);
}

/** Every post key [corpusId, author, seq] of one author. */
export function authorPostsRange(corpusId: string, author: string): IDBKeyRange {
  return IDBKeyRange.bound([corpusId, author], [corpusId, author, []]);
}

/** Names of all object stores, for dumps and wipe-outs in tests. */
export const STORE_NAMES = ['corpora', 'authors', 'posts', 'references', 'referenceData', 'personas', 'jobs', 'jobItems', 'personaSets', 'embeddings', 'runs', 'targets'] as const;
export type StoreName = (typeof STORE_NAMES)[number];
