/**
 * Seeded random reloads during an alignment in the built app's Align stage (demo personas vs the
 * built-in reference, CPU backend, a Sinkhorn method sized to take a few seconds): after each reload
 * a run the page left 'running' is offered for Resume (its lock died with the page); resuming it
 * finishes under the same run id with the same selection (selectedSha256) as an uninterrupted run,
 * and no run is ever left 'running' or stored twice.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { Rng } from '../../src/core/rng';
import { openApp, openSession, type Session } from './helpers';

const baseUrl = inject('baseUrl');
const SEED = 91_126;
const RELOADS = 4;

interface RunRow {
  id: string;
  status: string;
  sha: string | null;
  createdAt: string;
}

/** Every stored run, read with the raw IndexedDB API (independent of the app's store code). */
function storedRuns(page: Page): Promise<RunRow[]> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('persona-align');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    try {
      if (!db.objectStoreNames.contains('runs')) return [];
      const all = await new Promise<unknown[]>((ok, fail) => {
        const r = db.transaction('runs', 'readonly').objectStore('runs').getAll();
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      return (all as { id: string; status: string; createdAt: string; result?: { manifest?: { result?: { selectedSha256?: string } } } }[]).map((r) => ({
        id: r.id,
        status: r.status,
        createdAt: r.createdAt,
        sha: r.result?.manifest?.result?.selectedSha256 ?? null,
      }));
    } finally {
      db.close();
    }
  });
}

/** Align stage → OT on the CPU, K = 200 of the demo personas vs 600 built-in points; clicks Run. */
async function startAlignment(page: Page): Promise<void> {
  await page.locator('app-shell nav a[data-stage="align"]').click();
  await page.locator('align-stage select[name="builtinId"] option').first().waitFor({ state: 'attached', timeout: 30_000 });
  await page.locator('align-stage input[name="pool"][value="demo"]').check();
  await page.locator('align-stage input[name="reference"][value="builtin"]').check();
  await page.locator('align-stage select[name="method"]').selectOption('ot');
  const details = page.locator('align-stage align-form details');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  await page.locator('align-stage select[name="backend"]').selectOption('cpu');
  await page.locator('align-stage input[name="seed"]').fill('13');
  await page.locator('align-stage input[name="size"]').fill('200');
  await page.locator('align-stage input[name="builtinN"]').fill('600');
  await page.locator('align-stage button[type="submit"]').click();
}

async function resultsShown(page: Page): Promise<void> {
  await page.locator('align-results [data-testid="al-metrics"]').waitFor({ timeout: 150_000 });
}

describe('reloads at seeded random points of an alignment', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl, { serviceWorkers: 'block' });
  });
  afterAll(async () => {
    await s?.close();
  });

  test(`seed ${SEED}: ${RELOADS} interrupted alignments, each resumed to the selection of an uninterrupted run`, async () => {
    const { page } = s;
    await openApp(page, baseUrl, '#/align');
    // The uninterrupted run: its duration bounds the delays, its selection is the one to match.
    await startAlignment(page);
    const t0 = Date.now();
    await resultsShown(page);
    const fullMs = Date.now() - t0;
    console.log(`[e2e reload-align] uninterrupted run: ${fullMs} ms`);
    await expect.poll(async () => (await storedRuns(page)).map((r) => r.status), { timeout: 10_000 }).toEqual(['done']);
    const [ref] = await storedRuns(page);
    expect(ref!.sha).toMatch(/^[0-9a-f]{64}$/);

    const rng = new Rng(SEED);
    const log: string[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const before = new Set((await storedRuns(page)).map((r) => r.id));
      await startAlignment(page);
      // The run's record is written before any computing starts.
      await expect.poll(async () => (await storedRuns(page)).length, { timeout: 10_000 }).toBe(before.size + 1);
      const id = (await storedRuns(page)).find((r) => !before.has(r.id))!.id;
      // The first one is reloaded twice: once fresh, once again while being resumed.
      for (let k = 0; k < (i === 0 ? 2 : 1); k++) {
        const delay = Math.floor(rng.next() * fullMs * 1.1);
        await page.waitForTimeout(delay);
        const midway = (await page.locator('align-progress').count()) > 0;
        await page.reload();
        await page.locator('align-stage align-form').waitFor({ timeout: 30_000 });
        const run = (await storedRuns(page)).find((r) => r.id === id)!;
        log.push(`#${i}.${k} ${delay} ms${midway ? ' (mid-run)' : ''} → ${run.status}`);
        console.log(`[e2e reload-align] ${log.at(-1)}`);
        if (run.status === 'done') {
          // The reload came after the end: nothing to resume, the stored result is the same.
          expect(run.sha).toBe(ref!.sha);
          await expect.poll(() => page.locator('align-stage [data-testid="al-resume"]').count(), { timeout: 3_000 }).toBe(0);
          break;
        }
        expect(run.status).toBe('running');
        expect(run.sha).toBeNull();
        // Offered for resume: the page that ran it is gone, so is its lock.
        const offer = page.locator('align-stage [data-testid="al-resume"]');
        await offer.waitFor({ timeout: 10_000 });
        await offer.getByRole('button', { name: 'Resume' }).click();
        if (i === 0 && k === 0) continue; // reloaded again while resuming
        await resultsShown(page);
      }
      await expect.poll(async () => (await storedRuns(page)).find((r) => r.id === id)?.status, { timeout: 10_000 }).toBe('done');
      const runs = await storedRuns(page);
      expect(runs.find((r) => r.id === id)!.sha).toBe(ref!.sha);
      // One record per alignment started, all done, none left running.
      expect(runs.length).toBe(before.size + 1);
      expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'done'));
      expect(new Set(runs.map((r) => r.sha))).toEqual(new Set([ref!.sha]));
    }
    console.log(`[e2e reload-align] seed ${SEED}, uninterrupted ${fullMs} ms; ${log.join('; ')}`);
  }, 400_000);

  test('two tabs: a run one tab computes is shown as running elsewhere in the other, never resumable there; once done, neither offers it', async () => {
    const { page, context } = s;
    await openApp(page, baseUrl, '#/align');
    const before = new Set((await storedRuns(page)).map((r) => r.id));
    await startAlignment(page);
    await expect.poll(async () => (await storedRuns(page)).length, { timeout: 10_000 }).toBe(before.size + 1);
    const id = (await storedRuns(page)).find((r) => !before.has(r.id))!.id;
    const other = await context.newPage();
    try {
      await openApp(other, baseUrl, '#/align');
      await other.locator('align-stage align-form').waitFor({ timeout: 30_000 });
      const note = other.locator('align-stage [data-testid="al-elsewhere"]');
      await note.waitFor({ timeout: 10_000 });
      expect(await note.textContent()).toContain('another tab');
      expect(await other.locator('align-stage [data-testid="al-resume"]').count()).toBe(0);
      // The first tab finishes; the second one's note goes away without a reload, and nothing is offered.
      await resultsShown(page);
      await note.waitFor({ state: 'detached', timeout: 15_000 });
      expect(await other.locator('align-stage [data-testid="al-resume"]').count()).toBe(0);
      expect((await storedRuns(other)).find((r) => r.id === id)!.status).toBe('done');
    } finally {
      await other.close();
    }
  }, 300_000);
});
