/**
 * Test-only entry (built into the e2e build only): the HTTP backend module, under the same CSP as
 * the app, for test/e2e/http-backend.e2e.test.ts. No <llm-backend-picker> UI exists yet.
 */
import { checkBaseUrl, createHttpBackend } from '../../../src/llm/http-backend';

declare global {
  interface Window {
    httpBackend: { checkBaseUrl: typeof checkBaseUrl; createHttpBackend: typeof createHttpBackend };
  }
}

window.httpBackend = { checkBaseUrl, createHttpBackend };
document.body.dataset['ready'] = '1';
