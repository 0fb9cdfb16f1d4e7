import type { Plugin } from 'vite';

/**
 * The Content-Security-Policy of the built app (see SECURITY.md for the threat model).
 *
 * Applied to `vite build` (a <meta http-equiv> injected first in <head>) and to `vite preview`
 * (a response header on every file, so workers and the service worker get it too: a same-origin
 * worker takes its policy from its own script's response headers, not from the page's <meta>).
 * The dev server keeps no policy, because Vite's HMR client injects inline styles and scripts.
 *
 * Why each source:
 * - script-src 'self': only the app's own bundles; no inline script, no eval.
 *   'wasm-unsafe-eval': compiling WebAssembly (hash-wasm in the reference worker, web-llm's TVM
 *   runtime and model libraries, onnxruntime-web if transformers.js is used). It allows
 *   WebAssembly.compile/instantiate only, not eval() or new Function().
 * - worker-src 'self': the four module workers and the service worker are files of this origin.
 * - connect-src: 'self' (bundled data), the model hosts a user may choose to download from
 *   (web-llm 0.2.86: huggingface.co `…/resolve/main/…` URLs, which redirect to the LFS / Xet CDNs
 *   on *.huggingface.co and *.hf.co, and its WebGPU model libraries on raw.githubusercontent.com),
 *   and a model server on this machine (loopback) for the OpenAI-compatible HTTP backend.
 *   Nothing else: an injected script cannot post data to any other host.
 * - img-src data: blob:: SVG plots and downloads built in the page.
 * - style-src 'self': Lit uses constructable stylesheets (adoptedStyleSheets), which CSP does
 *   not restrict, so no 'unsafe-inline' is needed.
 * - object-src 'none', base-uri 'none', form-action 'none': no plugins, no <base> hijack, no forms
 *   posting anywhere. frame-ancestors 'none' only in the header (ignored in <meta>).
 * - require-trusted-types-for 'script': DOM XSS sinks (innerHTML, script URLs) take only values
 *   made by an allowed policy: Lit's `lit-html` and our `default` (src/pwa.ts).
 */
export const MODEL_HOSTS = [
  'https://huggingface.co',
  'https://*.huggingface.co',
  'https://*.hf.co',
  'https://raw.githubusercontent.com',
] as const;

/** Loopback model servers (llama.cpp, Ollama, vLLM, LM Studio). CSP has no syntax for [::1]. */
export const LOOPBACK = ['http://127.0.0.1:*', 'http://localhost:*', 'https://127.0.0.1:*', 'https://localhost:*'] as const;

export interface CspOptions {
  /**
   * Extra connect-src sources, e.g. a university's model server a deployment opts into
   * (build with PA_CSP_CONNECT="https://llm.example.edu"). Empty by default.
   */
  extraConnect?: readonly string[];
  /**
   * Add `require-trusted-types-for 'script'; trusted-types lit-html default` (on unless built with
   * PA_TRUSTED_TYPES=0). Lit brings its own `lit-html` policy; src/pwa.ts installs the `default`
   * policy that admits only this app's own script URLs (workers, service worker). SECURITY.md.
   */
  trustedTypes?: boolean;
}

export function cspDirectives(options: CspOptions = {}): Record<string, string[]> {
  const d: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'worker-src': ["'self'"],
    'connect-src': ["'self'", ...MODEL_HOSTS, ...LOOPBACK, ...(options.extraConnect ?? [])],
    'img-src': ["'self'", 'data:', 'blob:'],
    'style-src': ["'self'"],
    'font-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
  };
  if (options.trustedTypes) {
    d['require-trusted-types-for'] = ["'script'"];
    d['trusted-types'] = ['lit-html', 'default'];
  }
  return d;
}

export function formatCsp(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(' ')}`)
    .join('; ');
}

/** The <meta> policy: frame-ancestors, report-uri and sandbox are ignored in <meta>, so left out. */
export function metaCsp(options: CspOptions = {}): string {
  return formatCsp(cspDirectives(options));
}

/** The header policy (vite preview; copy to any static host's config): adds frame-ancestors. */
export function headerCsp(options: CspOptions = {}): string {
  return formatCsp({ ...cspDirectives(options), 'frame-ancestors': ["'none'"] });
}

/** Headers for `vite preview` and for deployments. */
export function securityHeaders(options: CspOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': headerCsp(options),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), interest-cohort=()',
  };
}

export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): CspOptions {
  const extra = (env['PA_CSP_CONNECT'] ?? '').split(/\s+/).filter((s) => s.length > 0);
  return { extraConnect: extra, trustedTypes: env['PA_TRUSTED_TYPES'] !== '0' };
}

/** Injects the <meta> policy into every HTML entry of a production build. */
export function cspPlugin(options: CspOptions = optionsFromEnv()): Plugin {
  return {
    name: 'persona-align:csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      // Right after <meta charset> (which must stay in the first 1024 bytes), before any script or link.
      handler: (html: string) => {
        const meta = `<meta http-equiv="Content-Security-Policy" content="${metaCsp(options)}" />`;
        const charset = /<meta\s+charset=[^>]*>/i;
        if (charset.test(html)) return html.replace(charset, (m) => `${m}\n    ${meta}`);
        return html.replace(/<head[^>]*>/i, (m) => `${m}\n    ${meta}`);
      },
    },
  };
}
