/**
 * Seeded random reloads during an import through the Corpus stage: after each reload the store is
 * consistent (no corpus left 'importing', every corpus either complete or absent, posts and authors
 * counts those of whole corpora) and importing again works. Delays come from src/core/rng.ts, so a
 * failure reproduces with the same seed.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { Rng } from '../../src/core/rng';
import { generateCorpus, startImport, storeCounts, type StoreCounts } from './corpus-gen';
import { openApp, openSession, type Session } from './helpers';

const baseUrl = inject('baseUrl');
const SEED = 20_261_126;
const RELOADS = 6;

describe('reloads at seeded random points of an import', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl, { serviceWorkers: 'block' });
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Waits for the shell and its start-up clean-up: no record left 'importing' or 'deleting'. */
  async function settled(): Promise<StoreCounts> {
    await s.page.locator('app-shell nav a[data-stage="corpus"]').waitFor({ timeout: 30_000 });
    await expect
      .poll(async () => (await storeCounts(s.page)).corpora.filter((c) => c.status !== 'ready').map((c) => c.status), { timeout: 15_000 })
      .toEqual([]);
    return storeCounts(s.page);
  }

  test(`seed ${SEED}: ${RELOADS} reloads leave whole corpora or nothing, and a later import works`, async () => {
    const { page } = s;
    await openApp(page, baseUrl);
    const files = generateCorpus(3, 30, 40, 400_000); // about 12 MB, so the import lasts a while
    // One uninterrupted import: its duration bounds the delays, its counts are "complete".
    await startImport(page, files, 'Whole');
    const t0 = Date.now(); // from the click: handing the files to the page is not part of the import
    await page.locator('[data-testid="import-done"]').waitFor({ timeout: 60_000 });
    const fullMs = Date.now() - t0;
    const one = await settled();
    expect(one.corpora).toEqual([expect.objectContaining({ name: 'Whole', status: 'ready', posts: 30 * 40, authors: 30 })]);
    const pagesPerCorpus = one.posts;
    const authorsPerCorpus = one.authors;

    const rng = new Rng(SEED);
    const log: string[] = [];
    for (let i = 0; i < RELOADS; i++) {
      // Mostly inside the import, sometimes just after it.
      const delay = Math.floor(rng.next() * fullMs * 1.1);
      await startImport(page, files, `Reload ${i}`);
      await page.waitForTimeout(delay);
      const midway = (await page.locator('import-progress').count()) > 0;
      await page.reload();
      const c = await settled();
      const ready = c.corpora.length;
      log.push(`${delay} ms${midway ? ' (mid-import)' : ''} → ${ready} corpora`);
      // Every corpus left is whole; the interrupted one is either whole or gone.
      for (const corpus of c.corpora) expect(corpus).toEqual(expect.objectContaining({ status: 'ready', posts: 30 * 40, authors: 30 }));
      expect(c.posts).toBe(ready * pagesPerCorpus);
      expect(c.authors).toBe(ready * authorsPerCorpus);
      // The UI lists exactly the stored corpora, all complete.
      const rows = page.locator('corpus-list [data-testid="corpus-posts"]');
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(ready);
      for (const t of await rows.allTextContents()) expect(t).toBe('1,200');
    }
    console.log(`[e2e reload-import] seed ${SEED}, full import ${fullMs} ms; ${log.join('; ')}`);

    // Importing again works after all that.
    const before = await storeCounts(page);
    await startImport(page, files, 'After reloads');
    const done = page.locator('[data-testid="import-done"]');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toMatch(/1,200 posts by 30 authors/);
    const after = await settled();
    expect(after.corpora.length).toBe(before.corpora.length + 1);
    expect(after.posts).toBe(before.posts + pagesPerCorpus);
    expect(after.authors).toBe(before.authors + authorsPerCorpus);
  });
});
