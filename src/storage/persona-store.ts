/**
 * Mined personas in IndexedDB (store `personas`, v3): reads by corpus and status, replacement
 * after re-evaluating the quality threshold, deletion with a corpus. The job store
 * (./job-store.ts) writes personas together with their job item's state; this module is for
 * everything else a view needs.
 *
 * Usage (UI):
 *   const kept = await listPersonas(db, corpusId, 'kept');
 *   await applyThreshold(db, corpusId, 3);   // new verdicts from stored scores, no model call
 */
import { reevaluate } from '../core/stages/quality';
import type { PersonaStatus, StoredPersona } from '../core/stages/types';
import type { AppDb } from './db';
import { toStorageError } from './errors';

export async function getPersona(db: AppDb, id: string): Promise<StoredPersona | undefined> {
  try {
    return await db.get('personas', id);
  } catch (e) {
    throw toStorageError(e, 'read a persona');
  }
}

/** A corpus's personas, optionally only one status, sorted by id. */
export async function listPersonas(db: AppDb, corpusId: string, status?: PersonaStatus): Promise<StoredPersona[]> {
  try {
    const out = status === undefined
      ? await db.getAllFromIndex('personas', 'corpusId', corpusId)
      : await db.getAllFromIndex('personas', 'corpusStatus', [corpusId, status]);
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  } catch (e) {
    throw toStorageError(e, 'list personas');
  }
}

/** How many personas of a corpus have each status. */
export async function countPersonas(db: AppDb, corpusId: string): Promise<Record<PersonaStatus, number>> {
  try {
    const tx = db.transaction('personas', 'readonly');
    const idx = tx.store.index('corpusStatus');
    const statuses: PersonaStatus[] = ['mined', 'kept', 'rejected', 'profiled'];
    const counts = await Promise.all(statuses.map((s) => idx.count([corpusId, s])));
    await tx.done;
    return Object.fromEntries(statuses.map((s, i) => [s, counts[i]!])) as Record<PersonaStatus, number>;
  } catch (e) {
    throw toStorageError(e, 'count personas');
  }
}

export async function putPersonas(db: AppDb, personas: readonly StoredPersona[]): Promise<void> {
  try {
    const tx = db.transaction('personas', 'readwrite');
    await Promise.all([...personas.map((p) => tx.store.put(p)), tx.done]);
  } catch (e) {
    throw toStorageError(e, 'save personas');
  }
}

export async function deletePersonas(db: AppDb, corpusId: string): Promise<number> {
  try {
    const tx = db.transaction('personas', 'readwrite');
    const keys = await tx.store.index('corpusId').getAllKeys(corpusId);
    await Promise.all([...keys.map((k) => tx.store.delete(k)), tx.done]);
    return keys.length;
  } catch (e) {
    throw toStorageError(e, 'delete personas');
  }
}

/**
 * Re-derives every assessed persona's verdict with `threshold` (stored judge scores and rule
 * findings; no model call) and saves the ones that changed. Returns how many are kept now.
 * A persona that becomes kept is not profiled yet: run the profile stage again to add it.
 */
export async function applyThreshold(db: AppDb, corpusId: string, threshold: number): Promise<{ kept: number; changed: number }> {
  const all = await listPersonas(db, corpusId);
  const next = all.map((p) => reevaluate(p, threshold));
  const changed = next.filter((p, i) => p.status !== all[i]!.status || p.stages.quality?.threshold !== all[i]!.stages.quality?.threshold);
  await putPersonas(db, changed);
  return { kept: next.filter((p) => p.quality?.kept).length, changed: changed.length };
}
