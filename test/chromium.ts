/**
 * Debian's Chromium as every browser run here starts it (vitest's browser project, the e2e
 * sessions, the benches): the flags that give a software WebGPU adapter and keep it off the
 * network (../shared/docs/BROWSER-TESTS.md). Callers append their own extras.
 */

/** `$CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`. */
export const CHROMIUM_PATH = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];
