/// <reference types="vite-plugin-pwa/client" />
/**
 * Registers the service worker that precaches the app shell, the workers and the built-in data
 * (plugins/pwa.ts), so the app loads and runs offline after the first visit. Updates install in
 * the background and apply on the next load (autoUpdate, no prompt). No-op in the dev server.
 */
import { registerSW } from 'virtual:pwa-register';

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  registerSW({ immediate: true });
}
