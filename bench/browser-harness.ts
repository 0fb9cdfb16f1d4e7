/**
 * What the browser benches (adapter, align-gpu, import, topk) share: reading `--name value` /
 * `--name=value`, a Vite dev server on a free 127.0.0.1 port for their pages under bench/pages/,
 * and (withBenchPage) one such page in Debian's Chromium (test/chromium.ts). The import bench
 * starts Chromium itself: it needs a persistent profile.
 */
import { freePort } from '../test/free-port';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/chromium';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type InlineConfig, type ViteDevServer } from 'vite';

/** The repository root, which the dev server serves. */
export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The value of `--name value` or `--name=value` in `args`; undefined when the flag is absent. */
export function flagValue(args: readonly string[], name: string): string | undefined {
  const i = args.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i === -1) return undefined;
  const a = args[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : args[i + 1];
}

/**
 * A listening Vite dev server over `root` on a free 127.0.0.1 port (strict, no HMR); `config`
 * adds the bench's own settings, its `server` entries merged over those. The caller closes it.
 */
export async function startDevServer(config: InlineConfig): Promise<{ server: ViteDevServer; port: number }> {
  const port = await freePort();
  const server = await createServer({ root, ...config, server: { host: '127.0.0.1', port, strictPort: true, hmr: false, ...config.server } });
  try {
    await server.listen();
  } catch (e) {
    await server.close();
    throw e;
  }
  return { server, port };
}

/**
 * Serves the repository, opens bench/pages/`file` in Debian's Chromium and waits (up to 2 min: the
 * first transform of the page's imports is slow) for its driver object `window[driver]`, then runs
 * `use(page)`. Page errors are printed; the browser and the server are closed afterwards.
 */
export async function withBenchPage<T>(file: string, driver: keyof Window & string, use: (page: Page) => Promise<T>): Promise<T> {
  let server: ViteDevServer | undefined;
  let browser: Browser | undefined;
  try {
    let port: number;
    ({ server, port } = await startDevServer({ logLevel: 'error', optimizeDeps: { noDiscovery: true, include: [] } }));
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error('  page error:', e.message));
    await page.goto(`http://127.0.0.1:${port}/bench/pages/${file}`);
    await page.waitForFunction((name) => (window as unknown as Record<string, unknown>)[name] !== undefined, driver, { timeout: 120_000 });
    return await use(page);
  } finally {
    await browser?.close();
    await server?.close();
  }
}
