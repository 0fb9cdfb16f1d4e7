/// <reference types="vite-plugin-pwa/client" />
/**
 * How the built app is hosted, set up before anything else runs (imported first by main.ts):
 *
 * 1. The Trusted Types `default` policy. The production CSP says `require-trusted-types-for
 *    'script'` (plugins/csp.ts), so script URLs handed to DOM sinks must be TrustedScriptURLs. Our
 *    sinks are `new Worker(url)` (the four module workers) and `serviceWorker.register(url)`;
 *    Vite emits plain URLs for both. This policy turns a URL into a TrustedScriptURL only when it
 *    is a file of this app (same origin, under the base path) and refuses anything else, so an
 *    injected string can never start a worker from another origin, a blob: or a data: URL. HTML
 *    and script strings get no default conversion (they stay blocked); Lit uses its own
 *    `lit-html` policy for its templates.
 * 2. The service worker (plugins/pwa.ts), which precaches the app shell, the workers and the
 *    built-in data, so the app loads and runs offline after the first visit. Updates install in
 *    the background and apply on the next load (autoUpdate, no prompt). Not in the dev server.
 */
import { registerSW } from 'virtual:pwa-register';

interface TrustedTypePolicyOptionsLike {
  createScriptURL?: (input: string) => string;
}
interface TrustedTypesLike {
  defaultPolicy: unknown;
  createPolicy(name: string, rules: TrustedTypePolicyOptionsLike): unknown;
}

/** True when `input` names a script file of this app (same origin, under Vite's base path). */
export function isAppScriptUrl(input: string, base: string = import.meta.env.BASE_URL): boolean {
  let url: URL;
  try {
    url = new URL(input, location.href);
  } catch {
    return false;
  }
  const basePath = new URL(base, location.origin).pathname;
  return url.origin === location.origin && url.pathname.startsWith(basePath);
}

const tt = (globalThis as unknown as { trustedTypes?: TrustedTypesLike }).trustedTypes;
if (tt && !tt.defaultPolicy) {
  tt.createPolicy('default', {
    createScriptURL(input: string): string {
      if (isAppScriptUrl(input)) return input;
      throw new TypeError(`Refused to load a script from ${input}: only this app's own files may run (Trusted Types).`);
    },
  });
}

if ('serviceWorker' in navigator && import.meta.env.PROD) {
  registerSW({ immediate: true });
}
