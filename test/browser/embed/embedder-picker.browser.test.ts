/**
 * <embedder-picker> with the real embedding worker (lexical, folder import, cache list/delete,
 * a download that cannot reach its host) and with a slow stand-in service for progress and Cancel.
 */
import { afterEach, describe, expect, test } from 'vitest';
import axe from 'axe-core';
import '../../../src/components/embedder-picker/embedder-picker';
import type { EmbedderChangeDetail, EmbedderPicker, EmbedderPickerService } from '../../../src/components/embedder-picker/embedder-picker';
import { EmbedderWorkerService } from '../../../src/services/embedder-service';
import { AppError } from '../../../src/core/errors';
import type { Progress } from '../../../src/contracts/progress';
import { deepQuery, deepQueryAll, text, waitFor } from '../ui/helpers';

const REFUSING = 'http://127.0.0.1:9/';
const services: EmbedderWorkerService[] = [];
const cacheNames: string[] = [];

afterEach(async () => {
  document.querySelectorAll('embedder-picker').forEach((e) => e.remove());
  services.splice(0).forEach((s) => s.terminate());
  await Promise.all(cacheNames.splice(0).map((c) => caches.delete(c)));
});

function realService(): EmbedderWorkerService {
  const cacheName = `test-picker-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  cacheNames.push(cacheName);
  const s = new EmbedderWorkerService({ config: { cacheName, remoteHost: REFUSING } });
  services.push(s);
  return s;
}

async function mount(service: EmbedderPickerService): Promise<{ el: EmbedderPicker; root: ShadowRoot; changes: EmbedderChangeDetail[] }> {
  const el = document.createElement('embedder-picker');
  el.service = service;
  const changes: EmbedderChangeDetail[] = [];
  el.addEventListener('pa-embedder-change', (e) => changes.push(e.detail));
  document.body.append(el);
  await el.updateComplete;
  return { el, root: el.shadowRoot!, changes };
}

const button = (root: ParentNode, label: string) => deepQueryAll<HTMLButtonElement>('button', root).find((b) => text(b) === label || b.getAttribute('aria-label') === label);

describe('<embedder-picker>', () => {
  test('offers "lexical (no model)" first with its limits; loading it fires pa-embedder-change', async () => {
    const { el, root, changes } = await mount(realService());
    const radios = deepQueryAll<HTMLInputElement>('input[type=radio][name=embedder]', root);
    expect(radios.map((r) => r.value)).toEqual(['lexical', 'Xenova/all-MiniLM-L6-v2', 'Xenova/bge-small-en-v1.5', 'Xenova/multilingual-e5-small']);
    expect(radios[0]!.checked).toBe(true);
    const lexLabel = root.querySelector(`label[for=${radios[0]!.id}]`);
    expect(text(lexLabel)).toMatch(/lexical \(no model\).*no download/);
    expect(text(root.querySelector('ul[aria-label="Limits of lexical (no model)"]'))).toMatch(/no synonyms/);
    expect(text(root.querySelector(`label[for=${radios[3]!.id}]`))).toMatch(/multilingual-E5-small.*≈118\.0 MB–470\.0 MB by precision.*384 dims/);

    button(root, 'Use this embedder')!.click();
    await waitFor(() => changes.length > 0, 30_000, 'pa-embedder-change');
    expect(changes[0]).toMatchObject({ modelId: 'lexical', info: { backend: 'lexical', needsFit: true } });
    await el.updateComplete;
    expect(text(root.querySelector('[role=status]'))).toMatch(/Using lexical \(no model\).*fitted on your personas/);
  });

  test('a model that cannot be downloaded shows the ModelError as an alert and fires nothing', async () => {
    const { el, root, changes } = await mount(realService());
    const minilm = deepQueryAll<HTMLInputElement>('input[type=radio]', root)[1]!;
    minilm.click();
    await el.updateComplete;
    const precision = root.querySelector<HTMLSelectElement>('select[name=precision]')!;
    expect([...precision.options].map((o) => o.value)).toEqual(['auto', 'fp32', 'fp16', 'q8']);
    precision.value = 'q8';
    precision.dispatchEvent(new Event('change'));
    button(root, 'Use this embedder')!.click();
    const alert = await waitFor(() => root.querySelector('[role=alert]'), 60_000, 'alert');
    expect(text(alert)).toMatch(/Could not download Xenova\/all-MiniLM-L6-v2.*import the model folder/);
    expect(changes).toEqual([]);
  });

  test('imports a picked folder, lists it with its exact size, and deletes it', async () => {
    const { el, root } = await mount(realService());
    const dt = new DataTransfer();
    const json = (v: unknown) => JSON.stringify(v);
    dt.items.add(new File([json({ model_type: 'bert' })], 'config.json'));
    dt.items.add(new File([json({ model: { type: 'WordPiece' } })], 'tokenizer.json'));
    dt.items.add(new File([json({ model_max_length: 512 })], 'tokenizer_config.json'));
    dt.items.add(new File([new Uint8Array(5000)], 'model_quantized.onnx'));
    const bytes = [...dt.files].reduce((s, f) => s + f.size, 0);
    const input = root.querySelector<HTMLInputElement>('input[type=file][name=folder]')!;
    expect(input.closest('label')).toBeTruthy();
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    await waitFor(() => /Imported MiniLM-L6/.test(text(root.querySelector('[role=status]'))), 30_000, 'import status');
    const row = await waitFor(() => root.querySelector('tbody tr'), 30_000, 'cached row');
    expect(text(row)).toContain('MiniLM-L6 (English, small)');
    expect(text(row)).toContain(`${(bytes / 1000).toFixed(1)} KB`);
    expect(text(row)).toMatch(/q8.*complete/);
    expect(text(root.querySelector(`label[for=${deepQueryAll<HTMLInputElement>('input[type=radio]', root)[1]!.id}]`))).toMatch(/on this device \(q8\)/);

    button(root, 'Delete MiniLM-L6 (English, small)')!.click();
    await waitFor(() => root.querySelector('tbody') === null, 30_000, 'row deleted');
    expect(text(root.querySelector('[role=status]'))).toMatch(/Deleted MiniLM-L6.*freed/);
  });

  test('an incomplete folder is refused with the missing files named', async () => {
    const { root } = await mount(realService());
    const dt = new DataTransfer();
    dt.items.add(new File(['{}'], 'config.json'));
    const input = root.querySelector<HTMLInputElement>('input[type=file][name=folder]')!;
    input.files = dt.files;
    input.dispatchEvent(new Event('change'));
    const alert = await waitFor(() => root.querySelector('[role=alert]'), 30_000, 'alert');
    expect(text(alert)).toMatch(/Missing from the folder: tokenizer\.json, tokenizer_config\.json, ONNX weights/);
    expect(root.querySelector('tbody')).toBeNull();
  });

  test('download progress in bytes with rate and time left; Cancel aborts the load', async () => {
    let signalSeen: AbortSignal | undefined;
    const slow: EmbedderPickerService = {
      async load(_id: string, onProgress?: (p: Progress) => void, signal?: AbortSignal) {
        signalSeen = signal;
        onProgress?.({ stage: 'embed-load', done: 30e6, total: 90e6, unit: 'bytes', text: 'Downloading MiniLM-L6: 30.0 MB of 90.0 MB', elapsedMs: 3000 });
        await new Promise<void>((_, reject) => signal?.addEventListener('abort', () => reject(new AppError('AbortError', 'Loading cancelled.'))));
        throw new Error('unreachable');
      },
      listCached: async () => [],
      deleteCached: async () => {},
      importFolder: async () => ({ bytes: 0, dtypes: [] }),
    };
    const { el, root, changes } = await mount(slow);
    deepQueryAll<HTMLInputElement>('input[type=radio]', root)[1]!.click();
    await el.updateComplete;
    button(root, 'Use this embedder')!.click();
    const panel = await waitFor(() => root.querySelector('embedder-progress'), 5_000, 'progress');
    await waitFor(() => /30\.0 MB of 90\.0 MB/.test(text(panel.shadowRoot!.querySelector('[data-testid=embedder-done]'))), 5_000, 'bytes');
    const bar = panel.shadowRoot!.querySelector('[role=progressbar]')!;
    expect(bar.getAttribute('aria-valuenow')).toBe('33');
    expect((panel.shadowRoot!.textContent ?? '').replace(/\s+/g, ' ')).toMatch(/Rate\s*10 MB\/s.*Time left\s*6 s/);
    expect(root.querySelector('fieldset')!.disabled).toBe(true);
    button(panel.shadowRoot!, 'Cancel')!.click();
    await waitFor(() => root.querySelector('embedder-progress') === null, 5_000, 'progress gone');
    expect(signalSeen?.aborted).toBe(true);
    expect(text(root.querySelector('[role=status]'))).toBe('Loading cancelled.');
    expect(root.querySelector('[role=alert]')).toBeNull();
    expect(changes).toEqual([]);
  });

  test('has no axe violations and every control has an accessible name', async () => {
    const { el } = await mount(realService());
    const result = await axe.run(el, { runOnly: ['wcag2a', 'wcag2aa'] });
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
