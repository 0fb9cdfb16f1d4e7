import { defineConfig } from 'vite';
import { cspPlugin, optionsFromEnv, securityHeaders } from './plugins/csp';
import { pwaPlugin } from './plugins/pwa';

// The app is static: everything runs in the page and its workers, nothing server-side.
export default defineConfig({
  // Build only: the strict CSP <meta> (plugins/csp.ts) and the offline service worker (plugins/pwa.ts).
  plugins: [cspPlugin(), pwaPlugin()],
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1' },
  // The same policy as a header on every file (workers take theirs from the header), plus frame-ancestors.
  preview: { host: '127.0.0.1', headers: securityHeaders(optionsFromEnv()) },
});
