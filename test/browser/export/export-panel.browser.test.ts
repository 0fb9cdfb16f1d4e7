// The take-away UI and the report page in Chromium: <export-panel> on a stored run (labels, keyboard,
// axe, every file it offers), the report HTML parsed by the browser (no script, no handler, no URL
// attribute, hostile text kept as text, a real Observable Plot figure kept), and <bundle-panel>
// importing a good and a broken bundle (progress, clear error, nothing written).
import { afterAll, describe, expect, it } from 'vitest';
import { userEvent } from '@vitest/browser/context';
import axe from 'axe-core';
import * as Plot from '@observablehq/plot';
import '../../../src/components/export-panel/export-panel';
import '../../../src/components/bundle-panel/bundle-panel';
import type { ExportPanel } from '../../../src/components/export-panel/export-panel';
import type { BundlePanel } from '../../../src/components/bundle-panel/bundle-panel';
import { runReportHtml } from '../../../src/components/export-panel/report-of-run';
import { sanitizeSvg } from '../../../src/core/report';
import { EXPORT_FORMATS } from '../../../src/core/export';
import { openAppDb, type AppDb } from '../../../src/storage/db';
import { exportBundle } from '../../../src/storage/bundle-export';
import { HOSTILE, hostileRun } from '../../unit/export/hostile';
import { dump, uniqueDbName } from '../db-helpers';
import { waitFor } from '../ui/helpers';

const dbs: AppDb[] = [];
afterAll(() => dbs.forEach((d) => d.close()));

async function seriousViolations(root: Element): Promise<string[]> {
  const r = await axe.run(root, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help}`);
}

function mount<T extends HTMLElement>(tag: string, props: Partial<T>): T {
  const el = document.createElement(tag) as T;
  Object.assign(el, props);
  document.body.append(el);
  return el;
}

describe('<export-panel>', () => {
  it('every format is a labelled radio; keyboard selects and downloads; axe finds nothing serious', async () => {
    const el = mount<ExportPanel>('export-panel', { run: hostileRun() });
    await el.updateComplete;
    const radios = Array.from(el.shadowRoot!.querySelectorAll<HTMLInputElement>('input[type=radio]'));
    expect(radios.length).toBe(EXPORT_FORMATS.length + 2);
    for (const r of radios) {
      const label = el.shadowRoot!.querySelector(`label[for="${r.id}"]`);
      expect(label?.textContent?.trim().length).toBeGreaterThan(2);
      expect(el.shadowRoot!.getElementById(r.getAttribute('aria-describedby')!)).not.toBeNull();
    }
    radios[0]!.focus();
    await userEvent.keyboard('{ArrowDown}');
    await el.updateComplete;
    expect(radios[1]!.checked).toBe(true);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="ep-download"]')!;
    button.focus();
    await userEvent.keyboard('{Enter}');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[data-testid="ep-status"]')!.textContent).toMatch(/^Saved persona-set-nearest-k10-run-_script_\.csv \(\d[\d,]* bytes\)\.$/);
    expect(await seriousViolations(el)).toEqual([]);
    el.remove();
  });

  it('offers every file for a done run and nothing for a running one', async () => {
    const run = hostileRun();
    const el = mount<ExportPanel>('export-panel', { run });
    await el.updateComplete;
    for (const id of [...EXPORT_FORMATS.map((f) => f.id), 'manifest', 'report'] as const) {
      const f = el.fileFor(id);
      expect(f.data.length).toBeGreaterThan(50);
      expect(f.filename).toMatch(/^[A-Za-z0-9._-]+$/);
    }
    el.run = { ...run, status: 'running' };
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="ep-download"]')!.disabled).toBe(true);
    el.remove();
  });
});

describe('report page in the browser', () => {
  it('hostile run and hostile figures: no script, no handlers, no URL attributes; the text is there as text', () => {
    const figures = HOSTILE.map((h) => ({
      title: h,
      svg: `<svg viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)"><text>link</text></a><text>${h.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text><rect width="3" height="3"/></svg>`,
      table: { caption: h, columns: ['k', h], rows: [[h, h]] },
    }));
    const html = runReportHtml(hostileRun(), figures);
    const doc = new DOMParser().parseFromString(html, 'text/html');
    expect(doc.querySelectorAll('script, iframe, object, embed, img, image, a, use, foreignObject, base, form, link').length).toBe(0);
    for (const node of Array.from(doc.querySelectorAll('*'))) {
      for (const a of Array.from(node.attributes)) {
        expect(a.name).not.toMatch(/^on/i);
        expect(['href', 'xlink:href', 'src', 'action', 'formaction']).not.toContain(a.name.toLowerCase());
      }
    }
    expect(doc.querySelector('meta[http-equiv="Content-Security-Policy"]')!.getAttribute('content')).toContain("default-src 'none'");
    expect(doc.querySelector('h1')!.textContent).toBe(hostileRun().title);
    const text = doc.body.textContent!;
    for (const h of HOSTILE) expect(text).toContain(h);
    // Each figure kept its rect, and its text as text.
    expect(doc.querySelectorAll('figure svg rect').length).toBe(HOSTILE.length);
    expect(doc.querySelectorAll('figure svg text')[0]!.textContent).toBe(HOSTILE[0]);
  });

  it('an Observable Plot figure survives sanitising with all its marks', () => {
    const data = Array.from({ length: 30 }, (_, i) => ({ x: i, y: Math.sin(i / 3) }));
    const fig = Plot.plot({ marks: [Plot.rectY(data, { x1: 'x', x2: (d: { x: number }) => d.x + 0.8, y: 'y' }), Plot.ruleY([0]), Plot.text(data.slice(0, 3), { x: 'x', y: 'y', text: () => '<b>' })] });
    const svg = (fig as SVGSVGElement).outerHTML;
    const before = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const out = sanitizeSvg(svg);
    expect(out.removed).toEqual([]);
    const after = new DOMParser().parseFromString(out.svg, 'image/svg+xml');
    expect(after.querySelector('parsererror')).toBeNull();
    for (const sel of ['rect', 'line', 'path', 'text', 'g']) expect(after.querySelectorAll(sel).length).toBe(before.querySelectorAll(sel).length);
    expect(after.querySelector('style')!.textContent).toBe(before.querySelector('style')!.textContent);
  });
});

describe('<bundle-panel>', () => {
  async function pickFile(el: BundlePanel, file: File): Promise<void> {
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('[data-testid="bp-file"]')!;
    const dt = new DataTransfer();
    dt.items.add(file);
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await el.updateComplete;
  }

  it('imports a good bundle with a status line; a damaged one is refused by name and writes nothing', async () => {
    const srcName = uniqueDbName('bp-src');
    const src = await openAppDb(srcName);
    dbs.push(src);
    await src.put('targets', { id: 't1', kind: 'target', createdAt: 'a', updatedAt: 'b', note: HOSTILE[0] });
    await src.put('runs', hostileRun());
    const { bytes } = await exportBundle(src, { postText: false });

    const dstName = uniqueDbName('bp-dst');
    const dst = await openAppDb(dstName);
    dbs.push(dst);
    const el = mount<BundlePanel>('bundle-panel', { dbName: dstName });
    await el.updateComplete;
    expect(await seriousViolations(el)).toEqual([]);

    const broken = bytes.slice(0, Math.floor(bytes.length / 2));
    await pickFile(el, new File([broken], 'half.zip', { type: 'application/zip' }));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="bp-import"]')!.click();
    const err = await waitFor(() => el.shadowRoot!.querySelector('[data-testid="bp-error"]'), 10_000, 'error');
    expect(err.getAttribute('role')).toBe('alert');
    expect(err.textContent).toMatch(/^half\.zip: not a readable zip file/);
    expect((await dump(dst)).runs).toEqual([]);

    let imported = false;
    el.addEventListener('pa-bundle-imported', () => (imported = true));
    await pickFile(el, new File([bytes as BlobPart], 'good.zip', { type: 'application/zip' }));
    el.shadowRoot!.querySelector<HTMLButtonElement>('[data-testid="bp-import"]')!.click();
    await waitFor(() => imported, 10_000, 'import event');
    expect(el.shadowRoot!.querySelector('[data-testid="bp-status"]')!.textContent).toMatch(/^Imported 2 records from good\.zip; the bundle carries post hashes, not post text\.$/);
    const runs = (await dump(dst)).runs!;
    expect(runs.length).toBe(1);
    expect((runs[0]![1] as { title: string }).title).toBe(hostileRun().title);
    el.remove();
  });
});
