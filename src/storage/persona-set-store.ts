/**
 * Reads and deletes imported persona sets (store `personaSets`, v4; contract
 * src/contracts/persona-set.ts). Imports are written by ./persona-set-import.ts in the persona
 * import worker; this module is what the UI, the stage controllers and the Align inputs read.
 *
 * A set's personas live in `personas` under corpusId = set id, its jobs under the same owner id,
 * its embeddings under the key prefix [set id]. Deleting a set removes all of them.
 *
 *   const sets = await listPersonaSets(db);        // ready sets, newest first
 *   await deletePersonaSet(db, sets[0].id);
 */
import type { PersonaSetInfo } from '../contracts/persona-set';
import type { StoredPersona } from '../core/stages/types';
import { corpusRange, type AppDb } from './db';
import { toStorageError } from './errors';
import { deleteJob, listJobs } from './job-store';
import { LazyDb } from './lazy-db';
import { tryWithCorpusLock, withCorpusLock } from './locks';

/** Persona-set ids start with this, so they never equal a corpus id (a UUID). */
export const PERSONA_SET_PREFIX = 'set-';

export function isPersonaSetId(id: string): boolean {
  return id.startsWith(PERSONA_SET_PREFIX);
}

export function newPersonaSetId(): string {
  return `${PERSONA_SET_PREFIX}${crypto.randomUUID()}`;
}

/** Stored id of an imported persona: owner-scoped like mined ones (`${corpusId}/${author}`), so sets never collide. */
export function importedPersonaId(setId: string, localId: string): string {
  return `${setId}/${localId}`;
}

/** The id the persona had in its file. */
export function localPersonaId(p: Pick<StoredPersona, 'id' | 'corpusId'>): string {
  return p.id.startsWith(`${p.corpusId}/`) ? p.id.slice(p.corpusId.length + 1) : p.id;
}

/** Ready sets, newest first. Sets still importing (or being deleted) are not listed. */
export async function listPersonaSets(db: AppDb): Promise<PersonaSetInfo[]> {
  try {
    const all = await db.getAll('personaSets');
    return all.filter((s) => s.status === 'ready').sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
  } catch (e) {
    throw toStorageError(e, 'list persona sets');
  }
}

/** The set when it exists and is ready, else undefined. */
export async function getPersonaSet(db: AppDb, id: string): Promise<PersonaSetInfo | undefined> {
  try {
    const s = await db.get('personaSets', id);
    return s?.status === 'ready' ? s : undefined;
  } catch (e) {
    throw toStorageError(e, 'read the persona set');
  }
}

/**
 * Removes a set completely: personas, jobs, embeddings, then the record. The record first goes
 * back to 'importing' (invisible), so a delete cut short by a closed tab is finished by
 * cleanupInterruptedSets() at the next start. Unknown ids are a no-op.
 */
export async function deletePersonaSet(db: AppDb, id: string): Promise<void> {
  try {
    const tx = db.transaction('personaSets', 'readwrite');
    const s = await tx.store.get(id);
    if (s && s.status !== 'importing') await tx.store.put({ ...s, status: 'importing' });
    await tx.done;
    await withCorpusLock(db, id, () => purgePersonaSet(db, id));
  } catch (e) {
    throw toStorageError(e, 'delete the persona set');
  }
}

/** Personas deleted per readwrite transaction: keeps each transaction short for 10^5-persona sets. */
const DELETE_CHUNK = 2000;

/** Every persona, job, embedding and finally the record of `setId`; safe to run again after an interruption. */
export async function purgePersonaSet(db: AppDb, setId: string): Promise<void> {
  // Imported ids all start with "<set id>/": one key-range delete removes them without reading keys.
  const prefix = importedPersonaId(setId, '');
  const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
  const tx0 = db.transaction('personas', 'readwrite', { durability: 'relaxed' });
  await Promise.all([tx0.store.delete(range), tx0.done]);
  // Anything else the owner index still names (none unless written by other code), in chunks.
  for (;;) {
    const tx = db.transaction('personas', 'readwrite', { durability: 'relaxed' });
    const keys = await tx.store.index('corpusId').getAllKeys(setId, DELETE_CHUNK);
    await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
    if (keys.length < DELETE_CHUNK) break;
  }
  for (const job of await listJobs(db, setId)) await deleteJob(db, job.id);
  const tx = db.transaction(['embeddings', 'personaSets'], 'readwrite');
  await Promise.all([tx.objectStore('embeddings').delete(corpusRange(setId)), tx.objectStore('personaSets').delete(setId), tx.done]);
}

/**
 * Removes sets left 'importing' by a crash, a closed tab or a killed worker (an import or a delete
 * cut short). Sets whose writer still holds its Web Lock (an import running in another tab) are
 * left alone. Call at app start; returns the ids removed.
 */
export async function cleanupInterruptedSets(db: AppDb): Promise<string[]> {
  try {
    const leftovers = (await db.getAll('personaSets')).filter((s) => s.status !== 'ready').map((s) => s.id);
    const removed: string[] = [];
    for (const id of leftovers) {
      let purged = false;
      const purge = async (): Promise<void> => {
        // Re-read under the lock: an import that finished while we waited for it is ready now and stays.
        if ((await db.get('personaSets', id))?.status === 'ready') return;
        await purgePersonaSet(db, id);
        purged = true;
      };
      if ((await tryWithCorpusLock(db, id, purge)) && purged) removed.push(id);
    }
    return removed;
  } catch (e) {
    throw toStorageError(e, 'clean up an interrupted persona import');
  }
}

/** A set's personas, sorted by id (every status unless one is given). */
export async function listSetPersonas(db: AppDb, setId: string): Promise<StoredPersona[]> {
  try {
    const out = await db.getAllFromIndex('personas', 'corpusId', setId);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  } catch (e) {
    throw toStorageError(e, 'list the personas of the set');
  }
}

/** The same functions bound to one database, opened lazily (the UI's handle). */
export class PersonaSetStore {
  private readonly conn: LazyDb;

  constructor(dbName?: string) {
    this.conn = new LazyDb(dbName);
  }

  db(): Promise<AppDb> {
    return this.conn.get();
  }
  async list(): Promise<PersonaSetInfo[]> {
    return listPersonaSets(await this.db());
  }
  async get(id: string): Promise<PersonaSetInfo | undefined> {
    return getPersonaSet(await this.db(), id);
  }
  async delete(id: string): Promise<void> {
    return deletePersonaSet(await this.db(), id);
  }
  async cleanupInterrupted(): Promise<string[]> {
    return cleanupInterruptedSets(await this.db());
  }
  close(): Promise<void> {
    return this.conn.close();
  }
}
