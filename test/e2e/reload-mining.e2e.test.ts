/**
 * Seeded random reloads during a mining job (mine → quality → profile with the test engine, real
 * IndexedDB job store), driven through the app's modules in the test page pages/persona-jobs.html:
 * after each reload the job resumes under the same runId; at the end there are no duplicate
 * personas and the same set as an uninterrupted run.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { Rng } from '../../src/core/rng';
import { openSession, type Session } from './helpers';
import type { PersonaEssence, RunOutcome } from './pages/persona-jobs';

const baseUrl = inject('baseUrl');
const SEED = 77_003;
const RELOADS = 4;

describe('reloads at seeded random points of a mining job', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl, { serviceWorkers: 'block' });
  });
  afterAll(async () => {
    await s?.close();
  });

  async function openPage(): Promise<void> {
    await s.page.goto(`${baseUrl}/test/e2e/pages/persona-jobs.html`);
    await s.page.waitForFunction(() => document.body.dataset['ready'] === '1', undefined, { timeout: 30_000 });
  }

  test(`seed ${SEED}: ${RELOADS} interrupted runs, each resumed: no duplicates, same personas as an uninterrupted run`, async () => {
    const { page } = s;
    await openPage();
    // Uninterrupted reference run in its own database.
    const refCorpus = await page.evaluate(() => window.personaJobs.importDemo('e2e-mine-ref'));
    const t0 = Date.now();
    const refRun = await page.evaluate((c) => window.personaJobs.run('e2e-mine-ref', c, 'demo'), refCorpus);
    const fullMs = Date.now() - t0;
    expect(refRun).toEqual<RunOutcome>({ complete: true, statuses: { mine: 'done', quality: 'done', profile: 'done' } });
    const refPersonas = await page.evaluate((c) => window.personaJobs.personas('e2e-mine-ref', c), refCorpus);
    expect(refPersonas).toHaveLength(10);
    const refRecords = await page.evaluate(() => window.personaJobs.records('e2e-mine-ref'));
    const strip = (ps: PersonaEssence[]) => ps.map(({ id: _id, ...rest }) => rest).sort((a, b) => (a.author < b.author ? -1 : 1));

    // Interrupted runs: each on the same demo corpus in a fresh database, reloaded at a seeded point
    // (twice for the first), then resumed under the same runId and compared with the reference.
    const rng = new Rng(SEED);
    const log: string[] = [];
    for (let i = 0; i < RELOADS; i++) {
      const dbName = `e2e-mine-run-${i}`;
      const corpus = await page.evaluate((n) => window.personaJobs.importDemo(n), dbName);
      for (let k = 0; k < (i === 0 ? 2 : 1); k++) {
        const delay = Math.floor(rng.next() * fullMs);
        await page.evaluate(([n, c]) => window.personaJobs.start(n, c, 'demo'), [dbName, corpus] as const);
        await page.waitForTimeout(delay);
        const finished = await page.evaluate(() => document.body.dataset['run'] ?? '');
        await page.reload();
        await page.waitForFunction(() => document.body.dataset['ready'] === '1', undefined, { timeout: 30_000 });
        const r = await page.evaluate((n) => window.personaJobs.records(n), dbName);
        log.push(`#${i} ${delay} ms${finished ? ' (finished)' : ''}: ${r.personas} personas, ${r.jobs.map((j) => `${j.id.split(':')[1]}=${j.status}`).join(' ')}`);
        // Never more than one persona per author, whatever point the reload hit.
        expect(r.personas).toBeLessThanOrEqual(10);
        const ps = await page.evaluate(([n, c]) => window.personaJobs.personas(n, c), [dbName, corpus] as const);
        expect(new Set(ps.map((p) => p.author)).size).toBe(ps.length);
        // A job the closed page left 'running' is reported as interrupted (its lock died with the page).
        for (const j of r.jobs) if (j.status === 'running') expect(r.interrupted).toContain(j.id);
      }
      // Resume to the end: no duplicates, the same personas as the uninterrupted run.
      const resumed = await page.evaluate(([n, c]) => window.personaJobs.run(n, c, 'demo'), [dbName, corpus] as const);
      expect(resumed).toEqual<RunOutcome>({ complete: true, statuses: { mine: 'done', quality: 'done', profile: 'done' } });
      const after = await page.evaluate((n) => window.personaJobs.records(n), dbName);
      expect(after.personas).toBe(10);
      expect(after.interrupted).toEqual([]);
      expect(after.jobs.map((j) => j.total)).toEqual(refRecords.jobs.map((j) => j.total));
      expect(after.jobItems).toBe(refRecords.jobItems);
      const personas = await page.evaluate(([n, c]) => window.personaJobs.personas(n, c), [dbName, corpus] as const);
      expect(new Set(personas.map((p) => p.id)).size).toBe(10);
      expect(strip(personas)).toEqual(strip(refPersonas));
    }
    console.log(`[e2e reload-mining] seed ${SEED}, uninterrupted ${fullMs} ms; ${log.join('; ')}`);
  });
});
