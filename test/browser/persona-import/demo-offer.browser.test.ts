/**
 * The shell's first-start offer: on an empty database "Try with demo data" imports the demo
 * personas as a persona set (labelled synthetic) through the import worker and opens Align on it;
 * with data stored, or once dismissed, it is not shown. Keyboard only.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from '@vitest/browser/context';
import '../../../src/app/app-shell';
import type { AppShell } from '../../../src/app/app-shell';
import { createDefaultServices } from '../../../src/app/default-services';
import { openAppDb } from '../../../src/storage/db';
import { listPersonaSets } from '../../../src/storage/persona-set-store';
import { readPersonaOwner, setPersonaOwner } from '../../../src/components/persona-import-panel/persona-owner';
import { presetMapping } from '../../../src/core/persona-import';
import { PersonaImportService } from '../../../src/services/persona-import-service';
import { personaFile } from './gen';
import { deepActiveElement, deepQuery, freshDbName, text, waitFor } from '../ui/helpers';

const DISMISSED_KEY = 'persona-align:demo-offer-dismissed';
let shell: AppShell | undefined;
afterEach(() => {
  shell?.remove();
  shell = undefined;
  localStorage.removeItem(DISMISSED_KEY);
  setPersonaOwner(null);
  history.replaceState(null, '', '#/corpus');
});

async function mount(dbName: string): Promise<AppShell> {
  history.replaceState(null, '', '#/corpus');
  const s = document.createElement('app-shell');
  s.services = await createDefaultServices({ dbName });
  document.body.append(s);
  shell = s;
  return s;
}

describe('first-start demo offer', () => {
  test('keyboard: Enter on "Try with demo data" imports 2,000 synthetic personas, opens Align on the set, and it aligns', async () => {
    const dbName = freshDbName('demo-offer');
    await mount(dbName);
    const button = await waitFor(() => deepQuery<HTMLButtonElement>('demo-offer button.try-demo'), 15_000, 'offer');
    expect(text(deepQuery('demo-offer section'))).toMatch(/synthetic/);
    button.focus();
    expect(deepActiveElement()).toBe(button);
    await userEvent.keyboard('{Enter}');
    await waitFor(() => location.hash === '#/align', 60_000, 'align opened');
    expect(deepQuery('demo-offer section')).toBeNull();
    const db = await openAppDb(dbName);
    try {
      const sets = await listPersonaSets(db);
      expect(sets).toHaveLength(1);
      expect(sets[0]!.name).toMatch(/synthetic/i);
      expect(sets[0]!.count).toBe(2000);
      expect(sets[0]!.withTraits).toBe(2000);
      expect(readPersonaOwner()).toBe(sets[0]!.id);
      // Align starts on the stored set.
      const pool = await waitFor(() => deepQuery<HTMLSelectElement>('align-form select[name=poolStored]'), 15_000, 'stored pool select');
      expect(pool.value).toBe(sets[0]!.id);
      expect(deepQuery<HTMLInputElement>('align-form input[name=pool][value=stored]')!.checked).toBe(true);
      // Run it: the stage loads the stored pool from this database and aligns it.
      const stage = deepQuery('align-stage')!;
      const done = new Promise<CustomEvent>((resolve) => stage.addEventListener('pa-align-done', (e) => resolve(e as CustomEvent), { once: true }));
      deepQuery<HTMLButtonElement>('align-form button[type=submit]')!.click();
      const result = (await done).detail as { pool: { kind: string; cloud: { n: number }; notes: string[] }; align: { selected: Int32Array } };
      expect(result.pool.kind).toBe('stored');
      expect(result.pool.cloud.n).toBe(2000);
      expect(result.pool.notes.join(' ')).toMatch(/demo-personas\.jsonl/);
      expect(result.align.selected.length).toBe(300);
    } finally {
      db.close();
    }
  });

  test('"Not now" dismisses it; it stays away on the next start, and never shows when data is stored', async () => {
    const dbName = freshDbName('demo-offer-dismiss');
    const s = await mount(dbName);
    const dismiss = await waitFor(() => deepQuery<HTMLButtonElement>('demo-offer button.dismiss'), 15_000, 'offer');
    dismiss.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => deepQuery('demo-offer section') === null, 5_000, 'dismissed');
    s.remove();
    await mount(dbName);
    await new Promise((r) => setTimeout(r, 1500));
    expect(deepQuery('demo-offer section')).toBeNull();
    const db = await openAppDb(dbName);
    expect(await listPersonaSets(db)).toHaveLength(0);
    db.close();
    s.remove();
    // Not dismissed, but a persona set is stored: no offer.
    localStorage.removeItem(DISMISSED_KEY);
    const other = freshDbName('demo-offer-data');
    const importer = new PersonaImportService({ dbName: other });
    await importer.importPersonaSet({ name: 'mine', file: personaFile(20, 1).file, mapping: presetMapping('persona-align') });
    importer.terminate();
    await mount(other);
    await waitFor(() => deepQuery('app-shell'), 5_000, 'shell');
    await new Promise((r) => setTimeout(r, 1500));
    expect(deepQuery('demo-offer section')).toBeNull();
  });
});
