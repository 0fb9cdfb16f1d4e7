/**
 * The import panel's warning before an import that will not fit in quota − usage
 * (src/core/storage-fit.ts): how much is needed and free, request persistent storage, or import anyway.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import '../../../src/app/app-shell';
import type { AppShell } from '../../../src/app/app-shell';
import { createDefaultServices } from '../../../src/app/default-services';
import type { QuotaApi } from '../../../src/app/services';
import { formatBytes } from '../../../src/core/format';
import { IMPORT_OVERHEAD } from '../../../src/core/storage-fit';
import { deepQuery, deepQueryAll, freshDbName, text, waitFor, waitForEl } from './helpers';

let shell: AppShell | undefined;

interface FakeQuota extends QuotaApi {
  persistCalls: number;
  free: number;
}

function fakeQuota(free: number, grantFree?: number): FakeQuota {
  const q: FakeQuota = {
    persistCalls: 0,
    free,
    estimate: async () => ({ usage: 5_000_000, quota: 5_000_000 + q.free }),
    persisted: async () => false,
    persist: async () => {
      q.persistCalls++;
      if (grantFree === undefined) return false;
      q.free = grantFree;
      return true;
    },
  };
  return q;
}

async function mount(quota: QuotaApi): Promise<void> {
  const el = document.createElement('app-shell');
  el.services = { ...(await createDefaultServices({ dbName: freshDbName('fit') })), quota };
  document.body.append(el);
  await el.updateComplete;
  shell = el;
  await waitForEl('import-panel');
  await waitForEl('[data-testid="no-corpora"]');
}

/** Two blog files of about 60 KB together. */
function files(): File[] {
  const post = 'A long day at work and a longer evening writing about it. '.repeat(500);
  return ['5000001.male.30.Arts.Leo.xml', '5000002.female.25.Student.Aries.xml'].map(
    (n) => new File([`<Blog>\n<date>3,May,2004</date>\n<post>\n${post}\n</post>\n</Blog>\n`], n, { type: 'text/xml' }),
  );
}

async function pickAndImport(fs: File[]): Promise<void> {
  const input = await waitForEl<HTMLInputElement>('import-panel input#files');
  const dt = new DataTransfer();
  for (const f of fs) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await waitFor(() => deepQuery('import-panel .chosen') !== null, 5000, 'files listed');
  click('import-panel', /^Import$/);
}

function click(root: string, label: RegExp): void {
  const btn = deepQueryAll<HTMLButtonElement>(`${root} button`).find((b) => label.test(text(b)));
  if (!btn) throw new Error(`no button ${label} in ${root}`);
  btn.click();
}

beforeEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '#/corpus');
});

afterEach(() => {
  shell?.remove();
  shell = undefined;
});

describe('warning before an import that will not fit', () => {
  it('says how much is needed and free, offers persistent storage, and imports only when told to', async () => {
    const quota = fakeQuota(20_000);
    await mount(quota);
    const fs = files();
    const needed = Math.ceil(fs.reduce((n, f) => n + f.size, 0) * IMPORT_OVERHEAD);
    await pickAndImport(fs);
    const warning = await waitForEl('import-panel [data-testid="storage-warning"]');
    expect(warning.getAttribute('role')).toBe('alert');
    expect(text(warning)).toContain(`needs about ${formatBytes(needed)}`);
    expect(text(warning)).toContain(`about ${formatBytes(20_000)} is free`);
    // Nothing started yet.
    expect(deepQuery('import-progress')).toBeNull();
    expect(deepQuery('[data-testid="import-done"]')).toBeNull();

    click('import-panel [data-testid="storage-warning"]', /^Request persistent storage$/);
    await waitFor(() => deepQuery('import-panel [data-testid="persist-note"]') !== null, 5000, 'persist outcome');
    expect(quota.persistCalls).toBe(1);
    expect(text(deepQuery('import-panel [data-testid="persist-note"]'))).toMatch(/did not grant/);
    expect(deepQuery('import-panel [data-testid="storage-warning"]')).not.toBeNull();

    click('import-panel [data-testid="storage-warning"]', /^Import anyway$/);
    const done = await waitForEl('[data-testid="import-done"]', 20_000);
    expect(text(done)).toMatch(/2 posts by 2 authors/);
    expect(deepQuery('import-panel [data-testid="storage-warning"]')).toBeNull();
  });

  it('reports when persistent storage makes it fit; Cancel imports nothing', async () => {
    const quota = fakeQuota(20_000, 50_000_000);
    await mount(quota);
    await pickAndImport(files());
    await waitForEl('import-panel [data-testid="storage-warning"]');
    click('import-panel [data-testid="storage-warning"]', /^Request persistent storage$/);
    await waitFor(() => /now fits/.test(text(deepQuery('import-panel [data-testid="persist-note"]'))), 5000, 'fits after persist');
    click('import-panel [data-testid="storage-warning"]', /^Cancel$/);
    await waitFor(() => deepQuery('import-panel [data-testid="storage-warning"]') === null, 5000, 'warning gone');
    expect(deepQuery('import-progress')).toBeNull();
    expect(deepQuery('[data-testid="no-corpora"]')).not.toBeNull();
  });

  it('imports at once when the sources fit', async () => {
    await mount(fakeQuota(50_000_000));
    await pickAndImport(files());
    await waitForEl('[data-testid="import-done"]', 20_000);
    expect(deepQuery('import-panel [data-testid="storage-warning"]')).toBeNull();
  });
});
