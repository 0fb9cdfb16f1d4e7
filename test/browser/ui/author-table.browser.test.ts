import { afterEach, expect, it } from 'vitest';
import { userEvent } from '@vitest/browser/context';
import '../../../src/components/author-table/author-table';
import type { AuthorTable } from '../../../src/components/author-table/author-table';
import type { AuthorSummary } from '../../../src/contracts/corpus-store';
import { selectForTable, type TableSort } from '../../../src/app/author-view';
import { deepActiveElement, waitFor } from './helpers';

let table: AuthorTable | undefined;
afterEach(() => table?.remove());

function authors(n: number): AuthorSummary[] {
  return Array.from({ length: n }, (_, i) => ({
    corpusId: 'big',
    key: String(1_000_000 + i),
    meta: { gender: i % 2 ? 'male' : 'female', age: String(13 + (i % 35)) },
    posts: 1 + ((i * 7919) % 400),
    words: 100 + ((i * 104729) % 90_000),
    dateMin: '2001-01-01',
    dateMax: `2004-0${1 + (i % 9)}-15`,
  }));
}

it('keeps 19,320 authors virtualised: few rows in the DOM, sorting and End/Home stay quick', async () => {
  const all = authors(19_320);
  table = document.createElement('author-table');
  table.metaKeys = ['age', 'gender'];
  table.authors = selectForTable(all, {}, { key: 'posts', desc: true });
  document.body.append(table);
  table.scrollIntoView();
  const rows = () => table!.shadowRoot!.querySelectorAll<HTMLElement>('[role="row"][data-index]');
  await waitFor(() => rows().length > 0, 10_000, 'rows');
  expect(rows().length).toBeLessThan(200);
  expect(table.shadowRoot!.querySelector('[role="table"]')?.getAttribute('aria-rowcount')).toBe('19321');

  // Sorting by a header: the element asks, the caller sorts (here as author-browser does).
  table.addEventListener('pa-sort', (e) => {
    const sort = (e as CustomEvent<TableSort>).detail;
    table!.sort = sort;
    table!.authors = selectForTable(all, {}, sort);
  });
  const t0 = performance.now();
  table.shadowRoot!.querySelector<HTMLButtonElement>('button[data-sort="meta:age"]')!.click();
  await waitFor(() => rows()[0]?.querySelectorAll('[role="cell"]')[6]?.textContent === '13', 10_000, 'age ascending');
  expect(performance.now() - t0).toBeLessThan(2000);

  // Keyboard: End jumps to the 19,320th row (scrolled in and focused), Home back to the first.
  rows()[0]!.querySelector('button')!.focus();
  await userEvent.keyboard('{End}');
  await waitFor(() => deepActiveElement()?.closest('[data-index]')?.getAttribute('data-index') === '19319', 10_000, 'last row');
  expect(deepActiveElement()?.closest('[role="row"]')?.getAttribute('aria-rowindex')).toBe('19321');
  await userEvent.keyboard('{Home}');
  await waitFor(() => deepActiveElement()?.closest('[data-index]')?.getAttribute('data-index') === '0', 10_000, 'first row');
  expect(rows().length).toBeLessThan(200);
});
