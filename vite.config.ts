import { defineConfig } from 'vite';

// The app is static: everything runs in the page and its workers, nothing server-side.
export default defineConfig({
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
