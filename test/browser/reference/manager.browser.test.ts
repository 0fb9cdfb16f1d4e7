/**
 * <reference-manager> against the real worker and IndexedDB: a stored reference's detail
 * (histograms with tables, correlation matrix, sorted country counts), the import flows by clicking
 * (FFM with a region preset, built-in sample), cancel, delete, saved country groups, keyboard use.
 */
import { ContextProvider } from '@lit/context';
import { userEvent } from '@vitest/browser/context';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { referenceServicesContext, type ReferenceServices } from '../../../src/components/reference-manager/context';
import '../../../src/components/reference-manager/reference-manager';
import type { ReferenceManager } from '../../../src/components/reference-manager/reference-manager';
import { CUSTOM_GROUPS_KEY } from '../../../src/components/reference-filter-form/country-groups';
import { REGION_PRESETS } from '../../../src/core/reference/regions';
import { createReferenceServices, type ReferenceService } from '../../../src/services/reference-service';
import { deepActiveElement, deepQuery, deepQueryAll, text, waitFor, waitForEl } from '../ui/helpers';
import { bigFfmFile, ffmFile, freshDbName } from './helpers';

let el: ReferenceManager | undefined;
let host: HTMLElement | undefined;
const importers: ReferenceService[] = [];

async function services(): Promise<ReferenceServices & { importer: ReferenceService }> {
  const s = await createReferenceServices({ dbName: freshDbName() });
  importers.push(s.importer);
  return s;
}

async function mount(s: ReferenceServices): Promise<ReferenceManager> {
  const m = document.createElement('reference-manager');
  m.services = s;
  document.body.append(m);
  el = m;
  await m.updateComplete;
  return m;
}

beforeEach(() => localStorage.removeItem(CUSTOM_GROUPS_KEY));
afterEach(() => {
  el?.remove();
  host?.remove();
  el = undefined;
  host = undefined;
  for (const i of importers.splice(0)) i.terminate();
});

function pickFile(selector: string, file: File): void {
  const input = deepQuery<HTMLInputElement>(selector)!;
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

function choose(selector: string, value: string): void {
  const sel = deepQuery<HTMLSelectElement>(selector)!;
  sel.value = value;
  sel.dispatchEvent(new Event('change', { bubbles: true }));
}

function type(selector: string, value: string): void {
  const input = deepQuery<HTMLInputElement | HTMLTextAreaElement>(selector)!;
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}

const listRows = (): HTMLTableRowElement[] => deepQueryAll<HTMLTableRowElement>('reference-manager [data-testid="reference-list"] tbody tr');

describe('<reference-manager>', () => {
  test('renders a stored reference: list, provenance, row counts, histograms with tables, correlations, countries', async () => {
    const s = await services();
    const info = await s.importer.importFfm({ file: ffmFile(900, { seed: 21, countries: ['US', 'GB', 'JP', 'NONE'] }), name: 'Seeded FFM' });
    // Through context, as the shell will provide it.
    host = document.createElement('div');
    document.body.append(host);
    new ContextProvider(host, { context: referenceServicesContext, initialValue: s });
    const m = document.createElement('reference-manager');
    host.append(m);
    el = m;

    await waitFor(() => listRows().length === 1, 10_000, 'one listed reference');
    const row = listRows()[0]!;
    expect(text(row)).toContain('Seeded FFM');
    expect(text(row)).toContain('IPIP-FFM file');
    expect(text(row)).toMatch(new RegExp(info.n.toLocaleString('en')));
    deepQuery<HTMLButtonElement>('reference-manager button[data-action="view"]')!.click();

    const detail = await waitForEl('reference-manager reference-detail');
    await waitFor(() => deepQueryAll('reference-detail reference-histogram').length === 5, 10_000, 'five histograms');
    expect(text(deepQuery('reference-detail [data-testid="sha256"]'))).toMatch(/^[0-9a-f]{64}$/);
    const countRows = deepQueryAll('reference-detail [data-testid="row-counts"] tbody tr').map((r) => [text(r.querySelector('th')), text(r.querySelector('td'))]);
    expect(countRows[0]).toEqual(['Read', '900']);
    expect(countRows[1]).toEqual(['Kept', info.n.toLocaleString('en')]);
    expect(deepQuery(`reference-detail [data-testid="row-counts"] tr[data-reason="ipc"]`)).not.toBeNull();
    expect(text(deepQuery(`reference-detail tr[data-reason="ipc"] td`))).toBe(String(info.rows.dropped.ipc));

    // Each histogram: an SVG with a text summary, bars, and a table alternative with the same bins.
    const hist = deepQueryAll('reference-detail reference-histogram')[0]!;
    const svgEl = hist.shadowRoot!.querySelector('svg')!;
    expect(svgEl.getAttribute('role')).toBe('img');
    expect(svgEl.getAttribute('aria-label')).toMatch(/^Openness: histogram of 41 bins centred from 1\.00 to 5\.00; mean \d\.\d\d/);
    expect(svgEl.querySelectorAll('rect.bar').length).toBe(41);
    const cells = [...hist.shadowRoot!.querySelectorAll('tbody tr td:last-child')].map((td) => parseFloat(td.textContent ?? ''));
    expect(cells).toHaveLength(41);
    expect(cells.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 0);

    // Correlation matrix: 5×5, diagonal 1.00, off-diagonal cells shaded by class, numbers printed.
    const corrRows = deepQueryAll('reference-detail [data-testid="correlation"] tbody tr');
    expect(corrRows).toHaveLength(5);
    const firstRow = [...corrRows[0]!.querySelectorAll('td')];
    expect(firstRow.map((td) => td.textContent)).toHaveLength(5);
    expect(firstRow[0]!.textContent).toBe('1.00');
    expect(firstRow[1]!.className).toMatch(/^r-(pos|neg)-\d$/);

    // Countries: sorted by kept rows, descending.
    const countryRows = deepQueryAll('reference-detail [data-testid="countries"] tbody tr');
    const nums = countryRows.map((r) => Number((r.querySelector('td')!.textContent ?? '').replace(/,/g, '')));
    expect(nums).toEqual([...nums].sort((a, b) => b - a));
    expect(countryRows.map((r) => r.querySelector('th')!.textContent).sort()).toEqual(['GB', 'JP', 'NONE', 'US']);
    expect(detail).toBeTruthy();
  });

  test('imports a generated FFM file by clicking, with a region preset shown and editable', async () => {
    const s = await services();
    await mount(s);
    await waitForEl('reference-manager [data-testid="no-references"]');
    pickFile('reference-import-form input#ffm-file', ffmFile(1200, { seed: 8, countries: ['JP', 'KR', 'CN', 'US', 'DE'] }));
    choose('reference-filter-form select#country-group', 'east-asia');
    await el!.updateComplete;
    const area = await waitForEl<HTMLTextAreaElement>('reference-filter-form textarea#countries');
    const eastAsia = REGION_PRESETS.find((r) => r.id === 'east-asia')!;
    expect(area.value).toBe(eastAsia.countries.join(', '));
    expect(text(deepQuery('reference-filter-form [data-testid="group-basis"]'))).toContain('M49');
    // Edit the list: drop CN.
    type('reference-filter-form textarea#countries', 'JP, KR');
    deepQuery<HTMLInputElement>('reference-filter-form input#ipc-one')!.click(); // IPC filter off
    deepQuery<HTMLButtonElement>('reference-import-form button#ffm-import')!.click();

    await waitFor(() => /^Stored/.test(text(deepQuery('reference-manager [data-testid="ref-status"]'))), 20_000, 'stored status');
    expect(listRows()).toHaveLength(1);
    const refs = await s.store.listReferences();
    expect(refs[0]!.filters).toMatchObject({ ipcOne: false, countries: ['JP', 'KR'], countryGroup: { id: 'east-asia-edited', name: 'East Asia (edited)' } });
    expect(Object.keys(refs[0]!.perCountry!).sort()).toEqual(['JP', 'KR']);
    expect(refs[0]!.rows.dropped.ipc).toBe(0);
    // The new reference is selected and its detail shows.
    await waitFor(() => deepQueryAll('reference-detail reference-histogram').length === 5, 10_000, 'histograms of the new reference');
    expect(text(deepQuery('reference-detail [data-testid="provenance"]'))).toContain('East Asia (edited): JP, KR');
  });

  test('creates a built-in sample by clicking: approximate badge, notice with how to import the real file', async () => {
    const s = await services();
    await mount(s);
    await waitFor(() => !deepQuery<HTMLButtonElement>('reference-import-form button#builtin-create')?.disabled, 10_000, 'builtin entries loaded');
    choose('reference-import-form select#builtin-entry', 'north-america');
    type('reference-import-form input#builtin-n', '300');
    type('reference-import-form input#builtin-seed', '5');
    deepQuery<HTMLButtonElement>('reference-import-form button#builtin-create')!.click();
    await waitFor(() => listRows().length === 1, 10_000, 'sample listed');
    expect(deepQuery('reference-manager [data-testid="approximate-badge"]')).not.toBeNull();
    const notice = await waitForEl('reference-detail [data-testid="approximate-notice"]');
    expect(text(notice)).toMatch(/^Approximate — how to import the real IPIP-FFM file for research use/);
    expect(text(deepQuery('reference-detail [data-testid="how-to-real"]'))).toMatch(/data-final\.csv/);
    const [info] = await s.store.listReferences();
    expect(info).toMatchObject({ kind: 'builtin', n: 300, label: 'approximate', source: { builtinId: 'north-america', seed: 5 } });
  });

  test('cancel by clicking stops the import and stores nothing', async () => {
    const s = await services();
    const existing = await s.importer.createBuiltinSample({ builtinId: 'global', n: 20, seed: 1 });
    await mount(s);
    await waitFor(() => listRows().length === 1, 10_000, 'existing reference listed');
    pickFile('reference-import-form input#ffm-file', bigFfmFile(2000, 40, { seed: 3 }));
    await el!.updateComplete;
    deepQuery<HTMLButtonElement>('reference-import-form button#ffm-import')!.click();
    await waitFor(() => deepQuery('reference-progress [data-testid="ref-rows"]') && text(deepQuery('reference-progress [data-testid="ref-rows"]')) !== '—', 20_000, 'progress with rows');
    expect(text(deepQuery('reference-progress [data-testid="ref-eta"]'))).not.toBe('');
    deepQuery<HTMLButtonElement>('reference-progress button#cancel-reference-import')!.click();
    await waitFor(() => text(deepQuery('reference-manager [data-testid="ref-status"]')).includes('cancelled'), 20_000, 'cancelled status');
    expect(deepQuery('reference-manager reference-progress')).toBeNull();
    expect((await s.store.listReferences()).map((r) => r.id)).toEqual([existing.id]);
  });

  test('a bad file shows an error that says what to do; delete asks once more', async () => {
    const s = await services();
    await s.importer.createBuiltinSample({ builtinId: 'global', n: 20, seed: 1 });
    await mount(s);
    await waitFor(() => listRows().length === 1, 10_000, 'listed');
    pickFile('reference-import-form input#csv-file', new File(['x,y\n1,2\n'], 'oops.csv'));
    await el!.updateComplete;
    deepQuery<HTMLButtonElement>('reference-import-form button#csv-import')!.click();
    const err = await waitForEl('reference-manager [data-testid="ref-error"]', 10_000);
    expect(text(err)).toMatch(/oops\.csv, line 1: The header needs either the five trait columns/);

    deepQuery<HTMLButtonElement>('reference-manager button[data-action="delete"]')!.click();
    await el!.updateComplete;
    deepQuery<HTMLButtonElement>('reference-manager button[data-action="confirm-delete"]')!.click();
    await waitForEl('reference-manager [data-testid="no-references"]', 10_000);
    expect(await s.store.listReferences()).toEqual([]);
  });

  test('a custom country group is saved, offered again after a remount, and validated', async () => {
    const s = await services();
    await mount(s);
    choose('reference-filter-form select#country-group', 'custom');
    await el!.updateComplete;
    type('reference-filter-form textarea#countries', 'jp, kr; J1');
    type('reference-filter-form input#group-name', 'My Asia');
    deepQuery<HTMLButtonElement>('reference-filter-form button#save-group')!.click();
    await waitFor(() => /not an ISO/.test(text(deepQuery('reference-filter-form [data-testid="group-message"]'))), 5000, 'validation message');
    type('reference-filter-form textarea#countries', 'jp, kr');
    deepQuery<HTMLButtonElement>('reference-filter-form button#save-group')!.click();
    await waitFor(() => /Saved group "My Asia"/.test(text(deepQuery('reference-filter-form [data-testid="group-message"]'))), 5000, 'saved message');
    expect(JSON.parse(localStorage.getItem(CUSTOM_GROUPS_KEY)!)).toEqual([{ id: 'custom-my-asia', name: 'My Asia', countries: ['JP', 'KR'], basis: 'custom' }]);

    el!.remove();
    await mount(s);
    const options = deepQueryAll<HTMLOptionElement>('reference-filter-form select#country-group option').map((o) => o.value);
    expect(options).toContain('custom-my-asia');
  });

  test('keyboard: Tab reaches the list, Enter opens a reference', async () => {
    const s = await services();
    await s.importer.createBuiltinSample({ builtinId: 'global', n: 30, seed: 2, name: 'Keyboard sample' });
    await mount(s);
    await waitFor(() => listRows().length === 1, 10_000, 'listed');
    const view = deepQuery<HTMLButtonElement>('reference-manager button[data-action="view"]')!;
    view.focus();
    expect(deepActiveElement()).toBe(view);
    await userEvent.keyboard('{Enter}');
    await waitForEl('reference-detail [data-testid="provenance"]', 10_000);
    expect(view.getAttribute('aria-pressed')).toBe('true');
    await userEvent.keyboard('{Tab}');
    expect((deepActiveElement() as HTMLElement).dataset.action).toBe('delete');
    // Delete… → the confirmation takes the focus; Keep → back to Delete…; Enter on confirm deletes.
    await userEvent.keyboard('{Enter}');
    await waitFor(() => (deepActiveElement() as HTMLElement | null)?.dataset.action === 'confirm-delete', 5000, 'focus on confirm');
    await userEvent.keyboard('{Tab}');
    expect((deepActiveElement() as HTMLElement).dataset.action).toBe('keep');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => (deepActiveElement() as HTMLElement | null)?.dataset.action === 'delete', 5000, 'focus back on delete');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => (deepActiveElement() as HTMLElement | null)?.dataset.action === 'confirm-delete', 5000, 'focus on confirm again');
    await userEvent.keyboard('{Enter}');
    await waitForEl('reference-manager [data-testid="no-references"]', 10_000);
    expect(deepActiveElement()?.id).toBe('stored-h');
  });
});
