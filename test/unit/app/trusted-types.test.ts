import { describe, expect, it } from 'vitest';
import { isAppScriptUrl } from '../../../src/services/trusted-types';

const here = { href: 'https://lab.example/app/index.html', origin: 'https://lab.example' };

describe('isAppScriptUrl', () => {
  it('accepts this app’s own files, relative or absolute, under the base path', () => {
    expect(isAppScriptUrl('/app/assets/align.worker-1a2b.js', '/app/', here)).toBe(true);
    expect(isAppScriptUrl('assets/lse-pool.worker.js', '/app/', here)).toBe(true);
    expect(isAppScriptUrl('https://lab.example/app/sw.js', '/app/', here)).toBe(true);
  });
  it('refuses other origins, other paths, blob: and data: URLs and garbage', () => {
    expect(isAppScriptUrl('https://evil.example/app/x.js', '/app/', here)).toBe(false);
    expect(isAppScriptUrl('/other/x.js', '/app/', here)).toBe(false);
    expect(isAppScriptUrl('blob:https://lab.example/1234', '/app/', here)).toBe(false);
    expect(isAppScriptUrl('data:text/javascript,alert(1)', '/app/', here)).toBe(false);
    expect(isAppScriptUrl('http://[', '/app/', here)).toBe(false);
  });
});
