// The `targets` store in real IndexedDB: targets keep createdAt across saves; query sets keep every version.
import { describe, expect, test } from 'vitest';
import { openAppDb } from '../../../src/storage/db';
import { deleteTargetRecord, getQuerySet, getTarget, latestQuerySets, listTargets, putQuerySet, putTarget, querySetVersions } from '../../../src/storage/target-store';
import { editQuerySet, makeQuerySet } from '../../../src/core/target/queries';
import { makeTargetSpec } from '../../../src/core/target/spec';
import { freshDbName } from '../ui/helpers';

describe('target store', () => {
  test('targets: saved, replaced with the same createdAt, listed by kind', async () => {
    const db = await openAppDb(freshDbName('target-store'));
    const spec = makeTargetSpec({ query: 'adults in East Asia', region: 'east-asia', size: 10 });
    const a = await putTarget(db, spec, new Date('2026-01-01T00:00:00Z'));
    const b = await putTarget(db, { ...spec, size: 20 }, new Date('2026-02-01T00:00:00Z'));
    expect(b.createdAt).toBe(a.createdAt);
    expect(b.updatedAt).toBe('2026-02-01T00:00:00.000Z');
    expect((await getTarget(db, spec.id))!.size).toBe(20);
    expect((await listTargets(db)).length).toBe(1);
    db.close();
  });

  test('query sets: every version kept, the latest listed, a version is never overwritten with other queries, deleting the set deletes all', async () => {
    const db = await openAppDb(freshDbName('target-store-qs'));
    const v1 = await makeQuerySet({ name: 'regions', queries: [{ text: 'adults in Europe', positives: ['a', 'b'], origin: 'template' }], source: 'template', seed: 1, setId: 'qs-x' });
    const v2 = await editQuerySet(v1, [...v1.queries, { text: 'retirees in Japan', positives: ['c'], origin: 'user' }]);
    await putQuerySet(db, v1);
    await putQuerySet(db, v2);
    await putQuerySet(db, v1); // same version, same queries: fine
    expect((await querySetVersions(db, 'qs-x')).map((s) => s.version)).toEqual([1, 2]);
    expect((await latestQuerySets(db)).map((s) => s.id)).toEqual(['qs-x@2']);
    expect((await getQuerySet(db, 'qs-x@1'))!.queries.length).toBe(1);
    await expect(putQuerySet(db, { ...v2, id: 'qs-x@1', version: 1 })).rejects.toMatchObject({ name: 'InputError' });
    await putTarget(db, makeTargetSpec({ query: 'q', size: 1, id: 'keep-me' }));
    expect(await deleteTargetRecord(db, 'qs-x')).toBe(2);
    expect(await latestQuerySets(db)).toEqual([]);
    expect(await getTarget(db, 'keep-me')).toBeDefined();
    db.close();
  });
});
