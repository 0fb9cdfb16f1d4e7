import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userEvent } from '@vitest/browser/context';
import '../../../src/app/app-shell';
import type { AppShell } from '../../../src/app/app-shell';
import { createDefaultServices } from '../../../src/app/default-services';
import { ContextEvent, type Context } from '@lit/context';
import { capabilitiesContext, importServiceContext, quotaContext, storeContext } from '../../../src/app/services';
import { referenceServicesContext } from '../../../src/components/reference-manager/context';
import { deepActiveElement, deepQuery, deepQueryAll, freshDbName, text, waitFor, waitForEl } from './helpers';

let shell: AppShell | undefined;

async function mount(): Promise<AppShell> {
  const el = document.createElement('app-shell');
  el.services = await createDefaultServices({ dbName: freshDbName('shell') });
  document.body.append(el);
  await el.updateComplete;
  shell = el;
  return el;
}

beforeEach(() => {
  // No localStorage.clear() here: test files run in parallel iframes that share the origin's storage.
  history.replaceState(null, '', '#/corpus');
});

afterEach(() => {
  shell?.remove();
  shell = undefined;
});

describe('<app-shell>', () => {
  it('lists the seven stages with their state, and marks the current one', async () => {
    await mount();
    const links = deepQueryAll<HTMLAnchorElement>('nav a');
    expect(links.map((a) => a.dataset['stage'])).toEqual(['corpus', 'personas', 'quality', 'profile', 'align', 'target', 'results']);
    expect(links[0]?.getAttribute('aria-current')).toBe('page');
    expect(links[1]?.getAttribute('aria-current')).toBe('false');
    expect(deepQuery('nav')?.getAttribute('aria-label')).toBe('Pipeline stages');
    await waitFor(() => text(deepQuery('[data-testid="stage-status-corpus"]')).includes('not started'));
    expect(text(deepQuery('[data-testid="stage-status-personas"]'))).toContain('needs a corpus');
    // Landmarks
    expect(deepQuery('header')).toBeTruthy();
    expect(deepQuery('main')).toBeTruthy();
    expect(deepQuery('aside')?.getAttribute('aria-label')).toBe('Device capabilities');
  });

  it('moves between stages with the keyboard and keeps the stage in the URL hash', async () => {
    const el = await mount();
    const first = deepQuery<HTMLAnchorElement>('nav a[data-stage="corpus"]');
    first?.focus();
    await userEvent.keyboard('{ArrowDown}');
    expect((deepActiveElement() as HTMLElement | null)?.dataset['stage']).toBe('personas');
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{ArrowDown}{ArrowDown}');
    expect((deepActiveElement() as HTMLElement | null)?.dataset['stage']).toBe('target');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => location.hash === '#/target', 5000, 'hash #/target');
    await el.updateComplete;
    expect(text(deepQuery('main h1'))).toBe('Target');
    expect(deepQuery('nav a[data-stage="target"]')?.getAttribute('aria-current')).toBe('page');
    // Focus moves to the new page's heading, so screen readers announce it.
    expect(deepActiveElement()?.id).toBe('stage-title');
    // The stage's own view is mounted (every stage is built).
    await waitFor(() => deepQuery('target-stage') !== null, 5000, '<target-stage>');
    // End / Home jump to the ends of the list.
    deepQuery<HTMLAnchorElement>('nav a[data-stage="profile"]')?.focus();
    await userEvent.keyboard('{End}');
    expect((deepActiveElement() as HTMLElement | null)?.dataset['stage']).toBe('results');
    await userEvent.keyboard('{Home}');
    expect((deepActiveElement() as HTMLElement | null)?.dataset['stage']).toBe('corpus');
  });

  it('opens the stage named in the hash (reload keeps the view)', async () => {
    history.replaceState(null, '', '#/align');
    const el = await mount();
    expect(text(deepQuery('main h1'))).toBe('Align');
    // Back/forward: a hashchange from outside moves the view too.
    location.hash = '#/results';
    await waitFor(() => text(deepQuery('main h1')) === 'Results', 5000, 'Results view');
    await el.updateComplete;
    expect(deepQuery('nav a[data-stage="results"]')?.getAttribute('aria-current')).toBe('page');
  });
});

describe('service providers', () => {
  it('provides the corpus store, import service, quota and reference services through @lit/context', async () => {
    const el = await mount();
    const child = document.createElement('div');
    el.append(child); // a descendant asks, as a consuming element would
    const ask = <V,>(context: Context<unknown, V>) =>
      new Promise<V>((resolve) => child.dispatchEvent(new ContextEvent(context, child, (v) => resolve(v))));
    const store = await ask(storeContext);
    expect(await store?.listCorpora()).toEqual([]);
    expect(await ask(importServiceContext)).toBe(el.services?.importer);
    expect(await ask(quotaContext)).toBe(el.services?.quota);
    const refs = await ask(referenceServicesContext);
    expect(refs?.store).toBeTruthy();
    expect(refs?.importer).toBeTruthy();
    const caps = await waitFor(() => {
      let v: { gpu: { available: boolean } } | undefined;
      child.dispatchEvent(new ContextEvent(capabilitiesContext, child, (c) => (v = c)));
      return v;
    }, 10_000, 'capabilities');
    expect(caps.gpu.available).toBe(true);
  });
});

describe('<capability-panel>', () => {
  it('shows the WebGPU adapter, its limits and storage figures', async () => {
    await mount();
    const vendor = await waitForEl('[data-testid="gpu-vendor"]', 20_000);
    // The test Chromium has SwiftShader's software adapter.
    expect(text(vendor)).toBe('google');
    expect(text(deepQuery('[data-testid="gpu-architecture"]'))).toBe('swiftshader');
    const info = text(deepQuery('[data-testid="gpu-info"]'));
    expect(info).toContain('Storage binding');
    expect(info).toContain('1 GiB');
    expect(info).toContain('Workgroup memory');
    expect(text(deepQuery('[data-testid="gpu-f16"]'))).toMatch(/^no/);
    const usage = await waitFor(() => {
      const t = text(deepQuery('[data-testid="storage-usage"]'));
      return t.includes(' of ') ? t : null;
    }, 10_000, 'storage usage');
    expect(usage).toMatch(/B of .*B \(/);
    expect(text(deepQuery('[data-testid="storage-persisted"]'))).toMatch(/yes|no/);
  });

  it('asks for persistent storage and reports the browser’s answer', async () => {
    await mount();
    const persisted = await waitFor(() => {
      const t = text(deepQuery('[data-testid="storage-persisted"]'));
      return t === '…' ? null : t;
    }, 10_000, 'persisted state');
    if (persisted === 'yes') return; // already persistent: nothing to ask
    const button = deepQueryAll<HTMLButtonElement>('capability-panel button').find((b) => /Request persistent storage/.test(text(b)))!;
    button.focus();
    await userEvent.keyboard('{Enter}');
    const msg = await waitFor(() => text(deepQuery('[data-testid="persist-message"]')) || null, 10_000, 'answer');
    expect(msg).toMatch(/persistent|declined|cannot/);
  });
});
