import type { PluginOption } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Installable, offline app (vite-plugin-pwa, Workbox generateSW).
 *
 * Precached at install: the app shell (HTML, JS chunks, CSS), every worker bundle (import, align,
 * reference, llm, embed, adapter) and the WASM they load except onnxruntime's (see globIgnores), the icons and manifest, and the built-in data: the demo
 * corpus, the demo personas and the built-in reference. Model weights are NOT precached: web-llm
 * keeps the ones a user downloads or imports in its own Cache Storage / IndexedDB.
 *
 * Updates: `registerType: 'autoUpdate'` — a new build's service worker installs in the background,
 * takes over at once (skipWaiting + clientsClaim) and the next load uses it; there is no prompt.
 * Nothing is ever fetched from another origin by the service worker: no runtime caching rules,
 * and navigation falls back to the precached index.html.
 *
 * Registration happens in src/pwa.ts (`virtual:pwa-register`), so no inline script is injected.
 */
export function pwaPlugin(): PluginOption {
  return VitePWA({
    registerType: 'autoUpdate',
    injectRegister: false,
    // Dev server: no service worker (it would cache HMR modules).
    devOptions: { enabled: false },
    manifest: {
      name: 'Persona Align',
      short_name: 'Persona Align',
      description: 'Population-aligned persona generation for social simulation, computed entirely in your browser.',
      id: '/',
      start_url: '.',
      scope: '.',
      display: 'standalone',
      background_color: '#f4f1ea',
      theme_color: '#2b4c7e',
      icons: [
        { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
        { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
        { src: 'icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml' },
      ],
    },
    workbox: {
      globPatterns: [
        '**/*.{html,js,mjs,css,wasm,svg,png}', // (the manifest is added by the plugin itself)
        'demo-corpus/**/*.{json,xml}',
        'demo-personas/**/*.{json,jsonl}',
        'reference/**/*.json',
      ],
      // onnxruntime-web's 27 MB WebAssembly is not precached: only users of a pretrained embedder
      // need it, and src/embed-models/transformers-runtime.ts keeps it in Cache Storage at first use.
      globIgnores: ['**/*.map', '**/node_modules/**', '**/ort-wasm-*.wasm'],
      // The llm worker bundle (web-llm, ~6 MB) and the demo personas (~2.4 MB) exceed Workbox's 2 MiB default.
      maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
      navigateFallback: 'index.html',
      // Only the app's own pages: e2e test pages and data files are never replaced by the shell.
      navigateFallbackAllowlist: [/^\/(?:#.*)?$/, /^\/index\.html/],
      cleanupOutdatedCaches: true,
      clientsClaim: true,
      skipWaiting: true,
      runtimeCaching: [],
      // The Workbox runtime is bundled into sw.js: no importScripts(), which Trusted Types would
      // require a policy for inside the service worker, and no CDN.
      inlineWorkboxRuntime: true,
      sourcemap: false,
    },
  });
}
