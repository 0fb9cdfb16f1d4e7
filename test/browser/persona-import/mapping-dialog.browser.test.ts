/**
 * <persona-import-panel> and its <persona-mapping-dialog> in Chromium, on a Nemotron-like CSV
 * written for this test: the suggested preset, the preview table and the persona text of the
 * first row, joined text fields, trait fields with their scale (all five or none), metadata,
 * Esc cancels with nothing stored, the import through the worker, and Delete (asked inline).
 */
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { userEvent } from '@vitest/browser/context';
import axe from 'axe-core';
import '../../../src/components/persona-import-panel/persona-import-panel';
import type { PersonaImportPanel } from '../../../src/components/persona-import-panel/persona-import-panel';
import type { PersonaMappingDialog } from '../../../src/components/persona-import-panel/persona-mapping-dialog';
import { personaImportServices } from '../../../src/components/persona-import-panel/services';
import { openAppDb } from '../../../src/storage/db';
import { importedPersonaId, listPersonaSets, listSetPersonas } from '../../../src/storage/persona-set-store';
import { deepQuery, deepQueryAll, freshDbName, text, waitFor } from '../ui/helpers';

const CSV = [
  'uuid,persona,professional_persona,sex,age,city,O,C,E,A,N',
  'u1,"A retired ferry pilot who paints harbour scenes, keeps bees and argues about tides with anyone.","Spent thirty years on the night crossing, trusted with the worst weather.",Male,71,Bergen,80,60,30,70,20',
  'u2,"A young pharmacist who runs a choir, sews her own clothes and never misses a deadline.","Manages a busy chain pharmacy and trains the new staff herself.",Female,29,Porto,40,90,75,65,35',
  'u3,"A night-shift baker who studies astronomy at dawn and writes letters to his grandchildren.","Bakes for three cafés; up at two every morning without complaint.",Male,52,Lyon,65,70,20,80,50',
].join('\n') + '\n';

const mounted: HTMLElement[] = [];
const dbNames: string[] = [];
afterEach(() => mounted.splice(0).forEach((e) => e.remove()));
afterAll(() => dbNames.forEach((n) => personaImportServices(n).importer.terminate()));

/** axe's WCAG 2 A/AA findings of serious or critical impact on the page. */
async function seriousA11y(): Promise<string[]> {
  const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${JSON.stringify(v.nodes[0]?.target)}`);
}

function chooseFile(input: HTMLInputElement, file: File): void {
  const dt = new DataTransfer();
  dt.items.add(file);
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

function select(root: ParentNode, name: string, value: string): void {
  const el = root.querySelector<HTMLSelectElement>(`select[name="${name}"]`)!;
  el.value = value;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('<persona-mapping-dialog> through <persona-import-panel>', () => {
  test('preset, preview, joined text, traits, meta; Esc cancels; import and delete', async () => {
    const dbName = freshDbName('persona-mapping');
    dbNames.push(dbName);
    const panel = document.createElement('persona-import-panel') as PersonaImportPanel;
    panel.dbName = dbName;
    document.body.append(panel);
    mounted.push(panel);
    const file = new File([CSV], 'nemotron-like.csv', { type: 'text/csv' });
    const input = await waitFor(() => deepQuery<HTMLInputElement>('input[name=personaFile]', panel.shadowRoot!), 5_000, 'file input');
    await waitFor(() => /No persona sets/.test(text(deepQuery('.no-sets', panel.shadowRoot!))), 5_000, 'empty list');

    // Esc closes the dialog and imports nothing.
    chooseFile(input, file);
    const dialogEl = deepQuery<PersonaMappingDialog>('persona-mapping-dialog', panel.shadowRoot!)!;
    const root = dialogEl.shadowRoot!;
    const dialog = await waitFor(() => { const d = root.querySelector('dialog'); return d?.open ? d : null; }, 10_000, 'dialog open');
    expect(root.querySelector<HTMLSelectElement>('select[name=preset]')!.value).toBe('nemotron');
    await userEvent.keyboard('{Escape}');
    await waitFor(() => !dialog.open, 5_000, 'dialog closed');
    await waitFor(() => /nothing was imported/.test(text(deepQuery('.import-status', panel.shadowRoot!))), 5_000, 'cancel status');

    chooseFile(input, file);
    await waitFor(() => dialog.open, 10_000, 'dialog open again');
    // Every control is labelled.
    const controls = [...root.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')];
    expect(controls.length).toBeGreaterThan(15);
    expect(controls.every((c) => c.labels !== null && c.labels.length > 0)).toBe(true);
    expect(await seriousA11y()).toEqual([]);
    // The preview: the first rows, the fields in use highlighted, the text the mapping makes.
    expect(root.querySelectorAll('table tbody tr')).toHaveLength(3);
    const used = [...root.querySelectorAll('th.used')].map((th) => th.textContent!.replace(' (in use)', '').trim());
    expect(used).toEqual(expect.arrayContaining(['uuid', 'persona', 'professional_persona', 'age', 'city']));
    const sample = (): string => root.querySelector('.persona-sample')!.textContent!;
    expect(sample()).toMatch(/^Summary: A retired ferry pilot.*\n\nProfessional: Spent thirty years/s);
    expect(dialogEl.current.id).toBe('uuid');

    // One text field only: no label, the preset becomes the user's own.
    root.querySelector<HTMLInputElement>('input[name=text][value=professional_persona]')!.click();
    await dialogEl.updateComplete;
    expect(sample()).toBe('A retired ferry pilot who paints harbour scenes, keeps bees and argues about tides with anyone.');
    expect(root.querySelector<HTMLSelectElement>('select[name=preset]')!.value).toBe('generic');

    // Trait fields: partly mapped is refused; all five on 0–100 is accepted.
    const submit = root.querySelector<HTMLButtonElement>('button[type=submit]')!;
    select(root, 'trait-openness', 'O');
    await dialogEl.updateComplete;
    expect(submit.disabled).toBe(true);
    expect(text(root.querySelector('.error'))).toMatch(/map all five or none/);
    for (const [t, f] of [['conscientiousness', 'C'], ['extraversion', 'E'], ['agreeableness', 'A'], ['neuroticism', 'N']] as const) select(root, `trait-${t}`, f);
    select(root, 'traitScale', '0-100');
    // The preset keeps `sex` as gender; drop `age`, and name the set.
    expect(root.querySelector<HTMLInputElement>('input[name=meta][value=sex]')!.checked).toBe(true);
    root.querySelector<HTMLInputElement>('input[name=meta][value=age]')!.click();
    const name = root.querySelector<HTMLInputElement>('input[name=setName]')!;
    name.value = 'Harbour folk';
    name.dispatchEvent(new Event('input'));
    await dialogEl.updateComplete;
    expect(submit.disabled).toBe(false);
    submit.click();

    const row = await waitFor(() => deepQuery('table.sets tbody tr', panel.shadowRoot!), 30_000, 'set listed');
    expect(text(row.querySelector('th'))).toBe('Harbour folk');
    expect([...row.querySelectorAll('td.num')].map((td) => text(td))).toEqual(['3', '3', '0']);
    expect(text(deepQuery('.import-status', panel.shadowRoot!))).toMatch(/3 personas, 3 with trait scores/);
    expect(await seriousA11y()).toEqual([]); // the sets table with its Delete button
    const db = await openAppDb(dbName);
    try {
      const [set] = await listPersonaSets(db);
      expect(set!.mapping).toMatchObject({ preset: 'generic', id: 'uuid', text: [{ field: 'persona' }] });
      const u2 = (await listSetPersonas(db, set!.id)).find((p) => p.id === importedPersonaId(set!.id, 'u2'))!;
      expect(u2.text).toMatch(/^A young pharmacist/);
      expect(u2.meta).toEqual({ city: 'Porto', gender: 'Female' });
      // 0–100 → 1 + 4x/100.
      expect(u2.givenTraits).toEqual({ openness: 2.6, conscientiousness: 4.6, extraversion: 4, agreeableness: 3.6, neuroticism: 2.4 });

      // Delete asks once more, inline; Keep leaves it.
      deepQuery<HTMLButtonElement>('button.delete', panel.shadowRoot!)!.click();
      (await waitFor(() => deepQuery<HTMLButtonElement>('button.keep', panel.shadowRoot!), 5_000, 'keep')).click();
      expect(await listPersonaSets(db)).toHaveLength(1);
      deepQuery<HTMLButtonElement>('button.delete', panel.shadowRoot!)!.click();
      (await waitFor(() => deepQuery<HTMLButtonElement>('button.confirm-delete', panel.shadowRoot!), 5_000, 'confirm')).click();
      await waitFor(() => deepQuery('.no-sets', panel.shadowRoot!), 10_000, 'list empty');
      expect(await listPersonaSets(db)).toHaveLength(0);
      expect(await db.count('personas')).toBe(0);
      expect(deepQueryAll('table.sets', panel.shadowRoot!)).toHaveLength(0);
    } finally {
      db.close();
    }
  });
});
