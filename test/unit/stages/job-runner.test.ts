import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { personaSubject, type StoredPersona } from '../../../src/core/stages';
import { abortJob, processJobLock, runJob, summarizeJob, type ItemWorker, type JobRecord } from '../../../src/pipeline/job-runner';
import { JOURNAL_FILE, openFileStore } from '../../../src/pipeline/stages/file-store';
import { MemoryPipelineStore } from '../../../src/pipeline/stages/memory-store';
import { pipelineOptions, runPersonaPipeline, type PipelineAuthor } from '../../../src/pipeline/stages/persona-pipeline';
import type { PipelineStore } from '../../../src/pipeline/stages/store';
import { TEST_ENGINE_ID } from '../../../src/llm/test-engine';
import { engineCtx, makePosts } from './helpers';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pipeline-'));
  dirs.push(d);
  return d;
}

const AUTHORS: PipelineAuthor[] = Array.from({ length: 6 }, (_, i) => ({ key: `a${i}`, meta: { age: String(20 + i * 5), gender: i % 2 ? 'male' : 'female' } }));
const POSTS = new Map(AUTHORS.map((a, i) => [a.key, makePosts(6 + i * 2, 40 + i * 5).map((p) => ({ ...p, text: `${p.text} ${a.key} likes ${['tea', 'dogs', 'code', 'rain', 'jazz', 'maps'][i]}` }))]));
const posts = async (a: string) => POSTS.get(a) ?? [];

/** Counts complete() per job/key: each must be exactly 1 for no duplicates. */
function counting(store: PipelineStore): { store: PipelineStore; completions: Map<string, number> } {
  const completions = new Map<string, number>();
  const complete = store.complete.bind(store);
  store.complete = async (item, out) => {
    await complete(item, out);
    const k = `${item.jobId}/${item.key}`;
    completions.set(k, (completions.get(k) ?? 0) + 1);
  };
  return { store, completions };
}

/** What must be equal between two runs (timings and cache counters may differ). */
function essence(ps: StoredPersona[]): unknown[] {
  return ps.map((p) => ({ id: p.id, status: p.status, text: p.text, meta: p.meta, quality: p.quality, answers: p.answers, traits: p.traits, verbatim: p.stages.mine?.verbatim, judge: p.stages.quality?.judge?.raw }));
}

async function pipelineRun(store: PipelineStore, llm: Awaited<ReturnType<typeof engineCtx>>['llm'], extra: { signal?: AbortSignal; limit?: number } = {}) {
  return runPersonaPipeline({
    runId: 'r1', corpusId: 'c1', authors: AUTHORS, posts, store, llm, stages: ['mine', 'quality', 'profile'],
    options: pipelineOptions({ seed: 11, quality: { threshold: 3, rules: { minWords: 100, maxWords: 400 } } }), ...extra,
  });
}

let reference: StoredPersona[] = [];

describe('persona pipeline jobs', () => {
  test('uninterrupted run: every author mined once, assessed once, kept ones profiled once', async () => {
    const { llm } = await engineCtx();
    const { store, completions } = counting(new MemoryPipelineStore());
    const r = await pipelineRun(store, llm);
    expect(r.complete).toBe(true);
    expect(r.jobs.mine!.counts).toMatchObject({ done: 6, failed: 0, pending: 0, running: 0 });
    expect(r.jobs.quality!.counts.done).toBe(6);
    reference = await store.listPersonas('c1');
    const kept = reference.filter((p) => p.quality!.kept);
    expect(kept.length).toBeGreaterThan(0);
    expect(r.jobs.profile!.counts.done).toBe(kept.length);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(completions.size).toBe(6 + 6 + kept.length);
    for (const p of kept) expect(p.status).toBe('profiled');
    // Running again does nothing and changes nothing.
    const again = await pipelineRun(store, llm);
    expect(again.jobs.mine!.runItems + again.jobs.quality!.runItems + again.jobs.profile!.runItems).toBe(0);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
  });

  test('a lost GPU device midway stops the job; after reloading it resumes without duplicates and ends as the uninterrupted run', async () => {
    // Call numbers count every engine call; ~300 falls inside the questionnaire stage.
    for (const failAt of [5, 30, 300]) {
      const { llm } = await engineCtx({ failures: { [failAt]: 'device-lost' } });
      const { store, completions } = counting(new MemoryPipelineStore());
      await expect(pipelineRun(store, llm)).rejects.toMatchObject({ name: 'GpuError' });
      const jobs = await Promise.all(['mine', 'quality', 'profile'].map((s) => store.getJob(`r1:${s}`)));
      const failed = jobs.find((j) => j?.status === 'failed')!;
      expect(failed.error).toMatch(/GpuError: The GPU device was lost/);
      const sum = await summarizeJob(store, failed.id);
      expect(sum.counts.running).toBe(0); // the interrupted item went back to pending
      expect(sum.counts.failed).toBe(0);
      await llm.load(TEST_ENGINE_ID);
      const r = await pipelineRun(store, llm);
      expect(r.complete).toBe(true);
      expect([...completions.values()].every((n) => n === 1)).toBe(true);
      expect(essence(await store.listPersonas('c1'))).toEqual(essence(reference));
    }
  });

  test('pause and cancel: interrupted item back to pending, resume finishes it', async () => {
    const { llm } = await engineCtx({ msPerToken: 0.05 });
    const { store, completions } = counting(new MemoryPipelineStore());
    const ctrl = new AbortController();
    let pausedOnce = false;
    const r = await runPersonaPipeline({
      runId: 'r1', corpusId: 'c1', authors: AUTHORS, posts, store, llm, stages: ['mine', 'quality', 'profile'],
      options: pipelineOptions({ seed: 11, quality: { threshold: 3, rules: { minWords: 100, maxWords: 400 } } }), signal: ctrl.signal,
      onProgress: (p) => {
        if (!pausedOnce && p.stage === 'mine' && p.done === 2) {
          pausedOnce = true;
          abortJob(ctrl, 'pause');
        }
      },
      progressEveryMs: 0, // report every item so the pause lands right after the second
    });
    expect(r.complete).toBe(false);
    const job = await store.getJob('r1:mine');
    expect(job).toMatchObject({ status: 'paused', stoppedBy: 'pause' });
    const s = await summarizeJob(store, 'r1:mine');
    expect(s.counts.running).toBe(0);
    expect(s.counts.done + s.counts.pending).toBe(6);
    const cancel = new AbortController();
    abortJob(cancel, 'cancel');
    await pipelineRun(store, llm, { signal: cancel.signal });
    expect(await store.getJob('r1:mine')).toMatchObject({ status: 'cancelled', stoppedBy: 'cancel' });
    const done = await pipelineRun(store, llm);
    expect(done.complete).toBe(true);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(essence(await store.listPersonas('c1'))).toEqual(essence(reference));
  });

  test('pilot limit: N authors per stage, a larger limit later continues', async () => {
    const { llm } = await engineCtx();
    const { store, completions } = counting(new MemoryPipelineStore());
    const r = await pipelineRun(store, llm, { limit: 2 });
    expect(r.jobs.mine!.job).toMatchObject({ status: 'paused', stoppedBy: 'limit' });
    expect(r.jobs.mine!.counts.done).toBe(2);
    expect(r.jobs.quality!.counts.done).toBe(2);
    expect((await store.listPersonas('c1')).map((p) => personaSubject(p))).toEqual(['a0', 'a1']);
    const r2 = await pipelineRun(store, llm);
    expect(r2.complete).toBe(true);
    expect(r2.jobs.quality!.job.total).toBe(6);
    expect([...completions.values()].every((n) => n === 1)).toBe(true);
    expect(essence(await store.listPersonas('c1'))).toEqual(essence(reference));
  });

  test('progress: items done of total, throughput (items/hour, tokens/s) and ETA', async () => {
    const { llm } = await engineCtx();
    const seen: { done: number; total?: number; counts?: Record<string, number> }[] = [];
    await runPersonaPipeline({
      runId: 'p', corpusId: 'c1', authors: AUTHORS, posts, store: new MemoryPipelineStore(), llm, stages: ['mine'], options: pipelineOptions(),
      onProgress: (p) => seen.push(p), progressEveryMs: 0,
    });
    expect(seen.map((p) => p.done)).toEqual([0, 1, 2, 3, 4, 5, 6, 6]);
    expect(seen.every((p) => p.total === 6)).toBe(true);
    const mid = seen[3]!.counts!;
    expect(mid['itemsPerHour']).toBeGreaterThan(0);
    expect(mid['tokensPerSecond']).toBeGreaterThan(0);
    expect(mid['etaMs']).toBeGreaterThanOrEqual(0);
    expect(mid['promptTokens']).toBeGreaterThan(0);
    expect(seen[seen.length - 1]!.counts!['etaMs']).toBe(0);
  });

  test('item-level failures are recorded with their reason and the job goes on', async () => {
    const { llm } = await engineCtx();
    const store = new MemoryPipelineStore();
    const r = await runPersonaPipeline({
      runId: 'r2', corpusId: 'c1', authors: [...AUTHORS.slice(0, 2), { key: 'empty', meta: {} }], posts, store, llm, stages: ['mine'], options: pipelineOptions(),
    });
    expect(r.jobs.mine!.counts).toMatchObject({ done: 2, failed: 1 });
    const failed = (await store.listItems('r2:mine')).find((i) => i.state === 'failed')!;
    expect(failed).toMatchObject({ key: 'empty', attempts: 1 });
    expect(failed.reason).toMatch(/^InputError: Author empty has no posts/);
  });

  test('single writer: a second runner of the same job is refused', async () => {
    const store = new MemoryPipelineStore();
    const now = Date.now();
    const job: JobRecord = { id: 'j', stage: 'x', corpusId: 'c', createdAt: now, updatedAt: now, status: 'pending', options: {}, total: 0 };
    await store.createJob(job, ['k1', 'k2']);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const worker: ItemWorker<StoredPersona> = {
      async process(key) {
        await gate;
        return { output: { ...reference[0]!, id: key }, promptTokens: 1, completionTokens: 1 };
      },
    };
    const lock = processJobLock();
    const first = runJob(store, 'j', worker, { lock });
    await expect(runJob(store, 'j', worker, { lock })).rejects.toThrow(/already running/);
    release();
    expect((await first).counts.done).toBe(2);
  });
});

describe('file-backed store', () => {
  test('resumes from its journal; a torn last line (crash mid-write) leaves that item to be redone once', async () => {
    const dir = tmp();
    const { llm } = await engineCtx();
    const s1 = openFileStore(dir, { fsync: false });
    const r1 = await runPersonaPipeline({ runId: 'r1', corpusId: 'c1', authors: AUTHORS, posts, store: s1, llm, stages: ['mine'], options: pipelineOptions({ seed: 11 }) });
    expect(r1.complete).toBe(true);
    s1.close();
    // Simulate a crash in the middle of writing the last 'done' line: cut it in half, and mark
    // the job as still running (as a killed process would have left it).
    const path = join(dir, JOURNAL_FILE);
    const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
    const lastDone = lines.map((l, i) => [l, i] as const).filter(([l]) => l.startsWith('{"t":"done"')).pop()!;
    const keep = lines.slice(0, lastDone[1]).join('\n').length + 1 + Math.floor(lastDone[0].length / 2);
    truncateSync(path, keep);
    expect(statSync(path).size).toBe(keep);
    const s2 = openFileStore(dir, { fsync: false });
    expect(s2.skippedLines).toBe(1);
    expect((await s2.listPersonas('c1')).length).toBe(5);
    const items = await s2.listItems('r1:mine');
    expect(items.filter((i) => i.state === 'running')).toHaveLength(1);
    const { completions } = counting(s2);
    const r2 = await runPersonaPipeline({ runId: 'r1', corpusId: 'c1', authors: AUTHORS, posts, store: s2, llm, stages: ['mine', 'quality', 'profile'], options: pipelineOptions({ seed: 11, quality: { threshold: 3, rules: { minWords: 100, maxWords: 400 } } }) });
    expect(r2.complete).toBe(true);
    expect(completions.get('r1:mine/a5')).toBe(1);
    expect([...completions.keys()].filter((k) => k.startsWith('r1:mine/'))).toEqual(['r1:mine/a5']);
    s2.close();
    // Reopened again: the same personas as the uninterrupted in-memory run.
    const s3 = openFileStore(dir);
    expect(s3.skippedLines).toBe(0); // opening compacted the journal: the torn line is gone
    // Compacted: each persona once, though mine, quality and profile each wrote it.
    const text = readFileSync(path, 'utf8');
    expect(text.split('"id":"c1/a0"').length - 1).toBe(1);
    expect(essence(await s3.listPersonas('c1'))).toEqual(essence(reference));
    s3.close();
  });
});
