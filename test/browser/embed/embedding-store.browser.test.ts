/**
 * The embedding store on real IndexedDB with the lexical embedder, in the page and through the
 * real embedding worker: only missing or changed texts are embedded, vectors come back in input
 * order, each batch is stored whole or not at all (full disk, cancel), deletion by model or owner.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { createLexicalEmbedderService } from '../../../src/core/embed/lexical-service';
import type { EmbedderService } from '../../../src/contracts/embedder';
import type { Progress } from '../../../src/contracts/progress';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import { countEmbeddings, deleteEmbeddings, embedPersonas } from '../../../src/storage/embedding-store';
import { EmbedderWorkerService } from '../../../src/services/embedder-service';
import { rejection, uniqueDbName } from '../db-helpers';
import { demoPersonas } from './personas';

const dbs: AppDb[] = [];
afterAll(() => dbs.forEach((d) => d.close()));

async function freshDb(): Promise<AppDb> {
  const db = await openAppDb(uniqueDbName('embeddings'));
  dbs.push(db);
  return db;
}

async function fittedLexical(texts: string[]): Promise<EmbedderService> {
  const e = createLexicalEmbedderService({ svdDims: 32 });
  await e.load('lexical');
  await e.fit(texts);
  return e;
}

/** Makes IDBObjectStore.put on `embeddings` throw QuotaExceededError from the `after`-th call on. */
async function withFullDisk<T>(after: number, fn: () => Promise<T>): Promise<T> {
  const original = IDBObjectStore.prototype.put;
  let calls = 0;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === 'embeddings' && calls++ >= after) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return original.apply(this, args);
  };
  try {
    return await fn();
  } finally {
    IDBObjectStore.prototype.put = original;
  }
}

describe('embedPersonas', () => {
  test('embeds everything once, then nothing; a changed text re-embeds exactly one; order follows the input', async () => {
    const db = await freshDb();
    const personas = await demoPersonas(120);
    const embedder = await fittedLexical(personas.map((p) => p.text));
    const info = await embedder.info();

    const seen: Progress[] = [];
    const first = await embedPersonas(db, 'set-1', embedder, personas, (p) => seen.push(p));
    expect(first).toMatchObject({ n: 120, dim: 32, embedded: 120, reused: 0, modelId: info?.modelId, normalized: true });
    expect(seen.at(-1)).toMatchObject({ done: 120, total: 120, unit: 'personas', counts: { embedded: 120, reused: 0 } });
    const direct = await embedder.embed(personas.map((p) => p.text));
    expect(Array.from(first.vectors)).toEqual(Array.from(direct.vectors));

    const second = await embedPersonas(db, 'set-1', embedder, personas);
    expect(second).toMatchObject({ embedded: 0, reused: 120 });
    expect(Array.from(second.vectors)).toEqual(Array.from(first.vectors));

    const changed = personas.map((p, i) => (i === 7 ? { id: p.id, text: `${p.text} I also keep bees on my roof.` } : p));
    const third = await embedPersonas(db, 'set-1', embedder, changed);
    expect(third).toMatchObject({ embedded: 1, reused: 119 });
    const row7 = third.vectors.subarray(7 * 32, 8 * 32);
    expect(Array.from(row7)).not.toEqual(Array.from(first.vectors.subarray(7 * 32, 8 * 32)));
    expect(Array.from(row7)).toEqual(Array.from((await embedder.embed([changed[7]!.text])).vectors));

    // Reversed input: every stored vector reused and placed at its persona's new index.
    const reversed = [...changed].reverse();
    const fourth = await embedPersonas(db, 'set-1', embedder, reversed);
    expect(fourth.embedded).toBe(0);
    expect(Array.from(fourth.vectors.subarray(0, 32))).toEqual(Array.from(third.vectors.subarray(119 * 32, 120 * 32)));
    expect(await countEmbeddings(db, 'set-1')).toEqual(new Map([[info!.modelId, 120]]));
  });

  test('a refit is a new model: its vectors are stored beside the old ones; delete by model, then by owner', async () => {
    const db = await freshDb();
    const personas = await demoPersonas(40);
    const a = await fittedLexical(personas.map((p) => p.text));
    await embedPersonas(db, 'owner', a, personas);
    await embedPersonas(db, 'other-owner', a, personas.slice(0, 5));
    const b = await fittedLexical(personas.slice(0, 20).map((p) => p.text));
    const idA = (await a.info())!.modelId;
    const idB = (await b.info())!.modelId;
    expect(idB).not.toBe(idA);
    expect((await embedPersonas(db, 'owner', b, personas)).embedded).toBe(40);
    expect(await countEmbeddings(db, 'owner')).toEqual(new Map([[idA, 40], [idB, 40]]));

    expect(await deleteEmbeddings(db, 'owner', idA)).toBe(40);
    expect(await countEmbeddings(db, 'owner')).toEqual(new Map([[idB, 40]]));
    expect((await embedPersonas(db, 'owner', a, personas)).embedded).toBe(40);
    expect(await deleteEmbeddings(db, 'owner')).toBe(80);
    expect(await countEmbeddings(db, 'owner')).toEqual(new Map());
    expect(await countEmbeddings(db, 'other-owner')).toEqual(new Map([[idA, 5]]));
  });

  test('a full disk on the second batch: QuotaError, the first batch kept whole, the second not at all; the retry embeds only the rest', async () => {
    const db = await freshDb();
    const personas = await demoPersonas(600);
    const embedder = await fittedLexical(personas.map((p) => p.text));
    const err = await withFullDisk(256 + 10, () => rejection(embedPersonas(db, 's', embedder, personas)));
    expect(err.name).toBe('QuotaError');
    expect(err.message).toMatch(/Browser storage is full.*save embeddings.*Free space/);
    const id = (await embedder.info())!.modelId;
    expect(await countEmbeddings(db, 's')).toEqual(new Map([[id, 256]]));
    const retry = await embedPersonas(db, 's', embedder, personas);
    expect(retry).toMatchObject({ reused: 256, embedded: 344 });
  });

  test('cancel between batches: AbortError, whole batches only', async () => {
    const db = await freshDb();
    const personas = await demoPersonas(600);
    const embedder = await fittedLexical(personas.map((p) => p.text));
    const controller = new AbortController();
    const err = await rejection(
      embedPersonas(db, 's', embedder, personas, (p) => {
        if ((p.counts?.embedded ?? 0) > 0) controller.abort();
      }, controller.signal),
    );
    expect(err.name).toBe('AbortError');
    const stored = [...(await countEmbeddings(db, 's')).values()].reduce((s, x) => s + x, 0);
    expect(stored).toBe(256);
  });

  test('no loaded or unfitted embedder, or a repeated persona id, is refused before anything is written', async () => {
    const db = await freshDb();
    const personas = await demoPersonas(3);
    const none = createLexicalEmbedderService();
    expect((await rejection(embedPersonas(db, 's', none, personas))).name).toBe('ModelError');
    await none.load('lexical');
    expect((await rejection(embedPersonas(db, 's', none, personas))).message).toMatch(/fit it on the persona set/);
    const e = await fittedLexical(personas.map((p) => p.text));
    const err = await rejection(embedPersonas(db, 's', e, [...personas, personas[0]!]));
    expect(err).toMatchObject({ name: 'InputError' });
    expect(await countEmbeddings(db, 's')).toEqual(new Map());
  });

  test('through the real embedding worker (lexical): second call embeds 0', async () => {
    const db = await freshDb();
    const personas = await demoPersonas(300);
    const service = new EmbedderWorkerService();
    try {
      await service.load('lexical');
      await service.fit(personas.map((p) => p.text));
      const first = await embedPersonas(db, 'w', service, personas);
      expect(first).toMatchObject({ n: 300, embedded: 300 });
      const second = await embedPersonas(db, 'w', service, personas);
      expect(second).toMatchObject({ embedded: 0, reused: 300 });
      expect(Array.from(second.vectors)).toEqual(Array.from(first.vectors));
    } finally {
      service.terminate();
    }
  });
});
