/**
 * Stored targets and query sets (store `targets`, v4; shapes owned by src/core/target).
 *
 * - kind 'target': a TargetSpec under its id (saving again replaces it).
 * - kind 'querySet': one record per version, id `${setId}@${version}`, so every run manifest's
 *   (id, version, hash) can be looked up later; `latestQuerySets` lists the newest version of each.
 *
 * Functions take the database first (tests use their own); TargetStore binds one for the UI.
 */
import type { QuerySet } from '../core/target/queries';
import type { TargetSpec } from '../core/target/spec';
import { AppError } from '../core/errors';
import type { AppDb, TargetRow } from './db';
import { toStorageError } from './errors';
import { LazyDb } from './lazy-db';

export type StoredTarget = TargetSpec & { kind: 'target'; createdAt: string; updatedAt: string };

export async function putTarget(db: AppDb, spec: TargetSpec, now = new Date()): Promise<StoredTarget> {
  if (!spec.id) throw new AppError('InputError', 'A target needs an id.');
  try {
    const old = (await db.get('targets', spec.id)) as TargetRow | undefined;
    const at = now.toISOString();
    const row: StoredTarget = { ...spec, kind: 'target', createdAt: old?.createdAt ?? at, updatedAt: at };
    await db.put('targets', row as unknown as TargetRow);
    return row;
  } catch (e) {
    throw toStorageError(e, `save the target "${spec.name}"`);
  }
}

export async function getTarget(db: AppDb, id: string): Promise<StoredTarget | undefined> {
  const row = await read(db, id, 'read a target');
  return row?.kind === 'target' ? (row as unknown as StoredTarget) : undefined;
}

export async function listTargets(db: AppDb): Promise<StoredTarget[]> {
  return (await byKind(db, 'target')) as unknown as StoredTarget[];
}

/** Saves one version of a query set; refuses to overwrite an existing version with other queries. */
export async function putQuerySet(db: AppDb, set: QuerySet): Promise<void> {
  if (set.id !== `${set.setId}@${set.version}`) throw new AppError('InputError', `Query set id "${set.id}" must be "${set.setId}@${set.version}".`);
  try {
    const old = (await db.get('targets', set.id)) as unknown as QuerySet | undefined;
    if (old && old.hash !== set.hash) {
      throw new AppError('InputError', `Version ${set.version} of query set "${set.name}" already exists with other queries; save the edit as a new version (editQuerySet).`);
    }
    await db.put('targets', set as unknown as TargetRow);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw toStorageError(e, `save the query set "${set.name}"`);
  }
}

export async function getQuerySet(db: AppDb, id: string): Promise<QuerySet | undefined> {
  const row = await read(db, id, 'read a query set');
  return row?.kind === 'querySet' ? (row as unknown as QuerySet) : undefined;
}

/** Every version of one set, oldest first. */
export async function querySetVersions(db: AppDb, setId: string): Promise<QuerySet[]> {
  return ((await byKind(db, 'querySet')) as unknown as QuerySet[]).filter((s) => s.setId === setId).sort((a, b) => a.version - b.version);
}

/** The newest version of each set, most recently updated first. */
export async function latestQuerySets(db: AppDb): Promise<QuerySet[]> {
  const latest = new Map<string, QuerySet>();
  for (const s of (await byKind(db, 'querySet')) as unknown as QuerySet[]) {
    const cur = latest.get(s.setId);
    if (!cur || s.version > cur.version) latest.set(s.setId, s);
  }
  return [...latest.values()].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
}

/** Deletes a target, or every version of a query set when `id` is a set id. */
export async function deleteTargetRecord(db: AppDb, id: string): Promise<number> {
  try {
    const tx = db.transaction('targets', 'readwrite');
    let n = 0;
    for (let c = await tx.store.openCursor(); c; c = await c.continue()) {
      const v = c.value as TargetRow & { setId?: string };
      if (v.id === id || (v.kind === 'querySet' && v.setId === id)) {
        await c.delete();
        n++;
      }
    }
    await tx.done;
    return n;
  } catch (e) {
    throw toStorageError(e, 'delete a target');
  }
}

async function read(db: AppDb, id: string, what: string): Promise<TargetRow | undefined> {
  try {
    return await db.get('targets', id);
  } catch (e) {
    throw toStorageError(e, what);
  }
}

async function byKind(db: AppDb, kind: TargetRow['kind']): Promise<TargetRow[]> {
  try {
    return await db.getAllFromIndex('targets', 'kind', kind);
  } catch (e) {
    throw toStorageError(e, `list ${kind === 'target' ? 'targets' : 'query sets'}`);
  }
}

/** The target store over one lazily opened database (the UI's; tests pass their own name). */
export class TargetStore {
  private readonly lazy: LazyDb;

  constructor(dbName?: string) {
    this.lazy = new LazyDb(dbName);
  }

  private db(): Promise<AppDb> {
    return this.lazy.get();
  }

  async putTarget(spec: TargetSpec): Promise<StoredTarget> {
    return putTarget(await this.db(), spec);
  }
  async getTarget(id: string): Promise<StoredTarget | undefined> {
    return getTarget(await this.db(), id);
  }
  async listTargets(): Promise<StoredTarget[]> {
    return listTargets(await this.db());
  }
  async putQuerySet(set: QuerySet): Promise<void> {
    return putQuerySet(await this.db(), set);
  }
  async getQuerySet(id: string): Promise<QuerySet | undefined> {
    return getQuerySet(await this.db(), id);
  }
  async querySetVersions(setId: string): Promise<QuerySet[]> {
    return querySetVersions(await this.db(), setId);
  }
  async latestQuerySets(): Promise<QuerySet[]> {
    return latestQuerySets(await this.db());
  }
  async delete(id: string): Promise<number> {
    return deleteTargetRecord(await this.db(), id);
  }
  close(): Promise<void> {
    return this.lazy.close();
  }
}
