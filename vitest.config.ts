/// <reference types="@vitest/browser/providers/playwright" />
import { defineConfig } from 'vitest/config';
// Debian's Chromium with the flags that give a software WebGPU adapter and keep it off the network.
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './test/chromium';

export default defineConfig({
  worker: { format: 'es' },
  // Pre-bundled up front so Vite does not reload the page mid-run when a test first imports them.
  optimizeDeps: { include: ['lit', 'lit/decorators.js', '@lit/context', '@lit/task', '@lit-labs/virtualizer', 'comlink', 'idb', 'fflate', 'papaparse', 'ml-matrix', '@mlc-ai/web-llm', '@huggingface/transformers', 'axe-core', '@observablehq/plot', 'hyparquet', 'hyparquet-writer', 'fast-check'] },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.browser.test.ts'],
          testTimeout: 120_000,
          browser: {
            enabled: true,
            provider: 'playwright',
            headless: true,
            screenshotFailures: false,
            instances: [
              {
                browser: 'chromium',
                launch: { executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS] },
              },
            ],
          },
        },
      },
      {
        // The built app (vite build + vite preview) in Debian's Chromium via playwright-core:
        // privacy, CSP, offline (service worker) and hostile content. See test/e2e/global-setup.ts.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // One browser at a time: the machine has 2 CPUs and the software WebGPU adapter is CPU-bound.
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
