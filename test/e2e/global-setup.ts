/**
 * Builds the app once (production build, with the strict CSP and the service worker) into a
 * temporary folder, serves it with `vite preview` on a free 127.0.0.1 port, and hands the URL to
 * the e2e tests (`inject('baseUrl')`). The build adds test-only pages (pages/http-backend.html, which
 * exposes the HTTP backend module, and pages/persona-jobs.html, the persona pipeline with the test engine); the app's own pages are the production ones.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../free-port';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    distDir: string;
  }
}

const root = resolve(import.meta.dirname, '../..');

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = await mkdtemp(join(tmpdir(), 'persona-align-e2e-'));
  const t0 = Date.now();
  const inline = {
    root,
    configFile: join(root, 'vite.config.ts'),
    logLevel: 'warn' as const,
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: false,
      rollupOptions: {
        input: {
          main: join(root, 'index.html'),
          'http-backend': join(root, 'test/e2e/pages/http-backend.html'),
          'persona-jobs': join(root, 'test/e2e/pages/persona-jobs.html'),
        },
      },
    },
  };
  // Vitest sets NODE_ENV=test, which would make Vite build a non-production bundle
  // (import.meta.env.PROD false: no service worker registration, Lit's dev mode).
  const nodeEnv = process.env['NODE_ENV'];
  process.env['NODE_ENV'] = 'production';
  try {
    await build({ ...inline, mode: 'production' });
  } finally {
    process.env['NODE_ENV'] = nodeEnv;
  }
  const port = await freePort();
  const server: PreviewServer = await preview({ ...inline, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  const baseUrl = `http://127.0.0.1:${port}`;
  console.log(`[e2e] built in ${((Date.now() - t0) / 1000).toFixed(1)} s; serving ${outDir} at ${baseUrl}`);
  project.provide('baseUrl', baseUrl);
  project.provide('distDir', outDir);
  return async () => {
    await server.close();
    await rm(outDir, { recursive: true, force: true });
  };
}
