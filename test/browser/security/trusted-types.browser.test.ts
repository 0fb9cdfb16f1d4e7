import { expect, test } from 'vitest';
import { installAppScriptPolicy } from '../../../src/services/trusted-types';

interface Policy { createScriptURL(input: string): { toString(): string } }

test('the default Trusted Types policy passes this app’s script URLs and refuses others; installing twice is harmless', () => {
  installAppScriptPolicy('/');
  installAppScriptPolicy('/');
  const policy = (globalThis as unknown as { trustedTypes: { defaultPolicy: Policy | null } }).trustedTypes.defaultPolicy;
  expect(policy).not.toBeNull();
  const own = `${location.origin}/workers/lse-pool.worker.ts`;
  expect(policy!.createScriptURL(own).toString()).toBe(own);
  expect(() => policy!.createScriptURL('https://evil.example/x.js')).toThrow(/only this app's own files/);
  expect(() => policy!.createScriptURL('data:text/javascript,alert(1)')).toThrow(/only this app's own files/);
});
