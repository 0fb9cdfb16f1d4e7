/**
 * The Results stage in Chromium on runs written into IndexedDB by the test: the run picker (newest
 * first), the metrics table, the figures with their table toggle and SVG/PNG output, the IS-only and
 * IS + OT baselines through the real align worker (progress, Cancel), and the persona browser
 * (filters, keyboard, persona page with source posts of a mined persona). One screenshot is written
 * to __screenshots__/ beside this file (git-ignored) for a look by eye.
 */
import { page, userEvent } from '@vitest/browser/context';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { StoredRun } from '../../../src/contracts/run';
import type { StoredPersona } from '../../../src/core/stages/types';
import { formatMetric } from '../../../src/pipeline/align-report';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import { putRun } from '../../../src/storage/run-store';
import { putPersonas } from '../../../src/storage/persona-store';
import { serviceAlignRunner } from '../../../src/pipeline/align-runner';
import { AlignService } from '../../../src/services/align-service';
import { exportFigure, pngBlob } from '../../../src/components/results-figures/figure';
import type { ExportPanel } from '../../../src/components/export-panel/export-panel';
import type { ResultsFigureElement } from '../../../src/components/results-figure/results-figure';
import '../../../src/components/results-stage/results-stage';
import type { ResultsStage } from '../../../src/components/results-stage/results-stage';
import { storedRunFixture } from '../../unit/results/run-fixture';
import { deepActiveElement, deepQuery, deepQueryAll, freshDbName, text, waitFor, waitForEl } from '../ui/helpers';

const service = new AlignService();
const dbName = freshDbName('results');
let db: AppDb;
let newest: StoredRun;
const CORPUS = 'corpus-test';
const AUTHOR = 'blogger-7';

beforeAll(async () => {
  db = await openAppDb(dbName);
  const older = await storedRunFixture({ id: 'run-old', seed: 2, createdAt: '2026-11-20T10:00:00.000Z' });
  newest = await storedRunFixture({ id: 'run-new', seed: 3, refN: 1000, createdAt: '2026-11-25T10:00:00.000Z' });
  // Pool row 0 is a mined persona whose stored record and posts are in the database.
  const rec = newest.result!.records![0]!;
  const minedId = `${CORPUS}/${AUTHOR}`;
  newest.result!.records![0] = { ...rec, id: minedId, source: { kind: 'mined', corpusId: CORPUS, author: AUTHOR }, text: 'A night-shift nurse who writes about <b>orchids</b> and long walks.', answers: { EXT1: 4.2, EST1: 2.1 } };
  newest.result!.poolIds[0] = minedId;
  const stored: StoredPersona = { ...newest.result!.records![0]!, source: { kind: 'mined', corpusId: CORPUS, author: AUTHOR }, corpusId: CORPUS, status: 'profiled', stages: {} };
  await putPersonas(db, [stored]);
  await db.put('posts', [{ d: '2004-05-14', t: 'My orchids finally bloomed <script>alert(1)</script>', f: 'x.xml', l: 3 }, { d: '2004-05-20', t: 'Night shift again.', f: 'x.xml', l: 9 }], [CORPUS, AUTHOR, 0]);
  const running: StoredRun = { ...older, id: 'run-running', status: 'running', result: undefined, title: 'still running', createdAt: '2026-11-26T10:00:00.000Z' };
  for (const r of [older, newest, running]) await putRun(db, r);
});

afterAll(() => {
  db.close();
  service.terminate();
});

afterEach(() => document.body.replaceChildren());

/** The drawn <svg> of one figure (inside its shadow root), once drawn. */
function figureSvg(id: string): Promise<SVGSVGElement> {
  return waitFor(() => deepQuery<ResultsFigureElement>(`results-figure[data-figure="${id}"]`)?.shadowRoot?.querySelector<SVGSVGElement>('.plot > svg'), 10_000, `${id} figure`);
}

async function mount(): Promise<ResultsStage> {
  const el = document.createElement('results-stage');
  el.dbName = dbName;
  el.runner = serviceAlignRunner(service);
  document.body.append(el);
  await waitForEl('results-stage [data-testid="rs-metrics"]', 20_000);
  return el;
}

describe('<results-stage>', () => {
  test('picks the newest finished run; metrics table and figures with legends', async () => {
    await mount();
    const options = deepQueryAll<HTMLOptionElement>('results-stage select[name="run"] option');
    expect(options.map((o) => o.value)).toEqual(['run-running', 'run-new', 'run-old']);
    expect(options[0]!.disabled).toBe(true);
    expect(deepQuery<HTMLSelectElement>('results-stage select[name="run"]')!.value).toBe('run-new');
    expect(text(deepQuery('results-stage [data-testid="rs-summary"]'))).toMatch(/method nearest, seed 3: selected 60 of 400 personas; judged against 200 reference points/);
    const table = deepQuery('results-metrics [data-testid="results-metrics"]')!;
    const rows = table.querySelectorAll('tbody tr');
    expect(rows.length).toBe(23);
    expect(text(rows[0]!.querySelector('th'))).toBe('Energy distance');
    const d = newest.result!.diagnostics;
    const cells = [...rows[0]!.querySelectorAll('td')].map((c) => text(c));
    expect(cells[0]).toBe(formatMetric(d.pool.energy));
    expect(cells[1]).toBe(formatMetric(d.random.energy));
    expect(cells[2]).toBe(formatMetric(d.selected.energy));
    expect(cells[3]).toMatch(/^−\d+%$/); // error went down against the raw pool
    const figs = deepQueryAll<ResultsFigureElement>('results-stage results-figure');
    expect(figs.map((f) => f.figure!.id)).toEqual(['densities', 'correlations', 'pca']); // nearest computes no IS weights
    const densitySvg = await figureSvg('densities');
    expect(densitySvg.querySelector('title')!.textContent).toBe('Trait densities');
    expect([...densitySvg.querySelectorAll('.legend-item text')].map((t) => t.textContent)).toEqual(['Reference', 'Raw pool', 'Random subset', 'This run’s selection']);
    expect(densitySvg.querySelectorAll('path').length).toBeGreaterThanOrEqual(20); // 4 curves × 5 traits
    expect(densitySvg.querySelector('style')).toBeNull(); // CSP: Plot's <style> removed
    // Take away: the export panel gets this run and the figures; its report page carries them (sanitised).
    const panel = deepQuery<ExportPanel>('results-stage export-panel')!;
    expect(panel.run?.id).toBe('run-new');
    expect(panel.figures.map((f) => f.title)).toEqual(['Trait densities', 'Trait correlations', 'PCA projection']);
    const report = String(panel.fileFor('report').data);
    for (const t of ['Trait densities', 'Trait correlations', 'PCA projection']) expect(report).toContain(t);
    const doc = new DOMParser().parseFromString(report, 'text/html');
    expect(doc.querySelectorAll('svg').length).toBeGreaterThanOrEqual(3);
    expect(doc.querySelectorAll('svg path').length).toBeGreaterThanOrEqual(20);
  });

  test('plot/table toggle by keyboard; the table has the numbers; SVG and PNG render', async () => {
    await mount();
    const fig = deepQuery<ResultsFigureElement>('results-figure[data-figure="correlations"]')!;
    const toggle = fig.shadowRoot!.querySelector<HTMLButtonElement>('button.toggle')!;
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    await fig.updateComplete;
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    expect(fig.shadowRoot!.querySelector<HTMLElement>('.plot')!.hidden).toBe(true);
    const table = fig.shadowRoot!.querySelector('table')!;
    expect(text(table.querySelector('caption'))).toMatch(/‖selected − reference‖_F = /);
    expect(table.querySelectorAll('tbody tr').length).toBe(15); // 3 matrices × 5 rows
    expect(text(table.querySelector('tbody tr td'))).toBe('1'); // reference diagonal
    await userEvent.keyboard(' ');
    await fig.updateComplete;
    expect(toggle.getAttribute('aria-pressed')).toBe('false');
    expect(fig.shadowRoot!.querySelector('table')).toBeNull();

    const exported = exportFigure(fig.figure!);
    const parsed = new DOMParser().parseFromString(exported.svg, 'image/svg+xml');
    expect(parsed.querySelector('parsererror')).toBeNull();
    expect(parsed.documentElement.tagName).toBe('svg');
    expect(parsed.querySelectorAll('rect').length).toBeGreaterThanOrEqual(75); // 3 × 25 cells
    expect(exported.table.rows.length).toBe(15);
    const png = await pngBlob(fig.figure!);
    expect(png.type).toBe('image/png');
    const sig = new Uint8Array(await png.slice(0, 8).arrayBuffer());
    expect(Array.from(sig)).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const bmp = await createImageBitmap(png);
    expect(bmp.width).toBe(2 * 900);
  });

  test('IS only and IS + OT through the align worker: progress, then five columns and the weights figure', async () => {
    await mount();
    deepQuery<HTMLButtonElement>('results-stage [data-testid="rs-compare"]')!.click();
    await waitForEl('results-stage results-progress', 5_000);
    const table = await waitForEl('results-stage [data-testid="rs-comparison"]', 90_000);
    expect(deepQuery('results-stage results-progress')).toBeNull();
    const head = [...table.shadowRoot!.querySelectorAll('thead th')].map((t) => text(t));
    expect(head).toEqual(['Metric', 'Raw pool', 'Random subset', 'IS only', 'IS only vs pool', 'IS only vs random', 'IS + OT', 'IS + OT vs pool', 'IS + OT vs random', 'This run', 'This run vs pool', 'This run vs random', 'Sampling floor']);
    expect(table.shadowRoot!.querySelectorAll('tbody tr').length).toBe(23);
    expect(text(deepQuery('results-stage [data-testid="rs-comparison-note"]'))).toMatch(/same 100 reference points; IS only and IS \+ OT were matched to the other 100/);
    const wsvg = await figureSvg('weights');
    const legend = [...(await figureSvg('densities')).querySelectorAll('.legend-item text')].map((t) => t.textContent);
    expect(legend).toEqual(['Reference', 'Raw pool', 'Random subset', 'IS only', 'IS + OT', 'This run’s selection']);
    expect(wsvg.textContent).toMatch(/Kish ESS [\d.]+ of 400/);
    expect(wsvg.textContent).toMatch(/trimming cap 20× mean/);
  });

  test('Cancel stops the baselines and leaves the page as it was', async () => {
    await mount();
    deepQuery<HTMLButtonElement>('results-stage [data-testid="rs-compare"]')!.click();
    const cancel = await waitFor(() => deepQuery<HTMLButtonElement>('results-progress button'), 5_000, 'cancel button');
    cancel.click();
    await waitForEl('results-stage [data-testid="rs-compare"]', 30_000);
    expect(deepQuery('results-stage [data-testid="rs-comparison"]')).toBeNull();
    expect(text(deepQuery('results-stage [role="status"]'))).toContain('cancelled');
  });

  test('persona browser: final set, pool, search, trait range; keyboard moves through the virtualised list; persona page with posts', async () => {
    const el = await mount();
    const count = (): string => text(deepQuery('persona-browser [data-testid="pb-count"]'));
    expect(count()).toBe('Showing 60 of 400 personas');
    const select = deepQuery<HTMLSelectElement>('persona-browser select[name="selection"]')!;
    select.value = 'all';
    select.dispatchEvent(new Event('change'));
    await waitFor(() => count() === 'Showing 400 of 400 personas', 2_000, 'whole pool');
    // Only the visible rows are in the DOM.
    expect(deepQueryAll('persona-browser button.row').length).toBeLessThan(100);
    const search = deepQuery<HTMLInputElement>('persona-browser input[name="query"]')!;
    search.value = 'gardening teacher';
    search.dispatchEvent(new Event('input'));
    const expected = newest.result!.records!.filter((r) => r.text.includes('gardening') && r.text.includes('teacher')).length;
    expect(expected).toBeGreaterThan(0);
    await waitFor(() => count() === `Showing ${expected} of 400 personas`, 2_000, 'search');
    search.value = '';
    search.dispatchEvent(new Event('input'));
    const min = deepQuery<HTMLInputElement>('persona-browser input[name="extraversion-min"]')!;
    min.value = '4';
    min.dispatchEvent(new Event('input'));
    await waitFor(() => !count().startsWith('Showing 400'), 2_000, 'trait range');
    const n = Number(/Showing (\d+)/.exec(count())![1]);
    expect(n).toBe(newest.result!.poolIds.filter((_, i) => newest.result!.pool.points[i * 5 + 2]! >= 4).length);
    min.value = '1';
    min.dispatchEvent(new Event('input'));
    await waitFor(() => count() === 'Showing 400 of 400 personas', 2_000, 'range cleared');

    // The virtualiser renders what is inside the window's viewport: bring the list into view.
    deepQuery('persona-browser .list')!.scrollIntoView();
    const first = await waitFor(() => deepQuery<HTMLButtonElement>('persona-browser button.row[data-index="0"]'), 5_000, 'first row');
    // Tab stop on the list itself, then ↓ enters the rows.
    deepQuery<HTMLElement>('persona-browser lit-virtualizer')!.focus();
    await userEvent.keyboard('{ArrowDown}');
    await waitFor(() => deepActiveElement() === first, 2_000, 'focus on row 1');
    await userEvent.keyboard('{ArrowDown}');
    await waitFor(() => deepActiveElement()?.getAttribute('data-index') === '1', 2_000, 'focus on row 2');
    await userEvent.keyboard('{End}');
    await waitFor(() => deepActiveElement()?.getAttribute('data-index') === '399', 5_000, 'focus on the last row');
    await userEvent.keyboard('{Home}');
    await waitFor(() => deepActiveElement()?.getAttribute('data-index') === '0', 5_000, 'focus on the first row');
    await userEvent.keyboard('{Enter}');
    const page1 = await waitForEl('persona-page [data-testid="trait-profile"]', 5_000);
    expect(page1.querySelectorAll('tbody tr').length).toBe(5);
    const pct = [...page1.querySelectorAll('tbody tr td:nth-child(3)')].map((c) => Number(text(c)));
    expect(pct.every((p) => p >= 0 && p <= 100)).toBe(true);
    // The mined persona: its posts beside the narrative, all as text.
    const posts = await waitFor(() => { const li = deepQueryAll('persona-detail li'); return li.length > 0 && li; }, 5_000, 'source posts');
    expect(posts.length).toBe(2);
    expect(text(posts[0])).toContain('<script>alert(1)</script>');
    expect(deepQuery('persona-detail script')).toBeNull();
    expect(text(deepQuery('persona-detail .persona-text'))).toContain('<b>orchids</b>');
    expect(text(deepQuery('persona-page [data-testid="quality"] h4'))).toMatch(/^Quality verdict: kept$/);
    expect(deepQueryAll('persona-page [data-testid="answers"] tbody tr').length).toBe(2);

    // The screenshot holds what the frame paints: the plots, then (scrolled) the persona page.
    await page.viewport(1280, 1000);
    el.shadowRoot!.querySelector('#rs-plots-h')!.scrollIntoView();
    // Vite's fs allow-list keeps the file under the git-ignored __screenshots__/ beside this test.
    console.log(`[results] screenshot: ${await page.screenshot()}`);
  });
});
