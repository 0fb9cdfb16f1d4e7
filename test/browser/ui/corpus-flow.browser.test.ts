import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { userEvent } from '@vitest/browser/context';
import '../../../src/app/app-shell';
import type { AppShell } from '../../../src/app/app-shell';
import { createDefaultServices } from '../../../src/app/default-services';
import { openAppDb } from '../../../src/storage/db';
import { readMiningAuthors, readMiningSelection } from '../../../src/app/mining-selection';
import { CorpusStore } from '../../../src/storage/corpus-store';
import { deepActiveElement, deepQuery, deepQueryAll, freshDbName, text, waitFor, waitForEl } from './helpers';

let shell: AppShell | undefined;
let dbName = '';

async function mount(): Promise<AppShell> {
  dbName = freshDbName('flow');
  const el = document.createElement('app-shell');
  el.services = await createDefaultServices({ dbName });
  document.body.append(el);
  await el.updateComplete;
  shell = el;
  await waitForEl('import-panel');
  await waitForEl('[data-testid="no-corpora"]');
  return el;
}

beforeEach(() => {
  localStorage.clear();
  history.replaceState(null, '', '#/corpus');
});

afterEach(() => {
  shell?.remove();
  shell = undefined;
});

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** One Blog Authorship Corpus file: `ID.GENDER.AGE.INDUSTRY.SIGN.xml` with dated posts. */
function blogFile(name: string, posts: { date: string; text: string }[]): File {
  const body = posts
    .map((p) => {
      const [y, m, d] = p.date.split('-');
      return `<date>${Number(d)},${MONTHS[Number(m) - 1]},${y}</date>\n<post>\n${p.text}\n</post>\n`;
    })
    .join('\n');
  return new File([`<Blog>\n${body}</Blog>\n`], name, { type: 'text/xml' });
}

/** Puts files into the panel's file input and fires `change`, as picking them would. */
async function pickFiles(files: File[]): Promise<void> {
  const input = await waitForEl<HTMLInputElement>('import-panel input#files');
  const dt = new DataTransfer();
  for (const f of files) dt.items.add(f);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

async function setCorpusName(name: string): Promise<void> {
  const field = deepQuery<HTMLInputElement>('import-panel input[type="text"]')!;
  field.focus();
  field.select();
  await userEvent.keyboard(name);
}

function clickButton(root: string, label: RegExp): void {
  const btn = deepQueryAll<HTMLButtonElement>(`${root} button`).find((b) => label.test(text(b)));
  if (!btn) throw new Error(`no button ${label} in ${root}`);
  btn.click();
}

async function storeCounts(): Promise<{ corpora: number; authors: number; posts: number }> {
  const db = await openAppDb(dbName);
  try {
    // Posts are stored in pages (arrays of posts per author): count the posts inside them.
    const pages = await db.getAll('posts');
    return { corpora: await db.count('corpora'), authors: await db.count('authors'), posts: pages.reduce((n, p) => n + p.length, 0) };
  } finally {
    db.close();
  }
}

const HOSTILE = '<img src=x onerror="window.__pwned=1">Hello \u202Eevil\u202C and a very long line ' + 'x'.repeat(3000);

function smallCorpus(): File[] {
  return [
    blogFile('1001.female.23.Student.Leo.xml', [
      { date: '2004-05-14', text: 'First post about my classes.' },
      { date: '2004-06-02', text: HOSTILE },
      { date: '2004-08-20', text: 'Summer is over.' },
    ]),
    blogFile('1002.male.35.Technology.Aries.xml', [{ date: '2003-01-07', text: 'Compilers are fun and fast.' }]),
    blogFile('1003.female.41.Arts.Virgo.xml', [
      { date: '2002-03-01', text: 'Painting today.' },
      { date: '2006-07-30', text: 'A retrospective of four years of painting and gallery visits.' },
    ]),
  ];
}

function authorRows(): HTMLElement[] {
  // The virtualiser renders only rows inside the viewport, so bring the table into view first.
  deepQuery('author-table')?.scrollIntoView({ block: 'start' });
  return deepQueryAll<HTMLElement>('author-table [role="row"][data-author]');
}

describe('Corpus stage', () => {
  it('loads the bundled demo corpus with one click and shows its authors', async () => {
    await mount();
    const index = (await (await fetch('/demo-corpus/index.json')).json()) as { files: string[] };
    deepQuery<HTMLButtonElement>('[data-testid="load-demo"]')!.click();
    const done = await waitForEl('[data-testid="import-done"]', 60_000);
    expect(text(done)).toMatch(new RegExp(`posts by ${index.files.length} authors`));
    expect(text(deepQuery('[data-testid="corpus-authors"]'))).toBe(String(index.files.length));
    expect(text(deepQuery('corpus-list td.name'))).toBe('Demo corpus (synthetic blogs)');
    // The skip report lists file, line and reason of each skipped record (the demo has a few on purpose).
    const skipped = Number(text(deepQuery('corpus-list tr[data-corpus-id] td:nth-child(8)')));
    if (skipped > 0) {
      expect(text(deepQuery('skip-report summary'))).toMatch(new RegExp(`^${skipped} record`));
      const cells = deepQueryAll('skip-report tbody tr:first-child td').map((td) => text(td));
      expect(cells[0]).toMatch(/\.xml$/);
      expect(Number(cells[1])).toBeGreaterThan(0);
      expect(cells[2]!.length).toBeGreaterThan(3);
    }
    await waitFor(() => text(deepQuery('[data-testid="match-count"]')) === `${index.files.length} of ${index.files.length} authors match`, 10_000, 'count');
    await waitFor(() => authorRows().length > 5, 10_000, 'rows');
    expect(await storeCounts()).toMatchObject({ corpora: 1, authors: index.files.length });
  });

  it('imports picked files, lists the corpus and its authors, sorts, filters, shows posts safely, deletes', async () => {
    const el = await mount();
    await pickFiles(smallCorpus());
    expect(text(deepQuery('import-panel .chosen'))).toMatch(/^3 files/);
    await setCorpusName('Three bloggers');
    clickButton('import-panel', /^Import$/);

    const done = await waitForEl('[data-testid="import-done"]', 60_000);
    expect(text(done)).toContain('6 posts by 3 authors');
    expect(text(deepQuery('skip-report [data-testid="skip-count"]'))).toBe('Nothing was skipped.');

    // Listed with its figures, selected (URL and saved selection), stage list updated.
    expect(text(deepQuery('[data-testid="corpus-authors"]'))).toBe('3');
    expect(text(deepQuery('[data-testid="corpus-posts"]'))).toBe('6');
    const sel = readMiningSelection();
    expect(sel?.corpusId).toBeTruthy();
    await waitFor(() => location.hash === `#/corpus/${sel?.corpusId}`, 5000, 'corpus id in hash');
    await waitFor(() => text(deepQuery('[data-testid="stage-status-corpus"]')).includes('3 authors'), 5000, 'stage status');
    expect(text(deepQuery('[data-testid="stage-status-personas"]'))).toContain('not started');

    // Author table: default sort posts descending, with metadata columns from the file names.
    await waitFor(() => authorRows().length === 3, 10_000, 'three author rows');
    expect(authorRows().map((r) => r.dataset['author'])).toEqual(['1001', '1003', '1002']);
    const headers = deepQueryAll<HTMLElement>('author-table [role="columnheader"]');
    expect(headers.map((h) => text(h).replace(/[▲▼]/, ''))).toEqual(
      expect.arrayContaining(['Author', 'Posts', 'Words', 'Days active', 'age', 'gender', 'industry', 'sign']),
    );
    const postsHeader = headers.find((h) => text(h).startsWith('Posts'))!;
    expect(postsHeader.getAttribute('aria-sort')).toBe('descending');

    // Sort by clicking / pressing a header: Posts flips to ascending; Days active sorts by span.
    postsHeader.querySelector('button')!.click();
    await waitFor(() => authorRows()[0]?.dataset['author'] === '1002', 5000, 'ascending posts');
    expect(deepQuery('author-table [role="columnheader"][aria-sort="ascending"]')).toBeTruthy();
    const spanButton = deepQuery<HTMLButtonElement>('author-table button[data-sort="span"]')!;
    spanButton.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => authorRows()[0]?.dataset['author'] === '1003', 5000, 'longest span first');
    deepQuery<HTMLButtonElement>('author-table button[data-sort="meta:age"]')!.click();
    await waitFor(() => authorRows().map((r) => r.dataset['author']).join() === '1001,1002,1003', 5000, 'age ascending');

    // Filter: minimum posts 2 → 2 of 3; gender female too; saved for the mining stage.
    const minPosts = deepQuery<HTMLInputElement>('author-filter-form input[name="minPosts"]')!;
    minPosts.focus();
    await userEvent.keyboard('2');
    minPosts.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => text(deepQuery('[data-testid="match-count"]')) === '2 of 3 authors match', 5000, 'filter count');
    await waitFor(() => authorRows().map((r) => r.dataset['author']).sort().join() === '1001,1003', 5000, 'filtered rows');
    const dateTo = deepQuery<HTMLInputElement>('author-filter-form input[name="dateTo"]')!;
    dateTo.value = '2003-12-31';
    dateTo.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => text(deepQuery('[data-testid="match-count"]')) === '1 of 3 authors match', 5000, 'date filter');
    expect(readMiningSelection()?.filter).toEqual({ minPosts: 2, dateTo: '2003-12-31' });
    // What the mining stage will read: the same authors, from the real store.
    const store = new CorpusStore(dbName);
    const mining = await readMiningAuthors(store);
    await store.close();
    expect(mining?.authors.map((a) => a.key)).toEqual(['1003']);
    clickButton('author-filter-form', /Clear filter/);
    await waitFor(() => text(deepQuery('[data-testid="match-count"]')) === '3 of 3 authors match', 5000, 'cleared');
    expect(readMiningSelection()?.filter).toEqual({});

    // Keyboard through the rows, then open 1001's posts.
    await waitFor(() => authorRows().length === 3, 5000, 'all rows back');
    const firstPick = deepQuery<HTMLButtonElement>('author-table [data-index="0"] button')!;
    firstPick.focus();
    await userEvent.keyboard('{ArrowDown}');
    await waitFor(() => deepActiveElement()?.closest('[data-index]')?.getAttribute('data-index') === '1', 5000, 'row 1 focused');
    await userEvent.keyboard('{End}');
    await waitFor(() => deepActiveElement()?.closest('[data-index]')?.getAttribute('data-index') === '2', 5000, 'last row focused');
    await userEvent.keyboard('{Home}');
    await waitFor(() => deepActiveElement()?.closest('[data-index]')?.getAttribute('data-index') === '0', 5000, 'row 0 focused');
    await userEvent.keyboard('{Enter}');
    const postsView = await waitForEl('[data-testid="author-posts"]', 10_000);
    await waitFor(() => postsView.querySelectorAll('li').length === 3, 10_000, 'three posts');
    // Untrusted text stays text: no element was created from it, and it is bidi-isolated.
    expect(postsView.querySelector('img')).toBeNull();
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
    const hostile = [...postsView.querySelectorAll<HTMLElement>('.text')].find((p) => p.textContent?.includes('<img'));
    expect(hostile?.getAttribute('dir')).toBe('auto');
    // The 3000-character line wraps inside the panel instead of widening it.
    const panel = deepQuery('author-posts')!;
    expect(hostile!.scrollWidth).toBeLessThanOrEqual(panel.getBoundingClientRect().width + 1);

    // Delete with confirmation: the corpus is gone from the list and from IndexedDB.
    expect(await storeCounts()).toEqual({ corpora: 1, authors: 3, posts: 6 });
    clickButton('corpus-list', /^Delete$/);
    const confirm = await waitForEl<HTMLButtonElement>('[data-testid="confirm-delete"]');
    expect(deepQuery<HTMLDialogElement>('corpus-list dialog')?.open).toBe(true);
    confirm.click();
    await waitForEl('[data-testid="no-corpora"]', 20_000);
    expect(await storeCounts()).toEqual({ corpora: 0, authors: 0, posts: 0 });
    expect(readMiningSelection()).toBeNull();
    await waitFor(() => text(deepQuery('[data-testid="stage-status-corpus"]')).includes('not started'), 5000, 'status reset');
    await el.updateComplete;
  });

  it('cancels a running import halfway and leaves the store as it was', async () => {
    await mount();
    // ~600 authors × 40 posts ≈ 15 MB: long enough to press Cancel while it runs.
    const files: File[] = [];
    const para = 'The quick brown fox jumps over the lazy dog near the river bank today. '.repeat(8);
    for (let i = 0; i < 600; i++) {
      const posts = Array.from({ length: 40 }, (_, j) => ({ date: `2004-0${1 + (j % 9)}-1${j % 10}`, text: `${i}-${j} ${para}` }));
      files.push(blogFile(`${5000 + i}.male.${20 + (i % 30)}.Student.Leo.xml`, posts));
    }
    await pickFiles(files);
    clickButton('import-panel', /^Import$/);

    const progress = await waitForEl('import-progress', 20_000);
    await waitFor(() => Number(text(deepQuery('[data-testid="imp-posts"]')).replace(/,/g, '')) > 0, 60_000, 'some posts read');
    const bar = deepQuery('import-progress [role="progressbar"]')!;
    expect(Number(bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(0);
    expect(Number(bar.getAttribute('aria-valuenow'))).toBeLessThan(100);
    expect(text(progress.shadowRoot!.querySelector('[data-testid="imp-bytes"]'))).toMatch(/ of .*MB/);

    clickButton('import-progress', /Cancel import/);
    await waitForEl('[data-testid="import-cancelled"]', 60_000);
    expect(deepQuery('import-progress')).toBeNull();
    expect(deepQuery('[data-testid="no-corpora"]')).toBeTruthy();
    expect(await storeCounts()).toEqual({ corpora: 0, authors: 0, posts: 0 });
    // The panel is usable again.
    expect(deepQuery<HTMLButtonElement>('[data-testid="load-demo"]')?.disabled).toBe(false);
  });

  it('asks for a column mapping for a generic CSV and imports with it', async () => {
    await mount();
    const csv = [
      'handle,message,when,country,score',
      'ana,"Hola, mundo",2020-01-02,ES,3',
      'ana,Second post,2020-02-03,ES,1',
      'bo,"Line one\nline two",2021-05-06,SE,7',
      'cy,שלום עולם,2019-12-31,IL,2',
    ].join('\n');
    await pickFiles([new File([csv], 'export.csv', { type: 'text/csv' })]);
    clickButton('import-panel', /^Import$/);

    const dialog = await waitFor(() => {
      const d = deepQuery<HTMLDialogElement>('column-mapping-dialog dialog');
      return d?.open ? d : null;
    }, 20_000, 'mapping dialog');
    // Sample rows are shown; nothing guessed an author column named "handle", so the user picks.
    expect(text(dialog.querySelector('table'))).toContain('Hola, mundo');
    const submit = [...dialog.querySelectorAll('button')].find((b) => /Import with this mapping/.test(text(b)))!;
    const author = dialog.querySelector<HTMLSelectElement>('select[name="author"]')!;
    const textSel = dialog.querySelector<HTMLSelectElement>('select[name="text"]')!;
    const date = dialog.querySelector<HTMLSelectElement>('select[name="date"]')!;
    await userEvent.selectOptions(author, 'handle');
    if (textSel.value !== 'message') await userEvent.selectOptions(textSel, 'message');
    await userEvent.selectOptions(date, 'when');
    const countryBox = [...dialog.querySelectorAll('fieldset label')].find((l) => text(l) === 'country')?.querySelector('input');
    if (!countryBox!.checked) countryBox!.click();
    await waitFor(() => !submit.disabled, 5000, 'valid mapping');
    submit.click();

    const done = await waitForEl('[data-testid="import-done"]', 60_000);
    expect(text(done)).toContain('4 posts by 3 authors');
    await waitFor(() => authorRows().length === 3, 10_000, 'three authors');
    expect(deepQuery('author-table button[data-sort="meta:country"]')).toBeTruthy();
    expect(deepQuery('author-table button[data-sort="meta:score"]')).toBeNull();
    // Metadata filter: the multi-select lists the countries.
    const country = deepQuery<HTMLSelectElement>('author-filter-form select[name="meta:country"]')!;
    expect([...country.options].map((o) => o.value)).toEqual(['ES', 'IL', 'SE']);
    await userEvent.selectOptions(country, ['ES', 'SE']);
    await waitFor(() => text(deepQuery('[data-testid="match-count"]')) === '2 of 3 authors match', 5000, 'meta filter');
  });

  it('cancelling the mapping dialog starts nothing', async () => {
    await mount();
    await pickFiles([new File(['a,b\n1,2\n'], 'odd.csv', { type: 'text/csv' })]);
    clickButton('import-panel', /^Import$/);
    await waitFor(() => deepQuery<HTMLDialogElement>('column-mapping-dialog dialog')?.open, 20_000, 'dialog');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => !deepQuery<HTMLDialogElement>('column-mapping-dialog dialog')?.open, 5000, 'dialog closed');
    await waitFor(() => /no column mapping/.test(text(deepQuery('corpus-view')?.shadowRoot?.querySelector('.notice'))), 5000, 'notice');
    expect(await storeCounts()).toEqual({ corpora: 0, authors: 0, posts: 0 });
  });

  it('shows an import error in an alert', async () => {
    await mount();
    await pickFiles([new File(['just some words'], 'notes.pdf')]);
    clickButton('import-panel', /^Import$/);
    const alert = await waitForEl('[data-testid="import-error"]', 30_000);
    expect(alert.getAttribute('role')).toBe('alert');
    expect(text(alert).length).toBeGreaterThan(10);
    expect(await storeCounts()).toEqual({ corpora: 0, authors: 0, posts: 0 });
  });
});

describe('Import panel inputs', () => {
  it('accepts dropped files, offers a folder picker, and comes back to the last corpus', async () => {
    await mount();
    expect(deepQuery<HTMLInputElement>('import-panel input#folder')?.hasAttribute('webkitdirectory')).toBe(true);
    expect(deepQuery<HTMLInputElement>('import-panel input#files')?.multiple).toBe(true);
    const zone = deepQuery('import-panel .zone')!;
    const dt = new DataTransfer();
    for (const f of smallCorpus()) dt.items.add(f);
    dt.items.add(new File(['junk'], '.DS_Store'));
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    await waitFor(() => /^3 files/.test(text(deepQuery('import-panel .chosen'))), 5000, 'dropped files listed');
    clickButton('import-panel', /^Import$/);
    await waitForEl('[data-testid="import-done"]', 60_000);
    const id = readMiningSelection()?.corpusId;
    await waitFor(() => location.hash === `#/corpus/${id}`, 5000, 'selected');

    // Leave the stage and come back through the nav: the same corpus is open again.
    deepQuery<HTMLAnchorElement>('nav a[data-stage="quality"]')!.click();
    await waitFor(() => location.hash === '#/quality', 5000, 'quality');
    deepQuery<HTMLAnchorElement>('nav a[data-stage="corpus"]')!.click();
    await waitFor(() => location.hash === `#/corpus/${id}`, 10_000, 'corpus reopened');
    await waitFor(() => authorRows().length === 3, 10_000, 'authors shown again');
  });
});
