/**
 * The OpenAI-compatible HTTP backend refuses a non-loopback server until the user opts in:
 * through the app's <llm-backend-picker> (Personas stage), and through the module itself in a
 * test-only page of the built app (pages/http-backend.html, same CSP). A loopback server is
 * simulated by routing the app's own 127.0.0.1 origin; nothing outside 127.0.0.1 is contacted.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { importDemoCorpus, offOrigin, openApp, openSession, policyErrors, type Session } from './helpers';

const baseUrl = inject('baseUrl');

describe('HTTP backend: loopback only unless the user opts in', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl);
    await s.page.goto(`${baseUrl}/test/e2e/pages/http-backend.html`);
    await s.page.locator('body[data-ready="1"]').waitFor({ state: 'attached', timeout: 20_000 });
  });
  afterAll(async () => {
    await s?.close();
  });

  test('non-loopback base URLs are refused before any request; loopback ones are accepted', async () => {
    const r = await s.page.evaluate(() => {
      const { checkBaseUrl, createHttpBackend } = window.httpBackend;
      const refusal = (url: string): string => {
        try {
          createHttpBackend({ baseUrl: url, model: 'm' });
          return 'accepted';
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      };
      return {
        remote: ['http://192.0.2.10:8080', 'https://llm.example.org/v1', 'http://10.0.0.5:11434', 'http://127.0.0.1.example.org'].map(refusal),
        local: ['http://127.0.0.1:8080', 'http://localhost:11434', 'http://[::1]:8000/v1'].map((u) => checkBaseUrl(u, false).host),
      };
    });
    for (const msg of r.remote) expect(msg).toMatch(/^InputError: Post text would leave this device: .* is not a loopback address/);
    expect(r.local).toEqual(['127.0.0.1:8080', 'localhost:11434', '[::1]:8000']);
    expect(s.requests.filter((q) => q.url.includes('/v1/'))).toEqual([]);
  });

  test('a loopback server is used (simulated on the app origin); an opted-in remote one is still stopped by the CSP', async () => {
    const { page } = s;
    await page.route('**/v1/models', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data: [{ id: 'local-model', max_model_len: 2048 }] }) }));
    await page.route('**/tokenize', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ tokens: [1, 2] }) }));
    const r = await page.evaluate(async (base) => {
      const { createHttpBackend } = window.httpBackend;
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
      const local = await createHttpBackend({ baseUrl: base, model: 'local-model', maxRetries: 0 }).load('local-model');
      let remote = '';
      try {
        await createHttpBackend({ baseUrl: 'http://192.0.2.10:8080', model: 'm', allowRemote: true, maxRetries: 0, timeoutMs: 5000 }).load('m');
        remote = 'loaded';
      } catch (e) {
        remote = `${(e as Error).name}: ${(e as Error).message}`;
      }
      await new Promise((res) => setTimeout(res, 200));
      return { local: { id: local.id, ctx: local.contextWindow, tokens: local.tokenCounter }, remote, violations };
    }, baseUrl);
    expect(r.local).toEqual({ id: 'local-model', ctx: 2048, tokens: 'exact' });
    // Opting in passes the backend's own check; the deployed CSP (connect-src) still refuses a
    // host it does not list, so the request never starts. Deployments that need a remote server
    // add it at build time (PA_CSP_CONNECT, see SECURITY.md).
    expect(r.remote).toMatch(/^ModelError: Could not reach the model server at 192\.0\.2\.10:8080/);
    expect(r.violations).toContain('connect-src http://192.0.2.10:8080/v1/models');
    expect(s.blocked).toEqual([]);
    expect(s.requests.filter((q) => q.url.includes('192.0.2.10'))).toEqual([]);
  });
});

describe('<llm-backend-picker> in the Personas stage', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl);
  });
  afterAll(async () => {
    await s?.close();
  });

  test('a remote server is refused until the box is ticked; a loopback server connects', async () => {
    const { page } = s;
    await page.route('**/v1/models', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ data: [{ id: 'local-model', max_model_len: 4096 }] }) }));
    await page.route('**/tokenize', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify({ tokens: [1] }) }));
    await page.addInitScript(() => {
      const w = window as unknown as { cspViolations: string[] };
      w.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
    });
    // The Personas stage (where the picker lives) needs a corpus.
    await openApp(page, baseUrl);
    await importDemoCorpus(page);
    await page.locator('app-shell nav a[data-stage="personas"]').click();
    const picker = page.locator('llm-backend-picker');
    await picker.waitFor({ timeout: 30_000 });
    await picker.locator('input[name="mode"][value="http"]').check();
    await picker.locator('input[name="baseUrl"]').fill('http://192.0.2.10:8080');
    await picker.locator('input[name="model"]').fill('remote-model');
    const optIn = picker.locator('input[name="allowRemote"]');
    await optIn.waitFor();
    expect(await optIn.isChecked()).toBe(false);
    expect(await picker.locator('.warn').textContent()).toContain('Post text will be sent to 192.0.2.10:8080 and leave this device');

    const check = picker.getByRole('button', { name: 'Check connection' });
    await check.click();
    const alert = picker.locator('.error[role="alert"]');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Post text would leave this device: 192\.0\.2\.10:8080 is not a loopback address/);
    expect(s.requests.filter((r) => r.url.includes('192.0.2.10'))).toEqual([]);

    // Opted in: the app lets the request go; the deployed CSP still stops an unlisted host.
    await optIn.check();
    await check.click();
    await picker.locator('.error[role="alert"]', { hasText: /Could not reach the model server at 192\.0\.2\.10:8080/ }).waitFor({ timeout: 60_000 });
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(violations).toContain('connect-src http://192.0.2.10:8080/v1/models');
    expect(s.blocked).toEqual([]);

    // A loopback server (simulated on the app's own origin) connects without any opt-in.
    await picker.locator('input[name="baseUrl"]').fill(baseUrl);
    await picker.locator('input[name="model"]').fill('local-model');
    expect(await picker.locator('input[name="allowRemote"]').count()).toBe(0);
    await check.click();
    await picker.getByText(`Connected to ${new URL(baseUrl).host}: local-model`).waitFor({ timeout: 30_000 });
    expect(s.requests.filter((r) => r.url.includes('192.0.2.10'))).toEqual([]);
    // The only policy refusal is the opted-in remote request (the picker, the llm worker and
    // web-llm's model list ran under the CSP and Trusted Types without any).
    expect(policyErrors(s, /192\.0\.2\.10/)).toEqual([]);
    // The whole session (Personas stage, model manager in the llm worker) stayed on the app's origin.
    expect(offOrigin(s.requests.map((r) => r.url), baseUrl)).toEqual([]);
    expect(s.blocked).toEqual([]);
  });
});
