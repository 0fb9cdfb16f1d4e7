/**
 * Stages 2–4 in the browser: the demo corpus imported through the real import worker into real
 * IndexedDB, mined, assessed and profiled with the test engine through the IndexedDB job store;
 * then a crash midway (a model call that never returns, the database connection dropped, the
 * runner dying on its next write) and a restart that resumes without duplicates and ends with the
 * same personas as an uninterrupted run.
 */
import { openDB } from 'idb';
import { afterAll, describe, expect, test } from 'vitest';
import type { ChoiceRequest, ChoiceResponse } from '../../../src/contracts/llm';
import { personaSubject, type StoredPersona } from '../../../src/core/stages/types';
import { AppError } from '../../../src/core/errors';
import { createTestEngine, TEST_ENGINE_ID, type TestEngine } from '../../../src/llm/test-engine';
import { fetchDemoCorpus } from '../../../src/components/import-panel/demo-corpus';
import { ImportService } from '../../../src/services/import-service';
import { getPosts, listAuthors } from '../../../src/storage/corpus-store';
import { DB_VERSION, openAppDb, STORE_NAMES, type AppDb } from '../../../src/storage/db';
import { findInterruptedJobs, IdbPipelineStore, listJobs, webLocksJobLock } from '../../../src/storage/job-store';
import { applyThreshold, countPersonas, listPersonas } from '../../../src/storage/persona-store';
import { pipelineOptions, runPersonaPipeline, type PipelineAuthor } from '../../../src/pipeline/stages/persona-pipeline';
import { runJob, type JobRecord } from '../../../src/pipeline/job-runner';

const services: ImportService[] = [];
const dbs: AppDb[] = [];
afterAll(() => {
  services.forEach((s) => s.terminate());
  dbs.forEach((d) => d.close());
});

let n = 0;
const freshName = (): string => `test-stages-${Date.now()}-${Math.random().toString(36).slice(2)}-${n++}`;

async function importDemo(dbName: string): Promise<{ db: AppDb; corpusId: string; authors: PipelineAuthor[] }> {
  const service = new ImportService({ dbName });
  services.push(service);
  const info = await service.importCorpus({ name: 'demo', sources: await fetchDemoCorpus('/demo-corpus/') });
  const db = await openAppDb(dbName);
  dbs.push(db);
  // 10 authors keep the run short; the order is the stored author order (by key).
  const authors = (await listAuthors(db, info.id, { sort: 'key' })).slice(0, 10).map((a) => ({ key: a.key, meta: a.meta }));
  return { db, corpusId: info.id, authors };
}

const OPTIONS = pipelineOptions({ seed: 5, quality: { threshold: 3 } });

async function loadedEngine(): Promise<TestEngine> {
  const llm = createTestEngine({ seed: 2 });
  await llm.load(TEST_ENGINE_ID);
  return llm;
}

function essence(ps: StoredPersona[]): unknown[] {
  return ps
    .map((p) => ({ author: personaSubject(p), status: p.status, text: p.text, meta: p.meta, quality: p.quality, answers: p.answers, traits: p.traits, flags: p.stages.profile?.flags }))
    .sort((a, b) => (a.author < b.author ? -1 : 1));
}

function counting(store: IdbPipelineStore, completions: Map<string, number>): IdbPipelineStore {
  const complete = store.complete.bind(store);
  store.complete = async (item, out) => {
    await complete(item, out);
    const k = `${item.jobId.split(':').pop()}/${item.key}`;
    completions.set(k, (completions.get(k) ?? 0) + 1);
  };
  return store;
}

describe('persona stages on IndexedDB', () => {
  test('v3 schema: personas, jobs, jobItems; an existing v2 database upgrades', async () => {
    const name = freshName();
    const v2 = await openDB(name, 2, {
      upgrade(db) {
        for (const s of ['corpora', 'references']) db.createObjectStore(s, { keyPath: 'id' });
        db.createObjectStore('authors', { keyPath: ['corpusId', 'key'] });
        db.createObjectStore('posts');
        db.createObjectStore('referenceData');
      },
    });
    await v2.put('corpora', { id: 'kept-through-upgrade' });
    v2.close();
    const db = await openAppDb(name);
    dbs.push(db);
    expect(db.version).toBe(DB_VERSION);
    expect([...db.objectStoreNames].sort()).toEqual([...STORE_NAMES].sort());
    expect([...db.transaction('personas').store.indexNames].sort()).toEqual(['corpusId', 'corpusStatus']);
    expect(await db.get('corpora', 'kept-through-upgrade')).toBeTruthy();
  });

  test('mine → quality → questionnaire; a crash midway resumes without duplicates and matches an uninterrupted run', async () => {
    // Uninterrupted reference run in its own database.
    const ref = await importDemo(freshName());
    const refResult = await runPersonaPipeline({
      runId: 'demo', corpusId: ref.corpusId, authors: ref.authors, posts: (a) => getPosts(ref.db, ref.corpusId, a),
      store: new IdbPipelineStore(ref.db), llm: await loadedEngine(), stages: ['mine', 'quality', 'profile'], options: OPTIONS,
      lock: webLocksJobLock(ref.db),
    });
    expect(refResult.complete).toBe(true);
    expect(refResult.jobs.mine!.counts).toMatchObject({ done: 10, failed: 0 });
    const refPersonas = await listPersonas(ref.db, ref.corpusId);
    expect(refPersonas).toHaveLength(10);
    const counts = await countPersonas(ref.db, ref.corpusId);
    expect(counts.mined).toBe(0);
    expect(counts.profiled + counts.rejected).toBe(10);
    expect(counts.profiled).toBeGreaterThan(0);
    for (const p of refPersonas) {
      expect(p.stages.mine!.provenance.modelId).toBe('test-engine');
      if (p.status === 'profiled') expect(Object.keys(p.answers!)).toHaveLength(50);
    }

    // The crashing run: the 3rd persona's questionnaire hangs mid-way (a tab frozen in a model call).
    const dbName = freshName();
    const run = await importDemo(dbName);
    const completions = new Map<string, number>();
    const llm = await loadedEngine();
    let profiled = 0;
    let hang: ((e: Error) => void) | undefined;
    const hung = new Promise<void>((resolveHung) => {
      const choice = llm.choiceLogprobs.bind(llm);
      llm.choiceLogprobs = (req: ChoiceRequest): Promise<ChoiceResponse> => {
        profiled++;
        if (profiled !== 50 * 2 + 20) return choice(req);
        resolveHung();
        return new Promise((_, reject) => (hang = reject));
      };
    });
    const lock = webLocksJobLock(dbName);
    const first = runPersonaPipeline({
      runId: 'demo', corpusId: run.corpusId, authors: run.authors, posts: (a) => getPosts(run.db, run.corpusId, a),
      store: counting(new IdbPipelineStore(run.db), completions), llm, stages: ['mine', 'quality', 'profile'], options: OPTIONS, lock,
    });
    await hung;
    // While the hung runner lives, it holds the job's Web Lock: a second tab is refused at once.
    const db2 = await openAppDb(dbName);
    dbs.push(db2);
    await expect(runPersonaPipeline({
      runId: 'demo', corpusId: run.corpusId, authors: run.authors, posts: (a) => getPosts(db2, run.corpusId, a),
      store: new IdbPipelineStore(db2), llm: await loadedEngine(), stages: ['profile'], options: OPTIONS, lock,
    })).rejects.toThrow(/already running in another tab/);
    // The crash: the connection goes away, then the runner's next write fails and it dies.
    // While it hangs, its job is running and locked: not reported as interrupted.
    expect(await findInterruptedJobs(db2)).toEqual([]);
    run.db.close();
    hang!(new AppError('GpuError', 'device lost (simulated crash)'));
    await expect(first).rejects.toBeTruthy();
    // Dead runner, lock released, status still 'running': start-up finds it to offer "Resume".
    expect((await findInterruptedJobs(db2)).map((j) => j.stage)).toEqual(['profile']);

    // After the "restart": one item was left 'running'; a new runner puts it back and resumes.
    const profileJob = (await listJobs(db2, run.corpusId)).find((j) => j.stage === 'profile')!;
    const store2 = counting(new IdbPipelineStore(db2), completions);
    const before = await store2.listItems(profileJob.id);
    expect(before.filter((i) => i.state === 'running')).toHaveLength(1);
    expect(before.filter((i) => i.state === 'done')).toHaveLength(2);
    const resumed = await runPersonaPipeline({
      runId: 'demo', corpusId: run.corpusId, authors: run.authors, posts: (a) => getPosts(db2, run.corpusId, a),
      store: store2, llm: await loadedEngine(), stages: ['mine', 'quality', 'profile'], options: OPTIONS, lock,
    });
    expect(resumed.complete).toBe(true);
    expect(resumed.jobs.mine!.runItems).toBe(0);
    expect(resumed.jobs.quality!.runItems).toBe(0);
    expect(resumed.jobs.profile!.runItems).toBe(counts.profiled - 2);
    // Every item completed exactly once over both runs; no item left running or pending.
    expect([...completions.values()].every((c) => c === 1)).toBe(true);
    expect(completions.size).toBe(10 + 10 + counts.profiled);
    for (const j of await listJobs(db2, run.corpusId)) {
      const items = await store2.listItems(j.id);
      expect(items.every((i) => i.state === 'done')).toBe(true);
      expect(j.status).toBe('done');
    }
    // Same personas as the uninterrupted run.
    const personas = await listPersonas(db2, run.corpusId);
    expect(personas).toHaveLength(10);
    expect(essence(personas)).toEqual(essence(refPersonas));

    // A lower threshold keeps more, from the stored scores, without a model; profiling the newly
    // kept extends the profile job with only those.
    const lower = await applyThreshold(db2, run.corpusId, 1);
    expect(lower.kept).toBeGreaterThanOrEqual(counts.profiled);
    const more = await runPersonaPipeline({
      runId: 'demo', corpusId: run.corpusId, authors: run.authors, posts: (a) => getPosts(db2, run.corpusId, a),
      store: store2, llm: await loadedEngine(), stages: ['profile'], options: OPTIONS, lock,
    });
    expect(more.jobs.profile!.runItems).toBe(lower.kept - counts.profiled);
    expect((await countPersonas(db2, run.corpusId)).profiled).toBe(lower.kept);
    expect([...completions.values()].every((c) => c === 1)).toBe(true);
  });

  test('IndexedDB job-store overhead per author (logged for bench/questionnaire.bench.ts; not a timed assertion)', async () => {
    const db = await openAppDb(freshName());
    dbs.push(db);
    const store = new IdbPipelineStore(db);
    const llm = await loadedEngine();
    const model = (await llm.info())!;
    const { mineAuthor } = await import('../../../src/core/stages/mining');
    const persona = await mineAuthor({ llm, model }, { corpusId: 'bench', author: 'x', meta: {}, posts: [{ seq: 0, date: '2004-01-01', text: 'I walked the dog and read a novel on the train today. '.repeat(20) }] });
    const now = Date.now();
    const job: JobRecord = { id: 'bench', stage: 'bench', corpusId: 'bench', createdAt: now, updatedAt: now, status: 'pending', options: {}, total: 0 };
    const n = 300;
    await store.createJob(job, Array.from({ length: n }, (_, i) => `a${i}`));
    const t0 = performance.now();
    const r = await runJob(store, 'bench', { process: async (key) => ({ output: { ...persona, id: `bench/${key}`, source: { ...persona.source, author: key } }, promptTokens: 0, completionTokens: 0 }) }, { lock: webLocksJobLock(db) });
    const per = (performance.now() - t0) / n;
    expect(r.counts.done).toBe(n);
    expect(await countPersonas(db, 'bench')).toMatchObject({ mined: n });
    console.log(`IndexedDB job-store overhead: ${per.toFixed(2)} ms/author over ${n} authors (${JSON.stringify(persona).length}-byte persona; Chromium, this machine)`);
  });
});
