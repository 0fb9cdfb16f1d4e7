/**
 * A real, small storage quota (CDP Storage.overrideQuotaForOrigin), filled midway by an import
 * through the Corpus stage's file input: the browser's own QuotaExceededError, nothing injected.
 * The UI must show the QuotaError message and the store must end exactly as before the import.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { generateCorpus, startImport, storeCounts } from './corpus-gen';
import { openApp, openSession, type Session } from './helpers';

const baseUrl = inject('baseUrl');

describe('a small quota filled midway through an import', () => {
  let s: Session;
  beforeAll(async () => {
    // No service worker: its precache would count against the small quota.
    s = await openSession(baseUrl, { serviceWorkers: 'block' });
  });
  afterAll(async () => {
    await s?.close();
  });

  test('the import fails with the QuotaError message and the earlier corpus is untouched', async () => {
    const { page } = s;
    await openApp(page, baseUrl);
    const origin = new URL(baseUrl).origin;
    const cdp = await page.context().newCDPSession(page);
    const usage0 = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
    const quotaSize = usage0 + 3_000_000;
    await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize });
    // Chromium enforces the override on writes (QuotaExceededError) though estimate() in an
    // off-the-record context keeps reporting its default quota.

    // A small corpus first: 3 authors × 4 posts, about 30 KB.
    await startImport(page, generateCorpus(1, 3, 4, 10_000), 'Small corpus');
    const done = page.locator('[data-testid="import-done"]');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toMatch(/12 posts by 3 authors/);
    const before = await storeCounts(page);
    expect(before.corpora).toEqual([expect.objectContaining({ name: 'Small corpus', status: 'ready', posts: 12, authors: 3 })]);
    expect(before.posts).toBeGreaterThan(0);

    // Then one of about 12 MB of random words, four times the quota.
    const big = generateCorpus(2, 60, 20, 200_000);
    expect(big.reduce((n, f) => n + f.buffer.length, 0)).toBeGreaterThan(4 * 3_000_000);
    await startImport(page, big, 'Too big');
    const err = page.locator('[data-testid="import-error"]');
    await err.waitFor({ timeout: 120_000 });
    const message = (await err.textContent()) ?? '';
    expect(message).toMatch(/Browser storage is full/);
    expect(message).toMatch(/request persistent storage/);
    expect(message).toMatch(/nothing was imported/);

    // The store is exactly as before: the small corpus, complete, and nothing of the big one.
    await expect.poll(() => storeCounts(page), { timeout: 20_000 }).toEqual(before);
    const rows = page.locator('corpus-list [data-testid="corpus-posts"]');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().textContent()).toBe('12');
    expect(await page.locator('corpus-list [data-testid="corpus-authors"]').first().textContent()).toBe('3');

    // And the store still works after the failure: a reload lists the same corpus, nothing stuck.
    await page.reload();
    await page.locator('corpus-list [data-testid="corpus-posts"]').first().waitFor({ timeout: 30_000 });
    expect(await storeCounts(page)).toEqual(before);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  });
});
