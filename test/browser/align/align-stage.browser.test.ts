/**
 * The Align stage in Chromium through the real compute worker (WebGPU on the software adapter):
 * the stage function on the demo personas vs a built-in sample, reproducibility, cancel, and
 * <align-stage> driven by clicks. Sizes are small so the software adapter keeps them fast.
 */
import { afterEach, describe, expect, test } from 'vitest';
import type { Progress } from '../../../src/contracts/progress';
import type { ReferenceInfo } from '../../../src/contracts/reference-store';
import { syntheticBigFive } from '../../../src/core/align/synthetic';
import { makeCloud } from '../../../src/core/cloud';
import { fetchPublicText } from '../../../src/components/align-stage/default-runner';
import { serviceAlignRunner } from '../../../src/pipeline/align-runner';
import { backendText } from '../../../src/pipeline/align-report';
import { runAlignStage, type AlignStageInput, type AlignStageServices } from '../../../src/pipeline/align-stage';
import { AlignService } from '../../../src/services/align-service';
import '../../../src/components/align-stage/align-stage';
import type { AlignStage } from '../../../src/components/align-stage/align-stage';
import { deepActiveElement, deepQuery, deepQueryAll, text, waitFor, waitForEl } from '../ui/helpers';

const service = new AlignService();
const services: AlignStageServices = { align: serviceAlignRunner(service), fetchText: fetchPublicText };

// WebGPU asked for explicitly: on the software adapter an automatic choice may pick the CPU.
const input = (method: 'semi-relaxed' | 'nearest' | 'ot', seed = 5, extra: Partial<AlignStageInput['options']> = {}, n = 2000): AlignStageInput => ({
  pool: { kind: 'demo' },
  reference: { kind: 'builtin', entryId: 'global', n, seed: 11 },
  options: { method, size: 200, seed, prefer: 'gpu', ...extra },
});

afterEach(() => {
  document.body.replaceChildren();
});

describe('runAlignStage through the worker', () => {
  test('semi-relaxed on WebGPU: 200 distinct rows, energy distance below the raw pool, backend and manifest reported', async () => {
    const seen: Progress[] = [];
    const r = await runAlignStage(undefined, input('semi-relaxed'), services, (p) => seen.push(p));
    const sel = Array.from(r.align.selected);
    expect(sel.length).toBe(200);
    expect(new Set(sel).size).toBe(200);
    expect(sel.every((i) => i >= 0 && i < 2000)).toBe(true);
    const d = r.diagnostics;
    expect(d.selected.energy).toBeLessThan(d.pool.energy);
    expect(d.selected.energy).toBeLessThan(d.random.energy);
    expect(r.backend.used).toBe('webgpu');
    expect(r.backend.adapter?.vendor).toBeTruthy();
    expect(r.manifest.backend.adapter).toEqual(r.backend.adapter);
    expect(seen.filter((p) => p.stage === 'sinkhorn').length).toBeGreaterThanOrEqual(1);
    console.log(
      `[align stage] semi-relaxed K=200 vs global n=2000: energy pool ${d.pool.energy.toFixed(4)}, random ${d.random.energy.toFixed(4)}, ` +
        `selected ${d.selected.energy.toFixed(4)}, floor ${d.floor?.energy.toFixed(4)}; ${r.align.ot?.iterations} iterations; ` +
        `backend ${r.backend.used} (${r.backend.adapter?.vendor} ${r.backend.adapter?.architecture}); timings ${JSON.stringify(r.manifest.timings, (_k, v: unknown) => (typeof v === "number" ? Math.round(v) : v))}`,
    );
  });

  test('the automatic backend: WebGPU on a hardware adapter, else the CPU with the reason shown', async () => {
    const info = await service.gpuInfo();
    const { prefer: _p, ...options } = input('semi-relaxed', 5, {}, 300).options;
    const r = await runAlignStage(undefined, { ...input('semi-relaxed', 5, {}, 300), options }, services);
    const line = backendText(r.backend);
    if (info.adapter?.software) {
      expect(r.backend.used).toBe('cpu');
      expect(line).toMatch(/^CPU — .*software adapter/);
    } else {
      expect(r.backend.used).toBe('webgpu');
      expect(line).toMatch(/^WebGPU — /);
    }
    console.log(`[align stage] automatic backend: ${line}`);
  });

  test('same seed → same selection; another seed → another selection (nearest)', async () => {
    const a = await runAlignStage(undefined, input('nearest', 9), services);
    const b = await runAlignStage(undefined, input('nearest', 9), services);
    const c = await runAlignStage(undefined, { ...input('nearest', 9), reference: { kind: 'builtin', entryId: 'global', n: 2000, seed: 12 } }, services);
    expect(Array.from(b.align.selected)).toEqual(Array.from(a.align.selected));
    expect(b.manifest.result.selectedSha256).toBe(a.manifest.result.selectedSha256);
    expect(c.manifest.result.selectedSha256).not.toBe(a.manifest.result.selectedSha256);
    expect(a.backend.used).toBe('none');
  });

  test('cancel mid-run rejects with AbortError, and the worker takes the next job', async () => {
    const ac = new AbortController();
    const seen: Progress[] = [];
    const run = runAlignStage(ac.signal, input('ot', 5, { sinkhorn: { tol: 1e-12, maxIter: 100_000 } }, 500), services, (p) => {
      seen.push(p);
      if (p.stage === 'sinkhorn' && p.done >= 1) ac.abort();
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    const last = seen.filter((p) => p.stage === 'sinkhorn').at(-1)!;
    expect(last.done).toBeLessThan(last.total!); // stopped before the last ε step
    const next = await runAlignStage(undefined, input('nearest'), services);
    expect(next.align.selected.length).toBe(200);
  });
});

async function mount(): Promise<AlignStage> {
  const el = document.createElement('align-stage');
  el.runner = serviceAlignRunner(service);
  document.body.append(el);
  await el.updateComplete;
  // The built-in regions arrive by fetch.
  await waitFor(() => deepQueryAll('align-stage select[name="builtinId"] option').length > 0, 10_000, 'built-in regions');
  return el;
}

function setValue(selector: string, value: string): void {
  const input = deepQuery<HTMLInputElement | HTMLSelectElement>(selector)!;
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}

describe('<align-stage>', () => {
  test('happy path by clicking: choose a method, run, see the metrics table and the backend', async () => {
    const el = await mount();
    // The core's default method is preselected and described.
    expect(deepQuery<HTMLSelectElement>('align-stage select[name="method"]')!.value).toBe('nearest');
    setValue('align-stage select[name="method"]', 'semi-relaxed');
    setValue('align-stage select[name="backend"]', 'gpu');
    await el.updateComplete;
    expect(text(deepQuery('align-stage #method-desc'))).toContain('Sinkhorn');
    setValue('align-stage input[name="size"]', '150');
    setValue('align-stage input[name="builtinN"]', '1000');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('align-stage button[type="submit"]')!.click();
    await waitForEl('align-stage align-progress', 10_000);
    const table = await waitForEl('align-results [data-testid="al-metrics"]', 90_000);
    expect(deepQuery('align-stage align-progress')).toBeNull();
    const rows = table.querySelectorAll('tbody tr');
    expect(rows.length).toBe(23);
    expect(text(rows[0]!.querySelector('th'))).toBe('Energy distance');
    expect(text(deepQuery('align-results h3'))).toBe('Selected 150 of 2,000 personas');
    expect(text(deepQuery('align-results [data-testid="al-backend"]'))).toMatch(/^WebGPU — /);
    expect(text(deepQuery('align-results [data-testid="al-evaluation"]'))).toMatch(/^Measured against \d[\d,]* held-out reference points/);
    expect(deepQueryAll('align-plot svg').length).toBe(5);
    expect(deepQueryAll('align-results button').map((b) => text(b))).toEqual(['Download selected set (CSV)', 'Download run manifest (JSON)']);
    expect(text(deepQuery('align-stage [data-testid="al-status"]'))).toContain('selected 150');
  });

  test('Cancel stops the run and the form returns to idle', async () => {
    const el = await mount();
    setValue('align-stage select[name="method"]', 'ot');
    setValue('align-stage input[name="builtinN"]', '500');
    deepQuery<HTMLDetailsElement>('align-stage details')!.open = true;
    setValue('align-stage input[name="tol"]', '1e-12');
    setValue('align-stage input[name="maxIter"]', '100000');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('align-stage button[type="submit"]')!.click();
    // Wait until Sinkhorn has reported an ε step, then press Cancel.
    await waitForEl('align-progress [data-testid="al-steps"]', 60_000);
    deepQuery<HTMLButtonElement>('align-progress button')!.click();
    await waitFor(() => deepQuery('align-stage align-progress') === null, 30_000, 'progress to go away');
    expect(text(deepQuery('align-stage [data-testid="al-status"]'))).toContain('cancelled');
    expect(deepQuery('align-stage align-results')).toBeNull();
    expect(deepQuery('align-stage [data-testid="al-error"]')).toBeNull();
    const submit = deepQuery<HTMLButtonElement>('align-stage button[type="submit"]')!;
    expect(submit.disabled).toBe(false);
    expect(text(submit)).toBe('Run alignment');
    await waitFor(() => deepActiveElement() === submit, 2_000, 'focus back on Run');
  });

  test('a CSV pool file and a stored reference (fake store), nearest', async () => {
    const el = document.createElement('align-stage');
    el.runner = serviceAlignRunner(service);
    const ref = makeCloud(syntheticBigFive({ n: 400, seed: 4 }).points, 5);
    let listed = 0;
    el.references = {
      listReferences: async () => (listed++, [{ id: 'ref-a', name: 'Stored A', n: 400, label: null } as ReferenceInfo]),
      getReferenceInfo: async (id) => (id === 'ref-a' ? ({ id, name: 'Stored A', kind: 'csv', n: 400, label: null, weighted: false, notes: [], source: { kind: 'file', fileName: 'a.csv', size: 1, lastModified: 0, sha256: null } } as unknown as ReferenceInfo) : undefined),
      loadReferenceCloud: async () => ref,
    };
    document.body.append(el);
    await waitFor(() => deepQueryAll('align-stage select[name="builtinId"] option').length > 0, 10_000, 'built-in regions');
    deepQuery<HTMLInputElement>('align-stage input[name="pool"][value="file"]')!.click();
    await el.updateComplete;
    const pool = syntheticBigFive({ n: 300, seed: 8, tiltSd: [0.5, 0.5, 0.5, 0.5, -0.5] });
    const lines = ['id,openness,conscientiousness,extraversion,agreeableness,neuroticism'];
    for (let i = 0; i < pool.n; i++) lines.push([`p${i}`, ...Array.from(pool.points.subarray(i * 5, i * 5 + 5), (v) => v.toFixed(3))].join(','));
    const dt = new DataTransfer();
    dt.items.add(new File([lines.join('\n')], 'pool.csv', { type: 'text/csv' }));
    const fileInput = deepQuery<HTMLInputElement>('align-stage input[name="poolFile"]')!;
    fileInput.files = dt.files;
    fileInput.dispatchEvent(new Event('change', { bubbles: true }));
    deepQuery<HTMLInputElement>('align-stage input[name="reference"][value="stored"]')!.click();
    await el.updateComplete;
    await waitFor(() => deepQuery<HTMLSelectElement>('align-stage select[name="storedId"]')?.value === 'ref-a', 5_000, 'stored reference listed');
    expect(listed).toBe(2); // on connect, and again when the stored choice was picked
    setValue('align-stage input[name="size"]', '50');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('align-stage button[type="submit"]')!.click();
    await waitForEl('align-results [data-testid="al-metrics"]', 60_000);
    expect(text(deepQuery('align-results h3'))).toBe('Selected 50 of 300 personas');
    expect(text(deepQuery('align-results .summary'))).toContain('Stored A (n = 400)');
    expect(text(deepQuery('align-results [data-testid="al-backend"]'))).toContain('needs no pair kernel');
  });

  test('a bad K is reported on the field and focused, nothing runs', async () => {
    const el = await mount();
    setValue('align-stage input[name="size"]', '0');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('align-stage button[type="submit"]')!.click();
    const field = await waitForEl<HTMLInputElement>('align-stage input[name="size"][aria-invalid="true"]');
    expect(text(deepQuery('align-stage #err-size'))).toContain('whole number');
    await waitFor(() => deepActiveElement() === field, 2_000, 'focus on the bad field');
    expect(deepQuery('align-stage align-progress')).toBeNull();
  });
});

describe('stored reference, real store', () => {
  test('a built-in sample stored through the reference worker (IndexedDB) is aligned against by id', async () => {
    const { createReferenceServices } = await import('../../../src/services/reference-service');
    const refs = await createReferenceServices({ dbName: `align-stage-${Date.now()}-${Math.random().toString(36).slice(2, 8)}` });
    const info = await refs.importer.createBuiltinSample({ builtinId: 'east-asia', n: 600, seed: 3 });
    try {
      const r = await runAlignStage(
        undefined,
        { pool: { kind: 'demo' }, reference: { kind: 'stored', id: info.id }, options: { method: 'nearest', size: 100, seed: 2 } },
        { ...services, references: refs.store },
      );
      expect(r.reference.cloud.n).toBe(600);
      expect(r.reference.label).toBe('approximate');
      expect(r.manifest.inputs.reference.details.id).toBe(info.id);
      expect(r.diagnostics.selected.energy).toBeLessThan(r.diagnostics.pool.energy);
    } finally {
      await refs.store.deleteReference(info.id);
      await refs.store.close();
    }
  });
});
