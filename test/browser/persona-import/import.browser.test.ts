/**
 * Imported persona sets through the real worker (PersonaImportService) into real IndexedDB: a
 * streamed 10^5-persona import, and the all-or-nothing guarantee (cancel, a full disk, a killed
 * worker leave the database as before); deleting a set removes its personas, jobs and embeddings.
 */
import { describe, expect, test } from 'vitest';
import type { Progress } from '../../../src/contracts/progress';
import { presetMapping } from '../../../src/core/persona-import';
import { PersonaImportService } from '../../../src/services/persona-import-service';
import { openAppDb } from '../../../src/storage/db';
import { createPersonaImportApi } from '../../../src/storage/persona-set-import';
import { cleanupInterruptedSets, deletePersonaSet, getPersonaSet, importedPersonaId, listPersonaSets, listSetPersonas } from '../../../src/storage/persona-set-store';
import { dump, rejection, serviceFixture, uniqueDbName } from '../db-helpers';
import { personaFile } from './gen';

async function waitFor(cond: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const t0 = performance.now();
  while (!(await cond())) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const { setup, dbs } = serviceFixture(() => uniqueDbName('persona-import'), (dbName) => new PersonaImportService({ dbName }));

describe('persona set import through the worker', () => {
  test('a small file: preview suggests this app\'s layout; personas stored with source, meta, given traits', async () => {
    const { service, db } = await setup();
    const { file, personas, withTraits } = personaFile(300, 11, 'small.jsonl', 7);
    const preview = await service.preview(file);
    expect(preview.suggested.preset).toBe('persona-align');
    const info = await service.importPersonaSet({ name: 'Small', file, mapping: preview.suggested.mapping });
    expect(info).toMatchObject({ status: 'ready', count: 300, withTraits, skipped: 0, file: { name: 'small.jsonl', bytes: file.size, format: 'jsonl' } });
    expect(info.id).toMatch(/^set-/);
    expect(info.file.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await listPersonaSets(db)).map((s) => s.id)).toEqual([info.id]);
    const stored = await listSetPersonas(db, info.id);
    expect(stored).toHaveLength(300);
    const p5 = stored.find((p) => p.id === importedPersonaId(info.id, 'g-5'))!;
    expect(p5.text).toBe(personas![5]!.text);
    expect(p5.meta.region).toBe(personas![5]!.region);
    expect(p5.source).toMatchObject({ kind: 'imported', file: 'small.jsonl' });
    expect(p5.corpusId).toBe(info.id);
    expect(p5.givenTraits).toEqual(personas![5]!.traits);
    expect(p5.traits).toEqual(personas![5]!.traits);
    const p7 = stored.find((p) => p.id === importedPersonaId(info.id, 'g-7'))!;
    expect(p7.givenTraits).toBeUndefined(); // every 7th came without scores
  });

  test('10^5 personas stream in: progress reaches the file size, counts match, one record per persona', async () => {
    const { service, db } = await setup();
    const n = 100_000;
    const { file, withTraits } = personaFile(n, 5, 'big.jsonl', 10);
    const events: Progress[] = [];
    const info = await service.importPersonaSet({ name: 'Big', file, mapping: presetMapping('persona-align') }, (p) => events.push(p));
    expect(info.count).toBe(n);
    expect(info.withTraits).toBe(withTraits);
    expect(await db.countFromIndex('personas', 'corpusId', info.id)).toBe(n);
    const last = events[events.length - 1]!;
    expect(last.total).toBe(file.size);
    expect(last.done).toBe(file.size);
    expect(last.counts?.personas).toBe(n);
    // Progress arrived along the way, not only at the end, and never went backwards.
    const mid = events.filter((e) => (e.counts?.personas ?? 0) > 0 && (e.counts?.personas ?? 0) < n);
    expect(mid.length).toBeGreaterThan(0);
    for (let i = 1; i < events.length; i++) expect(events[i]!.done).toBeGreaterThanOrEqual(events[i - 1]!.done);
  });

  test('cancel midway rolls back: nothing of the set is left', async () => {
    const { service, db } = await setup();
    const earlier = await service.importPersonaSet({ name: 'earlier', file: personaFile(50, 1).file, mapping: presetMapping('persona-align') });
    const before = await dump(db);
    let cancelledAt = 0;
    const done = service.importPersonaSet({ name: 'big', file: personaFile(100_000, 2).file, mapping: presetMapping('persona-align') }, (p) => {
      if (!cancelledAt && (p.counts?.personas ?? 0) > 0) {
        cancelledAt = p.counts!.personas!;
        service.cancel();
      }
    });
    const err = await rejection(done);
    expect(err.name).toBe('AbortError');
    expect(err.message).toMatch(/nothing was imported/);
    expect(cancelledAt).toBeGreaterThan(0);
    expect(await dump(db)).toEqual(before);
    expect((await listPersonaSets(db)).map((s) => s.id)).toEqual([earlier.id]);
  });

  test('a killed worker leaves an invisible remainder that cleanupInterruptedSets removes', async () => {
    const { service, db } = await setup();
    await service.importPersonaSet({ name: 'earlier', file: personaFile(40, 3).file, mapping: presetMapping('persona-align') });
    const before = await dump(db);
    let killedAt = 0;
    const done = service.importPersonaSet({ name: 'big', file: personaFile(100_000, 4).file, mapping: presetMapping('persona-align') }, (p) => {
      if (!killedAt && (p.counts?.personas ?? 0) > 0) {
        killedAt = p.counts!.personas!;
        service.terminate(); // as if the tab crashed: no rollback runs
      }
    });
    expect((await rejection(done)).name).toBe('AbortError');
    expect(killedAt).toBeGreaterThan(0);
    const all = await db.getAll('personaSets');
    expect(all.map((s) => s.status).sort()).toEqual(['importing', 'ready']); // the remainder is there...
    expect(await listPersonaSets(db)).toHaveLength(1); // ...but invisible
    const leftover = all.find((s) => s.status === 'importing')!;
    expect(await db.countFromIndex('personas', 'corpusId', leftover.id)).toBeGreaterThan(0);
    // The browser frees a terminated worker's Web Lock asynchronously (slower under load): wait for it,
    // as the next start of the app would find it free.
    await waitFor(async () => !((await navigator.locks.query()).held ?? []).some((l) => l.name?.endsWith(leftover.id)), 20_000, 'lock released');
    expect(await cleanupInterruptedSets(db)).toEqual([leftover.id]);
    expect(await dump(db)).toEqual(before);
    // A fresh worker serves the next call.
    const again = await service.importPersonaSet({ name: 'after', file: personaFile(10, 9).file, mapping: presetMapping('persona-align') });
    expect(again.count).toBe(10);
  });

  test('a full disk midway (QuotaExceededError on the third batch) rolls back with QuotaError', async () => {
    const dbName = uniqueDbName('persona-import-quota');
    const db = await openAppDb(dbName);
    dbs.push(db);
    let attempted = 0;
    const api = createPersonaImportApi({
      dbName,
      beforeWrite: (index) => {
        attempted = index + 1;
        if (index === 2) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    });
    const before = await dump(db);
    const err = await rejection(api.importPersonaSet({ name: 'full', file: personaFile(20_000, 6).file, mapping: presetMapping('persona-align') }, () => {}));
    expect(err.name).toBe('QuotaError');
    expect(err.message).toMatch(/Browser storage is full.*nothing was imported/s);
    expect(attempted).toBe(3); // two batches were written before the failure, and were removed
    expect(await dump(db)).toEqual(before);
  });

  test('a start-up cleanup leaves an import that still holds its lock alone', async () => {
    const { service, db } = await setup();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const dbName = db.name;
    const api = createPersonaImportApi({ dbName, beforeWrite: () => gate });
    const done = api.importPersonaSet({ name: 'slow', file: personaFile(200, 8).file, mapping: presetMapping('persona-align') }, () => {});
    // Wait until the set's record is written ('importing'), then clean up as another tab starting would.
    for (let i = 0; i < 200 && (await db.count('personaSets')) === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect((await db.getAll('personaSets')).map((s) => s.status)).toEqual(['importing']);
    expect(await cleanupInterruptedSets(db)).toEqual([]);
    release();
    const info = await done;
    expect(info.count).toBe(200);
    expect((await getPersonaSet(db, info.id))?.status).toBe('ready');
    void service;
  });

  test('deleting a set removes its personas, jobs and embeddings and nothing else', async () => {
    const { service, db } = await setup();
    const keep = await service.importPersonaSet({ name: 'keep', file: personaFile(30, 12).file, mapping: presetMapping('persona-align') });
    const before = await dump(db);
    const gone = await service.importPersonaSet({ name: 'gone', file: personaFile(60, 13).file, mapping: presetMapping('persona-align') });
    const now = Date.now();
    await db.put('jobs', { id: `${gone.id}:ui:quality`, stage: 'quality', corpusId: gone.id, createdAt: now, updatedAt: now, status: 'done', options: {}, total: 1 });
    await db.put('jobItems', { jobId: `${gone.id}:ui:quality`, key: 'g-0', order: 0, state: 'done', attempts: 1, updatedAt: now });
    await db.put('embeddings', { textHash: 'h', vector: new Float32Array([1, 0]), normalized: true }, [gone.id, 'lexical', importedPersonaId(gone.id, 'g-0')]);
    await deletePersonaSet(db, gone.id);
    expect(await dump(db)).toEqual(before);
    expect((await listPersonaSets(db)).map((s) => s.id)).toEqual([keep.id]);
  });
});
