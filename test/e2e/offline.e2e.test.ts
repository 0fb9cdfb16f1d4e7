/**
 * Offline: after one online visit the service worker has precached the app shell, the workers and
 * the built-in data; with the browser context offline, a reload renders the shell, the demo corpus
 * imports and the Align stage runs on the demo personas vs the built-in reference; the run is stored
 * (IndexedDB), its manifest downloads with the stored selection, and the Results stage opens it
 * with its metrics and figures; the Target stage builds a target group (lexical embedder) and stores it.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { importDemoCorpus, offOrigin, policyErrors, openApp, openSession, runAlignment, type Session } from './helpers';

const baseUrl = inject('baseUrl');

describe('offline after the first visit', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl);
  });
  afterAll(async () => {
    await s?.close();
  });

  test('installs the service worker, then reloads, imports the demo corpus and aligns with the network off', async () => {
    const { page, context } = s;
    const t0 = Date.now();
    const steps: string[] = [];
    const step = (m: string): void => void steps.push(`${((Date.now() - t0) / 1000).toFixed(1)} s ${m}`);
    await openApp(page, baseUrl);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 60_000 });
    step('service worker installed and controlling');
    // Installed (= precache complete), activated and controlling this page.
    const sw = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      const keys = await caches.keys();
      const cached = (await Promise.all(keys.map(async (k) => (await (await caches.open(k)).keys()).map((r) => new URL(r.url).pathname)))).flat();
      return { scope: reg.scope, state: reg.active?.state, cached };
    });
    expect(sw.state).toBe('activated');
    expect(sw.cached).toEqual(expect.arrayContaining(['/index.html', '/demo-corpus/index.json', '/demo-personas/personas.jsonl', '/reference/builtin-reference.json']));
    expect(sw.cached.some((p) => /^\/assets\/align\.worker-.+\.js$/.test(p))).toBe(true);
    expect(sw.cached.some((p) => /^\/assets\/import\.worker-.+\.js$/.test(p))).toBe(true);
    // No model weights in the precache.
    expect(sw.cached.filter((p) => /\.(bin|safetensors|onnx|gguf)$|params_shard/.test(p))).toEqual([]);

    step(`precached ${sw.cached.length} files`);
    await context.setOffline(true);
    const seen: { url: string; fromSw: boolean; status: number }[] = [];
    page.on('response', (r) => seen.push({ url: r.url(), fromSw: r.fromServiceWorker(), status: r.status() }));
    await page.reload();
    await page.locator('app-shell nav a[data-stage="align"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('app-shell #stage-title').textContent()).toBe('Corpus');
    step('reloaded offline: shell rendered');

    // Proof the network really is off for this context: a direct fetch that bypasses the SW cache fails.
    const direct = await page.evaluate(async () => {
      try {
        await fetch(`/not-precached-${Date.now()}.json`, { cache: 'no-store' });
        return 'reached';
      } catch (e) {
        return e instanceof Error ? e.name : String(e);
      }
    });
    expect(direct).toBe('TypeError');
    step('network confirmed off');

    const summary = await importDemoCorpus(page);
    expect(summary).toMatch(/by 40 authors/);
    step('demo corpus imported offline');
    const heading = await runAlignment(page, { method: 'nearest', size: '100', builtinN: '1000' });
    expect(heading).toMatch(/^Selected 100 of [\d,]+ personas$/);
    step('aligned offline');

    // The run is stored, done, with the selection the download names.
    const runs = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('persona-align');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      try {
        const all = await new Promise<unknown[]>((ok, fail) => {
          const r = db.transaction('runs', 'readonly').objectStore('runs').getAll();
          r.onsuccess = () => ok(r.result);
          r.onerror = () => fail(r.error);
        });
        return (all as { id: string; status: string; result?: { selected: Int32Array; manifest: { result: { selectedSha256: string } } } }[]).map((r) => ({
          id: r.id,
          status: r.status,
          selected: r.result?.selected.length ?? 0,
          sha: r.result?.manifest.result.selectedSha256 ?? '',
        }));
      } finally {
        db.close();
      }
    });
    expect(runs).toEqual([{ id: expect.stringMatching(/^align-/), status: 'done', selected: 100, sha: expect.stringMatching(/^[0-9a-f]{64}$/) }]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('align-results button', { hasText: 'Download run manifest (JSON)' }).click()]);
    const manifest = JSON.parse(await readFile((await download.path())!, 'utf8')) as { result: { selectedSha256: string; selected: number } };
    expect(manifest.result).toEqual(expect.objectContaining({ selectedSha256: runs[0]!.sha, selected: 100 }));
    step('run stored, manifest downloaded offline');

    // Everything up to here (shell, import, Align, the stored run, the download) ran under the CSP without a refusal.
    expect(policyErrors(s)).toEqual([]);

    // Results: the stored run opens with its metrics and figures, all offline.
    await page.locator('app-shell nav a[data-stage="results"]').click();
    const picker = page.locator('results-stage select[name="run"]');
    await picker.waitFor({ timeout: 30_000 });
    await picker.selectOption(runs[0]!.id);
    await expect.poll(async () => (await page.locator('results-stage [data-testid="rs-summary"]').textContent({ timeout: 30_000 })) ?? '', { timeout: 30_000 }).toMatch(/selected 100 of [\d,]+ personas/);
    await page.locator('results-stage [data-testid="rs-metrics"]').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('results-stage results-figure svg').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    step('results stage opened the run offline');

    // Target: one target group on the demo personas with the lexical embedder and the built-in reference.
    await page.locator('app-shell nav a[data-stage="target"]').click();
    await page.locator('target-stage #tg-run').waitFor({ timeout: 30_000 });
    await page.locator('target-stage input[name="size"]').fill('50');
    await page.locator('target-stage input[name="topN"]').fill('150');
    await page.locator('target-stage input[name="builtinN"]').fill('600');
    await page.locator('target-stage #tg-run').click();
    await page.locator('target-results [data-testid="tg-comparison"]').waitFor({ timeout: 150_000 });
    const kinds = await page.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((ok, fail) => {
        const r = indexedDB.open('persona-align');
        r.onsuccess = () => ok(r.result);
        r.onerror = () => fail(r.error);
      });
      try {
        const all = await new Promise<{ kind: string; status: string }[]>((ok, fail) => {
          const r = db.transaction('runs', 'readonly').objectStore('runs').getAll();
          r.onsuccess = () => ok(r.result as { kind: string; status: string }[]);
          r.onerror = () => fail(r.error);
        });
        return all.map((r) => `${r.kind}:${r.status}`).sort();
      } finally {
        db.close();
      }
    });
    expect(kinds).toEqual(['align:done', 'target:done']);
    step('target built offline');
    console.log(`[e2e offline] ${steps.join('; ')}`);

    // Everything the page loaded while offline came from the service worker's precache.
    const fromNetwork = seen.filter((r) => !r.fromSw && !r.url.startsWith('blob:') && !r.url.startsWith('data:') && r.status !== 0);
    expect(fromNetwork.map((r) => r.url)).toEqual([]);
    expect(seen.filter((r) => r.fromSw).length).toBeGreaterThan(5);
    expect(offOrigin(s.requests.map((r) => r.url), baseUrl)).toEqual([]);
    // No CSP or Trusted Types refusal anywhere, Results figures included (Plot's <style> is removed).
    expect(policyErrors(s)).toEqual([]);
  });
});
