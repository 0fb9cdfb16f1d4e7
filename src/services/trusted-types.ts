/**
 * The Trusted Types `default` policy of the built app, for the page and for workers alike. The
 * production CSP says `require-trusted-types-for 'script'` (plugins/csp.ts); it reaches the page
 * through its meta/header and each worker through its script's response header. Our only script
 * sinks are `new Worker(url)` and `serviceWorker.register(url)`, and Vite emits plain URLs for
 * both, so this policy turns a URL into a TrustedScriptURL only when it is a file of this app
 * (same origin, under the base path) and refuses anything else: an injected string can never
 * start a worker from another origin, a blob: or a data: URL. It defines no HTML or script
 * conversion, so those strings stay blocked (Lit uses its own `lit-html` policy).
 */

interface TrustedTypesLike {
  defaultPolicy: { createScriptURL(input: string): unknown } | null;
  createPolicy(name: string, rules: { createScriptURL?: (input: string) => string }): unknown;
}

/** True when `input` names a script file of this app (same origin, under Vite's base path). */
export function isAppScriptUrl(input: string, base: string = import.meta.env.BASE_URL, here: { href: string; origin: string } = location): boolean {
  let url: URL;
  try {
    url = new URL(input, here.href);
  } catch {
    return false;
  }
  const basePath = new URL(base, here.origin).pathname;
  return url.origin === here.origin && url.pathname.startsWith(basePath);
}

/** Installs the policy in this page or worker; a no-op without Trusted Types or when a default policy exists. */
export function installAppScriptPolicy(base: string = import.meta.env.BASE_URL): void {
  const tt = (globalThis as unknown as { trustedTypes?: TrustedTypesLike }).trustedTypes;
  if (!tt || tt.defaultPolicy) return;
  tt.createPolicy('default', {
    createScriptURL(input: string): string {
      if (isAppScriptUrl(input, base)) return input;
      throw new TypeError(`Refused to load a script from ${input}: only this app's own files may run (Trusted Types).`);
    },
  });
}
