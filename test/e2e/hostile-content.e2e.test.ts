/**
 * Hostile corpus content through the real file input of the built app (strict CSP on): markup,
 * event handlers, javascript: links, a 50,000-character line, RTL overrides and zero-width
 * characters are stored and shown as literal text. No dialog fires and no element is created
 * from post text.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { openApp, openSession, policyErrors, type Session } from './helpers';

const baseUrl = inject('baseUrl');

const LONG = 'w'.repeat(50_000);
const HOSTILE_POSTS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">click me</a> and javascript:alert(2)',
  'Hello \u202Eevil\u202C and zero\u200Bwidth\u200Cjoin\u200Dhere\uFEFF end',
  `long line ${LONG}`,
  '<svg onload=alert(3)></svg><iframe src="javascript:alert(4)"></iframe>{{constructor.constructor("alert(5)")()}}',
];

function blogXml(posts: string[]): string {
  const body = posts.map((p, i) => `<date>${i + 1},May,2004</date>\n<post>\n${p}\n</post>\n`).join('\n');
  return `<Blog>\n${body}</Blog>\n`;
}

describe('hostile corpus content', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl);
  });
  afterAll(async () => {
    await s?.close();
  });

  test('imported through the file input, shown literally, nothing executes', async () => {
    const { page } = s;
    await openApp(page, baseUrl);
    await page.locator('import-panel input#files').setInputFiles([
      { name: '9001.female.30.Arts.Leo.xml', mimeType: 'text/xml', buffer: Buffer.from(blogXml(HOSTILE_POSTS)) },
      { name: '9002.male.40.Law.Aries.xml', mimeType: 'text/xml', buffer: Buffer.from(blogXml(['A calm post about gardening.'])) },
    ]);
    await page.locator('import-panel button.primary', { hasText: /^Import$/ }).click();
    const done = page.locator('[data-testid="import-done"]');
    await done.waitFor({ timeout: 60_000 });
    expect(await done.textContent()).toMatch(/7 posts by 2 authors/);

    // The table is virtualised: rows render once it is in view.
    await page.locator('author-table').evaluate((el) => el.scrollIntoView({ block: 'start' }));
    await page.locator('author-table [data-author="9001"] button').first().click();
    const view = page.locator('[data-testid="author-posts"]');
    await view.waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => {
      const find = (root: Document | ShadowRoot): Element | null => {
        const hit = root.querySelector('[data-testid="author-posts"]');
        if (hit) return hit;
        for (const el of root.querySelectorAll('*')) {
          if (el.shadowRoot) {
            const f = find(el.shadowRoot);
            if (f) return f;
          }
        }
        return null;
      };
      return (find(document)?.querySelectorAll('li').length ?? 0) >= 6;
    }, undefined, { timeout: 20_000 });

    const texts = await view.locator('.text').allTextContents();
    for (const p of HOSTILE_POSTS) expect(texts.map((t) => t.trim())).toContain(p.trim());
    // No element was created from post text inside the posts view.
    expect(await view.locator('ol script, ol img, ol a, ol svg, ol iframe').count()).toBe(0);
    expect(await view.locator('.text *').count()).toBe(0);
    // Bidi-isolated, and the 50,000-character line wraps inside the panel.
    const long = view.locator('.text', { hasText: 'long line' });
    expect(await long.getAttribute('dir')).toBe('auto');
    const widths = await long.evaluate((el) => ({ text: el.scrollWidth, panel: (el.closest('section') ?? el).getBoundingClientRect().width }));
    expect(widths.text).toBeLessThanOrEqual(widths.panel + 1);

    await page.waitForTimeout(300);
    expect(s.dialogs).toEqual([]);
    expect(policyErrors(s)).toEqual([]);
    expect(await page.evaluate(() => document.querySelectorAll('script:not([src])').length)).toBe(0);
  });
});
