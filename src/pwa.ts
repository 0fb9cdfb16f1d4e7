/// <reference types="vite-plugin-pwa/client" />
/**
 * How the built app is hosted, set up before anything else runs (imported first by main.ts):
 *
 * 1. The Trusted Types `default` policy (src/services/trusted-types.ts): only this app's own
 *    script URLs may start workers or the service worker.
 * 2. The service worker (plugins/pwa.ts), which precaches the app shell, the workers and the
 *    built-in data, so the app loads and runs offline after the first visit. Updates install in
 *    the background and apply on the next load (autoUpdate, no prompt). Not in the dev server.
 */
import { registerSW } from 'virtual:pwa-register';

import { installAppScriptPolicy } from './services/trusted-types';

installAppScriptPolicy();

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  registerSW({ immediate: true });
}
