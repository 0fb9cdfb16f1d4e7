/**
 * <target-stage> in Chromium, driven by clicks, through the real workers: the embedding worker
 * (lexical), the align worker and — with the adapter on — the adapter worker; runs and targets are
 * stored in a fresh IndexedDB database.
 */
import { afterEach, describe, expect, test } from 'vitest';
import '../../../src/components/target-stage/target-stage';
import type { TargetStage } from '../../../src/components/target-stage/target-stage';
import { fetchPublicText } from '../../../src/components/align-stage/default-runner';
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';
import { serviceAlignRunner } from '../../../src/pipeline/align-runner';
import { AdapterService } from '../../../src/services/adapter-service';
import { AlignService } from '../../../src/services/align-service';
import { EmbedderWorkerService } from '../../../src/services/embedder-service';
import { RunStore } from '../../../src/storage/run-store';
import { TargetStore } from '../../../src/storage/target-store';
import { countEmbeddings, embedPersonas } from '../../../src/storage/embedding-store';
import { openAppDb } from '../../../src/storage/db';
import axe from 'axe-core';
import { createTestEngine } from '../../../src/llm/test-engine';
import { deepQuery, deepQueryAll, freshDbName, text, waitFor, waitForEl } from '../ui/helpers';

type LitLike = HTMLElement & { updateComplete: Promise<unknown> };

const align = new AlignService();
const embedder = new EmbedderWorkerService();

afterEach(() => {
  document.body.replaceChildren();
});

function setValue(selector: string, value: string): void {
  const input = deepQuery<HTMLInputElement | HTMLSelectElement>(selector)!;
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}

async function mount(dbName: string, adapter = false): Promise<{ el: TargetStage; runs: RunStore; targets: TargetStore }> {
  const el = document.createElement('target-stage');
  const runs = new RunStore(dbName);
  const targets = new TargetStore(dbName);
  el.runner = serviceAlignRunner(align);
  el.embedder = embedder;
  el.runs = runs;
  el.targetStore = targets;
  // The pool's embeddings go to this test's database (the app's default is its own).
  const db = openAppDb(dbName);
  el.embedPool = (ownerId) => async (personas, onProgress, signal) => embedPersonas(await db, ownerId, embedder, personas, onProgress, signal);
  el.adapterAvailable = adapter;
  if (adapter) el.adapterService = new AdapterService();
  document.body.append(el);
  await el.updateComplete;
  await waitFor(() => deepQueryAll('target-stage #tg-suggestions option').length > 0, 20_000, 'query suggestions');
  return { el, runs, targets };
}

/** The number in the comparison table's `row` (by its label) and `col` (0 = random … 3 = re-aligned, 4 = floor). */
function cell(table: Element, label: string, col: number): number {
  const row = [...table.querySelectorAll('tbody tr')].find((r) => text(r.querySelector('th')) === label)!;
  return Number(text(row.querySelectorAll('td')[col]!).replace('%', ''));
}

describe('<target-stage>', () => {
  test('three regions by clicking: progress, one comparison table per target, side by side, stored runs and targets', async () => {
    const dbName = freshDbName('target-stage');
    const { el, runs, targets } = await mount(dbName);
    // Suggestions come from the demo personas' metadata, region groups first.
    expect(deepQuery<HTMLOptionElement>('target-stage #tg-suggestions option')!.value).toBe('adults in North America');
    // The embedding worker's service is there, so the embedder picker is offered ("lexical (no model)" chosen).
    expect(deepQuery('target-stage embedder-picker')).not.toBeNull();
    deepQuery<HTMLButtonElement>('target-stage [data-testid="tg-paper-targets"]')!.click();
    await el.updateComplete;
    expect(deepQueryAll('target-stage [data-testid="tg-row"]').length).toBe(3);
    setValue('target-stage input[name="size"]', '50');
    setValue('target-stage input[name="topN"]', '150');
    setValue('target-stage input[name="builtinN"]', '600');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('target-stage #tg-run')!.click();
    await waitForEl('target-stage target-progress', 10_000);
    const side = await waitForEl('target-results [data-testid="tg-side-by-side"]', 240_000);
    expect(deepQuery('target-stage target-progress')).toBeNull();
    expect([...side.querySelectorAll('thead th')].map((th) => text(th))).toEqual(['Measure', 'adults in East Asia', 'adults in North America', 'adults in Europe']);
    const tables = deepQueryAll('target-results [data-testid="tg-comparison"]');
    expect(tables.length).toBe(3);
    for (const t of tables) {
      expect([...t.querySelectorAll('thead th')].map((th) => text(th))).toEqual(['Measure', 'Random personas', 'Retrieval only', 'Global alignment only', 'Retrieval + re-alignment', 'Sampling floor']);
      // Re-aligned: closer to the target reference than random and than retrieval only; more in-group than random.
      expect(cell(t, 'Energy distance', 3)).toBeLessThan(cell(t, 'Energy distance', 0));
      expect(cell(t, 'Energy distance', 3)).toBeLessThan(cell(t, 'Energy distance', 1));
      expect(cell(t, 'In-group share (meta.country)', 3)).toBeGreaterThan(cell(t, 'In-group share (meta.country)', 0));
    }
    expect(text(deepQuery('target-results [data-testid="tg-counts"]'))).toMatch(/retrieval candidates: 150/);
    expect(text(deepQuery('target-results [data-testid="tg-embedder"]'))).toMatch(/lexical-.*No adapter/);
    expect(deepQueryAll('target-results button').map((b) => text(b))).toEqual(Array(3).fill(['Download CSV', 'Download manifest']).flat());
    expect(text(deepQuery('target-stage [data-testid="tg-status"]'))).toBe('Done: 3 targets built.');
    // The results (three tables, side by side, downloads) pass axe's WCAG 2 A/AA rules: no serious or critical findings.
    const a11y = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    expect(a11y.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${JSON.stringify(v.nodes[0]?.target)}`)).toEqual([]);
    // Stored: one target run each (Results can show it) and the three targets.
    const stored = await runs.listRuns('target');
    expect(stored.length).toBe(3);
    for (const r of stored) {
      expect(r.status).toBe('done');
      expect(r.result!.selected.length).toBe(50);
      expect(r.result!.poolIds.length).toBe(2000);
      expect((r.result!.manifest as { format: string }).format).toBe('persona-align/target-run@1');
    }
    expect((await targets.listTargets()).map((t) => t.query).sort()).toEqual(['adults in East Asia', 'adults in Europe', 'adults in North America']);
    // The pool's embeddings are stored once, under the demo pool's owner id and the fitted lexical model.
    const counts = await countEmbeddings(await openAppDb(dbName), 'demo-personas');
    expect([...counts.values()]).toEqual([2000]);
    expect([...counts.keys()][0]).toMatch(/^lexical-/);
    await Promise.all([runs.close(), targets.close()]);
  }, 300_000);

  test('a persona file with the adapter on, trained on an edited query set (version 2): its held-out scores are shown', async () => {
    const { el, runs, targets } = await mount(freshDbName('target-stage-adapter'), true);
    deepQuery<HTMLInputElement>('target-stage input[name="pool"][value="file"]')!.click();
    await el.updateComplete;
    const personas = parsePersonaJsonl(await fetchPublicText('demo-personas/personas.jsonl')).slice(0, 300);
    const dt = new DataTransfer();
    dt.items.add(new File([personas.map((p) => JSON.stringify(p)).join('\n')], 'some.jsonl'));
    const input = deepQuery<HTMLInputElement>('target-stage input[name="poolFile"]')!;
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
    deepQuery<HTMLInputElement>('target-stage input[name="adapter"]')!.click();
    await el.updateComplete;
    // Training queries: save the template set, edit one query, save that as version 2 and train on it.
    await waitFor(() => deepQuery<HTMLButtonElement>('target-queries button')?.disabled === false, 20_000, 'the persona file read');
    deepQueryAll<HTMLButtonElement>('target-queries button').find((b) => text(b) === 'Save template queries')!.click();
    await waitFor(() => /^Saved: .* version 1/.test(text(deepQuery('target-queries [data-testid="tq-status"]'))), 10_000, 'version 1 saved');
    const first = deepQuery<HTMLInputElement>('target-queries [data-testid="tq-list"] input')!;
    first.value = 'grown-ups in East Asia';
    first.dispatchEvent(new Event('input', { bubbles: true }));
    await deepQuery<LitLike>('target-queries')!.updateComplete;
    deepQueryAll<HTMLButtonElement>('target-queries button').find((b) => text(b) === 'Save as version 2')!.click();
    await waitFor(() => /^Saved the edit: .* version 2/.test(text(deepQuery('target-queries [data-testid="tq-status"]'))), 10_000, 'version 2 saved');
    setValue('target-stage input[name="size"]', '20');
    setValue('target-stage input[name="topN"]', '60');
    setValue('target-stage input[name="builtinN"]', '400');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('target-stage #tg-run')!.click();
    await waitForEl('target-results [data-testid="tg-comparison"]', 280_000);
    expect(text(deepQuery('target-results [data-testid="tg-adapter"]'))).toMatch(/^recall@10 \d\.\d{3} → \d\.\d{3}, nDCG@10 \d\.\d{3} → \d\.\d{3}$/);
    expect(deepQuery('target-results [data-testid="tg-side-by-side"]')).toBeNull();
    const [run] = await runs.listRuns('target');
    const m = run!.result!.manifest as { adapter: { before: unknown; querySet: { id: string; version: number; generated: boolean } } | null; retrieval: { topK: string } };
    // Retrieval ran in the adapter worker (WebGPU, or its CPU path with the reason on a software adapter).
    expect(m.retrieval.topK).toMatch(/^(webgpu|cpu)/);
    console.log(`[target stage] top-k backend: ${m.retrieval.topK}`);
    expect(m.adapter?.before).toBeTruthy();
    expect(m.adapter!.querySet).toMatchObject({ version: 2, generated: false });
    expect(await targets.querySetVersions(m.adapter!.querySet.id.split('@')[0]!)).toHaveLength(2);
    await Promise.all([runs.close(), targets.close()]);
  }, 300_000);

  test('with an LLM loaded, it writes the training queries (prompt and model recorded)', async () => {
    const { el, runs, targets } = await mount(freshDbName('target-stage-llm'), true);
    const llm = createTestEngine();
    await llm.load('test-engine');
    el.llm = llm;
    deepQuery<HTMLInputElement>('target-stage input[name="adapter"]')!.click();
    await el.updateComplete;
    await waitFor(() => deepQueryAll<HTMLButtonElement>('target-queries button').find((b) => text(b) === 'Write queries with the LLM' && !b.disabled), 10_000, 'LLM button enabled');
    deepQueryAll<HTMLButtonElement>('target-queries button').find((b) => text(b) === 'Write queries with the LLM')!.click();
    await waitFor(() => /^Saved: /.test(text(deepQuery('target-queries [data-testid="tq-status"]'))), 60_000, 'LLM queries saved');
    const [set] = await targets.latestQuerySets();
    expect(set).toMatchObject({ source: 'llm', model: { id: 'test-engine' }, prompt: { id: 'target-group-queries', version: 1 } });
    expect(deepQuery<HTMLSelectElement>('target-queries select[name="querySet"]')!.value).toBe(set!.id);
    await Promise.all([runs.close(), targets.close()]);
  }, 120_000);

  test('Cancel stops the build: nothing is shown, no run is stored as done, Build is enabled again', async () => {
    const { el, runs, targets } = await mount(freshDbName('target-stage-cancel'));
    setValue('target-stage input[name="builtinN"]', '600');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('target-stage #tg-run')!.click();
    await waitForEl('target-progress button', 10_000);
    deepQuery<HTMLButtonElement>('target-progress button')!.click();
    await waitFor(() => deepQuery('target-stage target-progress') === null, 120_000, 'progress to go away');
    expect(text(deepQuery('target-stage [data-testid="tg-status"]'))).toContain('cancelled');
    expect(deepQuery('target-stage target-results')).toBeNull();
    expect(deepQuery('target-stage [data-testid="tg-error"]')).toBeNull();
    expect(deepQuery<HTMLButtonElement>('target-stage #tg-run')!.disabled).toBe(false);
    expect((await runs.listRuns('target')).every((r) => r.status !== 'done')).toBe(true);
    await Promise.all([runs.close(), targets.close()]);
  }, 180_000);

  test('problems in the form are listed and nothing runs', async () => {
    const { el, runs, targets } = await mount(freshDbName('target-stage-bad'));
    setValue('target-stage input[name="query"]', '  ');
    setValue('target-stage input[name="size"]', '0');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('target-stage #tg-run')!.click();
    await el.updateComplete;
    expect(text(deepQuery('target-stage [data-testid="tg-problems"]'))).toMatch(/Target 1: /);
    expect(deepQuery('target-stage target-progress')).toBeNull();
    await Promise.all([runs.close(), targets.close()]);
  });
});
