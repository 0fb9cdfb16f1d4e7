/**
 * Issue 10's take-away: a run aligned on an imported persona set exports the whole set back in its
 * own format with the selection and weights added — through <export-panel>, from the stored set's
 * mapping, with the file's own ids.
 */
import { describe, expect, test } from 'vitest';
import '../../../src/components/export-panel/export-panel';
import type { ExportPanel } from '../../../src/components/export-panel/export-panel';
import { fetchPublicText } from '../../../src/components/align-stage/default-runner';
import type { StoredRun } from '../../../src/contracts/run';
import { presetMapping, SELECTED_FIELD, WEIGHT_FIELD } from '../../../src/core/persona-import';
import { serviceAlignRunner } from '../../../src/pipeline/align-runner';
import { runAlignStage, toStoredRunResult, type AlignStageInput } from '../../../src/pipeline/align-stage';
import { AlignService } from '../../../src/services/align-service';
import { PersonaImportService } from '../../../src/services/persona-import-service';
import { uniqueDbName } from '../db-helpers';
import { waitFor } from '../ui/helpers';

describe('<export-panel> on a run over an imported persona set', () => {
  test('offers the set’s own format and writes every persona with the selection and weight fields', async () => {
    const dbName = uniqueDbName('source-format');
    const lines = (await fetchPublicText('demo-personas/personas.jsonl')).split('\n').filter((l) => l.trim()).slice(0, 80);
    const importer = new PersonaImportService({ dbName });
    const set = await importer.importPersonaSet({ name: 'Eighty', file: new File([lines.join('\n') + '\n'], 'eighty.jsonl'), mapping: presetMapping('persona-align') });
    importer.terminate();
    const input: AlignStageInput = {
      pool: { kind: 'stored', ownerId: set.id, name: set.name, dbName },
      reference: { kind: 'builtin', entryId: 'global', n: 400, seed: 2 },
      options: { method: 'is+ot', size: 15, seed: 3 },
    };
    const result = await runAlignStage(undefined, input, { align: serviceAlignRunner(new AlignService()), fetchText: fetchPublicText });
    const now = new Date().toISOString();
    const run: StoredRun = { id: 'align-source-format', kind: 'align', status: 'done', title: 'is+ot on Eighty', createdAt: now, updatedAt: now, request: input, result: toStoredRunResult(result) };

    const panel = document.createElement('export-panel') as ExportPanel;
    panel.run = run;
    document.body.append(panel);
    const radio = await waitFor(() => panel.shadowRoot!.querySelector<HTMLInputElement>('input[value="source"]'), 10_000, 'source-format option');
    expect(panel.shadowRoot!.querySelector('label[for="ep-source"]')!.textContent).toMatch(/own format \(JSONL, “Eighty”\)/);
    radio.click();
    const file = panel.fileFor();
    expect(file.filename).toBe('eighty.aligned.jsonl');
    const rows = new TextDecoder().decode(file.data as Uint8Array).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    // Every persona of the set, ids as in the file; exactly the run's selection marked, with positive weights.
    expect(rows.map((r) => r['id'])).toEqual(lines.map((l) => (JSON.parse(l) as { id: string }).id));
    const selectedIds = new Set(Array.from(result.align.selected, (i) => result.pool.ids[i]));
    expect(rows.filter((r) => r[SELECTED_FIELD] === true).map((r) => r['id'])).toEqual(rows.map((r) => r['id']).filter((id) => selectedIds.has(id as string)));
    expect(rows.filter((r) => r[SELECTED_FIELD] === true).every((r) => typeof r[WEIGHT_FIELD] === 'number' && (r[WEIGHT_FIELD] as number) > 0)).toBe(true);
    expect(rows.filter((r) => r[SELECTED_FIELD] !== true).length).toBe(80 - 15);
    panel.remove();
  }, 120_000);
});
