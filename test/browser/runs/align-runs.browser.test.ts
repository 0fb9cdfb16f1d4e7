/**
 * Align runs as stored runs, in Chromium through the real compute worker and IndexedDB: what a
 * finished run keeps, cancelled and failed runs, Resume of a run whose tab died (same selection as
 * an uninterrupted run), and a run another tab computes (shown as running there, not resumable).
 */
import axe from 'axe-core';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import type { StoredRun } from '../../../src/contracts/run';
import { AppError } from '../../../src/core/errors';
import { fetchPublicText } from '../../../src/components/align-stage/default-runner';
import { serviceAlignRunner } from '../../../src/pipeline/align-runner';
import { runAlignStage, runAlignStageRecorded, type AlignStageInput, type AlignStageServices } from '../../../src/pipeline/align-stage';
import { AlignService } from '../../../src/services/align-service';
import { RunStore, runLockName } from '../../../src/storage/run-store';
import '../../../src/components/align-stage/align-stage';
import { rejection, uniqueDbName } from '../db-helpers';
import { deepQuery, text, waitFor, waitForEl } from '../ui/helpers';

const service = new AlignService();
const services: AlignStageServices = { align: serviceAlignRunner(service), fetchText: fetchPublicText };
const stores: RunStore[] = [];
function freshStore(): { store: RunStore; dbName: string } {
  const dbName = uniqueDbName('align-runs');
  const store = new RunStore(dbName);
  stores.push(store);
  return { store, dbName };
}
afterAll(async () => {
  service.terminate();
  for (const s of stores) await s.close();
});
afterEach(() => document.body.replaceChildren());

const input = (method: AlignStageInput['options']['method'], size = 120, seed = 7): AlignStageInput => ({
  pool: { kind: 'demo' },
  reference: { kind: 'builtin', entryId: 'global', n: 1500, seed: 4 },
  options: { method, size, seed, prefer: 'cpu' },
});

describe('runAlignStageRecorded', () => {
  test('a done IS run keeps manifest, pool, judged reference, selection, baseline, IS weights, diagnostics and records', async () => {
    const { store } = freshStore();
    const seen: StoredRun['status'][] = [];
    const spy = { ...store, putRun: async (r: StoredRun) => (seen.push(r.status), store.putRun(r)), getRun: (id: string) => store.getRun(id), withRunLock: <T>(id: string, fn: () => Promise<T>) => store.withRunLock(id, fn) };
    const rec = await runAlignStageRecorded(undefined, 'run-is', input('is'), { ...services, runs: spy });
    expect(seen).toEqual(['running', 'done']);
    expect(rec.storeError).toBeUndefined();
    const run = (await store.getRun('run-is'))!;
    expect(run.status).toBe('done');
    expect(run.kind).toBe('align');
    expect(run.title).toBe('is · K=120 · demo personas vs builtin:global');
    expect(run.request).toEqual(input('is'));
    const r = run.result!;
    const live = rec.result;
    expect(r.manifest.format).toBe('persona-align/align-run@1');
    expect((r.manifest.result as { selectedSha256: string }).selectedSha256).toBe(live.manifest.result.selectedSha256);
    expect(Array.from(r.selected)).toEqual(Array.from(live.align.selected));
    expect(r.selected.length).toBe(120);
    expect(Array.from(r.randomIndices)).toEqual(Array.from(live.randomIndices));
    expect(r.pool.n).toBe(live.pool.cloud.n);
    expect(r.pool.points.length).toBe(r.pool.n * 5);
    expect(r.poolIds).toEqual(live.pool.ids);
    expect(r.records!.map((p) => p.id)).toEqual(live.pool.ids);
    // The judged reference is the held-out part: its size is what the evaluation names.
    expect(r.reference.n).toBe(live.diagnostics.evaluation.heldOut);
    expect(r.reference.n).toBeLessThan(1500);
    expect(r.importanceWeights).toBeInstanceOf(Float64Array);
    expect(r.importanceWeights!.length).toBe(r.pool.n);
    expect(r.ess).toBeCloseTo(live.align.ess, 12);
    expect(r.diagnostics.selected.energy).toBe(live.diagnostics.selected.energy);
    expect(r.diagnostics.floor?.energy).toBe(live.diagnostics.floor?.energy);
    expect(r.diagnostics.unit).toBe('reference SD');
    const typed = [r.pool.points, r.pool.weights, r.reference.points, r.reference.weights, r.selected, r.randomIndices, r.importanceWeights!].reduce((s, a) => s + a.byteLength, 0);
    console.log(`[align-runs] stored run: typed arrays ${(typed / 1024).toFixed(0)} KiB, records ${(JSON.stringify(r.records).length / 1024).toFixed(0)} KiB as JSON`);
  });

  test('nearest has no importance weights; a cancelled run is stored cancelled, a bad K failed with its error', async () => {
    const { store } = freshStore();
    const near = await runAlignStageRecorded(undefined, 'n', input('nearest'), { ...services, runs: store });
    expect(near.result.align.importance).toBeUndefined();
    expect((await store.getRun('n'))!.result!.importanceWeights).toBeUndefined();

    const ac = new AbortController();
    const cancelled = rejection(
      runAlignStageRecorded(ac.signal, 'c', { ...input('ot'), options: { ...input('ot').options, sinkhorn: { tol: 1e-12, maxIter: 100_000 } } }, { ...services, runs: store }, (p) => {
        if (p.stage === 'sinkhorn') ac.abort();
      }),
    );
    expect((await cancelled).name).toBe('AbortError');
    const c = (await store.getRun('c'))!;
    expect(c.status).toBe('cancelled');
    expect(c.result).toBeUndefined();

    const bad = await rejection(runAlignStageRecorded(undefined, 'b', input('nearest', 99_999), { ...services, runs: store }));
    expect(bad.name).toBe('InputError');
    const b = (await store.getRun('b'))!;
    expect(b.status).toBe('failed');
    expect(b.error).toEqual({ name: 'InputError', message: bad.message });
  });

  test('a run another tab holds the lock of is refused at once and not written', async () => {
    const { store, dbName } = freshStore();
    let release!: () => void;
    await new Promise<void>((granted) => {
      void navigator.locks.request(runLockName(dbName, 'x'), async () => {
        granted();
        await new Promise<void>((r) => (release = r));
      });
    });
    const e = await rejection(runAlignStageRecorded(undefined, 'x', input('nearest'), { ...services, runs: store }));
    expect(e.name).toBe('StorageError');
    expect(await store.getRun('x')).toBeUndefined();
    release();
  });
});

/** axe-core (WCAG 2 A/AA) over the page: serious and critical violations only. */
async function seriousViolations(): Promise<string[]> {
  const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => JSON.stringify(n.target)).join(' ')}`);
}

/** A run as a tab that died mid-way leaves it: 'running', with its request, no result. */
function orphan(id: string, req: AlignStageInput): StoredRun {
  const t = new Date(Date.now() - 60_000).toISOString();
  return { id, kind: 'align', status: 'running', title: 'orphan', createdAt: t, updatedAt: t, request: req };
}

async function mount(store: RunStore): Promise<HTMLElement> {
  const el = document.createElement('align-stage');
  el.runner = serviceAlignRunner(service);
  el.runs = store;
  document.body.append(el);
  await el.updateComplete;
  return el;
}

describe('<align-stage> resume', () => {
  test('an interrupted run is offered; Resume finishes it under its id with the same selection as an uninterrupted run', async () => {
    const { store } = freshStore();
    const req = input('semi-relaxed', 150, 3);
    const left = orphan('dead', req);
    await store.putRun(left);
    await mount(store);
    const offer = await waitForEl('align-stage [data-testid="al-resume"]', 10_000);
    expect(text(offer)).toContain('orphan');
    expect(deepQuery('align-stage [data-testid="al-elsewhere"]')).toBeNull();
    // A labelled region with two real buttons (keyboard-reachable), and no axe violations.
    expect(offer.tagName).toBe('SECTION');
    expect(text(offer.querySelector(`#${offer.getAttribute('aria-labelledby')!}`))).toBe('Interrupted alignment');
    expect([...offer.querySelectorAll('button')].map((b) => [b.type, text(b)])).toEqual([['button', 'Resume'], ['button', 'Discard']]);
    expect(await seriousViolations()).toEqual([]);
    const resume = [...offer.querySelectorAll('button')].find((b) => text(b) === 'Resume')!;
    resume.click();
    await waitForEl('align-results [data-testid="al-metrics"]', 90_000);
    await expect.poll(async () => (await store.getRun('dead'))?.status, { timeout: 10_000 }).toBe('done');
    const done = (await store.getRun('dead'))!;
    expect(done.createdAt).toBe(left.createdAt);
    expect(Date.parse(done.updatedAt)).toBeGreaterThan(Date.parse(done.createdAt));
    const fresh = await runAlignStage(undefined, req, services);
    expect((done.result!.manifest.result as { selectedSha256: string }).selectedSha256).toBe(fresh.manifest.result.selectedSha256);
    expect(deepQuery('align-stage [data-testid="al-resume"]')).toBeNull();
    expect(await store.findInterruptedRuns('align')).toEqual([]);
  });

  test('without usable storage the alignment still runs, unstored, and the status says so', async () => {
    const broken = async (): Promise<never> => {
      throw new AppError('StorageError', 'Could not open the database: disabled. If this repeats, reload the page.');
    };
    const el = document.createElement('align-stage');
    el.runner = serviceAlignRunner(service);
    el.runs = { putRun: broken, getRun: broken, withRunLock: broken, findInterruptedRuns: broken, markInterrupted: broken, listRuns: broken, isRunLocked: broken };
    document.body.append(el);
    await waitFor(() => deepQuery('align-stage select[name="builtinId"] option'), 10_000, 'built-in regions');
    deepQuery<HTMLButtonElement>('align-stage button[type="submit"]')!.click();
    await waitForEl('align-results [data-testid="al-metrics"]', 60_000);
    await waitFor(() => text(deepQuery('align-stage [data-testid="al-status"]')).includes('not stored'), 5_000, 'status');
    expect(text(deepQuery('align-stage [data-testid="al-status"]'))).toMatch(/^Done: selected \d+ personas\. This run is not stored \(Could not open the database/);
    expect(deepQuery('align-stage [data-testid="al-error"]')).toBeNull();
  });

  test('Discard marks the run interrupted and the offer goes away', async () => {
    const { store } = freshStore();
    await store.putRun(orphan('gone', input('nearest')));
    await mount(store);
    const offer = await waitForEl('align-stage [data-testid="al-resume"]', 10_000);
    [...offer.querySelectorAll('button')].find((b) => text(b) === 'Discard')!.click();
    await waitFor(() => deepQuery('align-stage [data-testid="al-resume"]') === null, 10_000, 'offer gone');
    const r = (await store.getRun('gone'))!;
    expect(r.status).toBe('failed');
    expect(r.error?.name).toBe('InterruptedError');
  });

  test('a run another tab is computing is shown as running elsewhere, never offered for resume, until that tab is gone', async () => {
    const { store, dbName } = freshStore();
    await store.putRun(orphan('busy', input('nearest')));
    let release!: () => void;
    await new Promise<void>((granted) => {
      void navigator.locks.request(runLockName(dbName, 'busy'), async () => {
        granted();
        await new Promise<void>((r) => (release = r));
      });
    });
    await mount(store);
    const note = await waitForEl('align-stage [data-testid="al-elsewhere"]', 10_000);
    expect(text(note)).toContain('another tab');
    expect(note.getAttribute('role')).toBe('status');
    expect(deepQuery('align-stage [data-testid="al-resume"]')).toBeNull();
    expect(await seriousViolations()).toEqual([]);
    // That tab dies (its lock goes, the run stays 'running'): the element notices and offers Resume.
    release();
    await waitForEl('align-stage [data-testid="al-resume"]', 10_000);
    expect(deepQuery('align-stage [data-testid="al-elsewhere"]')).toBeNull();
  });
});
