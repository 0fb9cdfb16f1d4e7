/**
 * The first-start offer in the built app (production build, strict CSP, Trusted Types): on a
 * fresh profile "Try with demo data" (pressed with the keyboard) imports the synthetic demo
 * personas as a persona set through the persona import worker, opens Align on that stored set,
 * and the alignment runs; no request leaves the app's origin. After a reload, with the set
 * stored, the offer is gone.
 */
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest';
import { offOrigin, openApp, openSession, policyErrors, type Session } from './helpers';

const baseUrl = inject('baseUrl');

describe('first-start demo offer (built app)', () => {
  let s: Session;
  beforeAll(async () => {
    s = await openSession(baseUrl);
  });
  afterAll(async () => {
    await s?.close();
  });

  test('keyboard: Try with demo data → a synthetic persona set → Align on it → aligned; gone after a reload', async () => {
    const { page } = s;
    await openApp(page, baseUrl);
    const offer = page.locator('demo-offer section');
    await offer.waitFor({ timeout: 30_000 });
    expect(await offer.textContent()).toMatch(/synthetic/);
    const button = page.locator('demo-offer button.try-demo');
    await button.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#/align', undefined, { timeout: 90_000 });
    const pool = page.locator('align-form select[name="poolStored"]');
    await pool.waitFor({ timeout: 30_000 });
    expect(await pool.locator('option:checked').textContent()).toMatch(/Imported set: Demo personas \(synthetic.*2,000 with trait scores/);
    expect(await page.locator('align-form input[name="pool"][value="stored"]').isChecked()).toBe(true);

    await page.locator('align-stage select[name="builtinId"] option').first().waitFor({ state: 'attached', timeout: 30_000 });
    await page.locator('align-stage input[name="size"]').fill('100');
    await page.locator('align-stage input[name="builtinN"]').fill('1000');
    await page.locator('align-stage button[type="submit"]').click();
    await page.locator('align-results [data-testid="al-metrics"]').waitFor({ timeout: 150_000 });

    await page.reload();
    await page.locator('app-shell nav a[data-stage="align"]').waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    expect(await page.locator('demo-offer section').count()).toBe(0);

    expect(offOrigin(s.requests.map((r) => r.url), baseUrl)).toEqual([]);
    expect(s.blocked).toEqual([]);
    expect(policyErrors(s)).toEqual([]);
  });
});
