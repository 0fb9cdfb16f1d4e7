/**
 * What the browser benches (import, align-gpu) share: reading `--name value` / `--name=value`,
 * and a Vite dev server on a free 127.0.0.1 port for their pages under bench/pages/. Each bench
 * launches Debian's Chromium itself (test/chromium.ts) because they start it differently.
 */
import { freePort } from '../test/free-port';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
