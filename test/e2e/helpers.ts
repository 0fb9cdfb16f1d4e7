/**
 * Shared e2e plumbing: Debian's Chromium via playwright-core, and a recorder of every request the
 * page, its workers and its service worker make (Playwright events, a catch-all route, and
 * Chromium's own NetLog as a second witness that sees everything the network stack does).
 *
 * The browser cannot reach anything but 127.0.0.1 even if the app tried: every other host name
 * resolves to nothing (--host-resolver-rules), and the catch-all route aborts other origins.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page, type Request } from 'playwright';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../chromium';

export const chromiumArgs = [
  ...CHROMIUM_ARGS,
  // Nothing but loopback resolves: the tests can never contact another machine.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export interface Recorded {
  url: string;
  method: string;
  resourceType: string;
  body: string;
  /** Which hook saw it. */
  via: string;
}

export interface Session {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  requests: Recorded[];
  dialogs: string[];
  consoleErrors: string[];
  /** URLs aborted by the catch-all route because they were not on the app's origin. */
  blocked: string[];
  /** Closes the browser and returns every request Chromium's network stack started (its NetLog). */
  close(): Promise<NetLogRequest[]>;
}

function bodyOf(r: Request): string {
  try {
    return r.postData() ?? '';
  } catch {
    const buf = r.postDataBuffer();
    return buf ? buf.toString('utf8') : '';
  }
}

export async function openSession(baseUrl: string, opts: { serviceWorkers?: 'allow' | 'block' } = {}): Promise<Session> {
  const logDir = await mkdtemp(join(tmpdir(), 'pa-netlog-'));
  const netlog = join(logDir, 'netlog.json');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...chromiumArgs, `--log-net-log=${netlog}`, '--net-log-capture-mode=IncludeSensitive'],
  });
  const context = await browser.newContext({ serviceWorkers: opts.serviceWorkers ?? 'allow', acceptDownloads: true });
  const origin = new URL(baseUrl).origin;
  const requests: Recorded[] = [];
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];
  const blocked: string[] = [];
  const record = (via: string) => (r: Request) =>
    requests.push({ url: r.url(), method: r.method(), resourceType: r.resourceType(), body: bodyOf(r), via });
  context.on('request', record('context'));
  // In Chromium the context's request event also covers dedicated workers and the service worker.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin !== origin) {
      blocked.push(url);
      await route.abort('blockedbyclient');
    } else {
      await route.fallback();
    }
  });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(`pageerror: ${e.message}`));
  return {
    browser,
    context,
    page,
    requests,
    dialogs,
    consoleErrors,
    blocked,
    async close() {
      await context.close();
      await browser.close();
      let text = '';
      try {
        text = await readFile(netlog, 'utf8');
      } catch {
        text = '';
      }
      await rm(logDir, { recursive: true, force: true });
      return parseNetLog(text);
    },
  };
}

export interface NetLogRequest {
  url: string;
  method: string;
  /** The origin that caused it; "not an origin" for the browser's own services (updater, sign-in). */
  initiator: string;
  networkIsolationKey: string;
}

/** URL_REQUEST_START_JOB events of a NetLog written with --log-net-log. */
export function parseNetLog(text: string): NetLogRequest[] {
  interface Log {
    constants: { logEventTypes: Record<string, number> };
    events: { type: number; params?: Record<string, unknown> }[];
  }
  let log: Log;
  try {
    log = JSON.parse(text) as Log;
  } catch {
    // A log cut short by a crash: close the events array.
    log = JSON.parse(text.replace(/,?\s*$/, '') + ']}') as Log;
  }
  const start = log.constants.logEventTypes['URL_REQUEST_START_JOB'];
  return log.events
    // Begin events carry the URL; end events only a result code.
    .filter((e) => e.type === start && typeof e.params?.['url'] === 'string')
    .map((e) => ({
      url: String(e.params?.['url'] ?? ''),
      method: String(e.params?.['method'] ?? ''),
      initiator: String(e.params?.['initiator'] ?? ''),
      networkIsolationKey: String(e.params?.['network_isolation_key'] ?? ''),
    }));
}

/**
 * Requests from web content (the app's page, workers and service worker), as opposed to the
 * browser's own services, which have no initiating origin and are not the app's doing.
 */
export function fromWebContent(reqs: readonly NetLogRequest[], baseUrl: string): NetLogRequest[] {
  const origin = new URL(baseUrl).origin;
  return reqs.filter((r) => r.initiator !== 'not an origin' || r.networkIsolationKey.includes(origin));
}

/** Requests whose host is not the app's 127.0.0.1:<port> (blob:/data: URLs never touch the network). */
export function offOrigin(urls: readonly string[], baseUrl: string): string[] {
  const origin = new URL(baseUrl).origin;
  return urls.filter((u) => {
    if (u.startsWith('blob:') || u.startsWith('data:') || u.startsWith('chrome-extension:') || u.startsWith('about:')) return false;
    try {
      return new URL(u).origin !== origin;
    } catch {
      return true;
    }
  });
}

/** Console errors that report a CSP or Trusted Types refusal (the app must cause none itself). */
export function policyErrors(s: Session, except: RegExp = /^$/): string[] {
  return s.consoleErrors.filter((m) => /Content Security Policy|Trusted ?(Script|HTML|Types)/i.test(m) && !except.test(m));
}

/** Opens the app and waits for the shell to render its stage list. */
export async function openApp(page: Page, baseUrl: string, hash = '#/corpus'): Promise<void> {
  await page.goto(`${baseUrl}/${hash}`);
  await page.locator('app-shell nav a[data-stage="corpus"]').waitFor({ timeout: 30_000 });
}

/** Corpus stage → "Load demo corpus" → imported. Returns the summary text. */
export async function importDemoCorpus(page: Page): Promise<string> {
  await page.locator('app-shell nav a[data-stage="corpus"]').click();
  const load = page.locator('[data-testid="load-demo"]');
  await load.waitFor({ timeout: 30_000 });
  await load.click();
  // The demo files are fetched from this origin and imported at once.
  const done = page.locator('[data-testid="import-done"]');
  await done.waitFor({ timeout: 90_000 });
  return (await done.textContent()) ?? '';
}

/** Align stage: demo personas vs the built-in reference; returns the results heading. */
export async function runAlignment(page: Page, opts: { method: string; backend?: string; size: string; builtinN: string }): Promise<string> {
  await page.locator('app-shell nav a[data-stage="align"]').click();
  await page.locator('align-stage select[name="builtinId"] option').first().waitFor({ state: 'attached', timeout: 30_000 });
  await page.locator('align-stage input[name="pool"][value="demo"]').check();
  await page.locator('align-stage input[name="reference"][value="builtin"]').check();
  await page.locator('align-stage select[name="method"]').selectOption(opts.method);
  if (opts.backend) {
    const details = page.locator('align-stage align-form details');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    await page.locator('align-stage select[name="backend"]').selectOption(opts.backend);
  }
  await page.locator('align-stage input[name="size"]').fill(opts.size);
  await page.locator('align-stage input[name="builtinN"]').fill(opts.builtinN);
  await page.locator('align-stage button[type="submit"]').click();
  await page.locator('align-results [data-testid="al-metrics"]').waitFor({ timeout: 150_000 });
  return (await page.locator('align-results h3').first().textContent()) ?? '';
}

/** Distinctive snippets of the demo posts (40 characters from the middle of each <post>). */
export async function demoPostSnippets(distDir: string): Promise<string[]> {
  const index = JSON.parse(await readFile(join(distDir, 'demo-corpus/index.json'), 'utf8')) as unknown;
  const files = Array.isArray(index) ? index : (index as { files: unknown[] }).files;
  const names = files.map((f) => (typeof f === 'string' ? f : (f as { name: string }).name));
  const snippets: string[] = [];
  for (const name of names) {
    const xml = await readFile(join(distDir, 'demo-corpus', name), 'utf8');
    for (const m of xml.matchAll(/<post>\s*([\s\S]*?)\s*<\/post>/g)) {
      const t = (m[1] ?? '').replace(/\s+/g, ' ').trim();
      if (t.length >= 60) snippets.push(t.slice(Math.floor(t.length / 2) - 20, Math.floor(t.length / 2) + 20));
    }
  }
  return snippets;
}
