/**
 * <target-stage> with no host-given persona loader lists the stored persona sets of its database
 * and builds a target from one: an imported set (the first 300 demo personas) → the stored pool →
 * a stored target run over exactly those personas.
 */
import { afterEach, describe, expect, test } from 'vitest';
import '../../../src/components/target-stage/target-stage';
import type { TargetStage } from '../../../src/components/target-stage/target-stage';
import { fetchPublicText } from '../../../src/components/align-stage/default-runner';
import { presetMapping } from '../../../src/core/persona-import';
import { serviceAlignRunner } from '../../../src/pipeline/align-runner';
import { AlignService } from '../../../src/services/align-service';
import { EmbedderWorkerService } from '../../../src/services/embedder-service';
import { PersonaImportService } from '../../../src/services/persona-import-service';
import { embedPersonas } from '../../../src/storage/embedding-store';
import { openAppDb } from '../../../src/storage/db';
import { RunStore } from '../../../src/storage/run-store';
import { TargetStore } from '../../../src/storage/target-store';
import { deepQuery, freshDbName, text, waitFor, waitForEl } from '../ui/helpers';

afterEach(() => document.body.replaceChildren());

function setValue(selector: string, value: string): void {
  const input = deepQuery<HTMLInputElement | HTMLSelectElement>(selector)!;
  input.value = value;
  input.dispatchEvent(new Event(input instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
}

describe('<target-stage> on a stored persona set', () => {
  test('lists the imported set, builds a target from it and stores the run over its personas', async () => {
    const dbName = freshDbName('target-stored');
    const lines = (await fetchPublicText('demo-personas/personas.jsonl')).split('\n').filter((l) => l.trim()).slice(0, 300);
    const set = await new PersonaImportService({ dbName }).importPersonaSet({ name: 'Three hundred', file: new File([lines.join('\n') + '\n'], 'three-hundred.jsonl'), mapping: presetMapping('persona-align') });
    expect(set.withTraits).toBe(300);

    const embedder = new EmbedderWorkerService();
    const el = document.createElement('target-stage') as TargetStage;
    const runs = new RunStore(dbName);
    el.runner = serviceAlignRunner(new AlignService());
    el.embedder = embedder;
    el.runs = runs;
    el.targetStore = new TargetStore(dbName);
    el.poolsDbName = dbName;
    const db = openAppDb(dbName);
    el.embedPool = (ownerId) => async (personas, onProgress, signal) => embedPersonas(await db, ownerId, embedder, personas, onProgress, signal);
    document.body.append(el);
    await el.updateComplete;

    const stored = await waitForEl<HTMLInputElement>('target-stage input[name="pool"][value="stored"]', 20_000);
    await waitFor(() => !stored.disabled, 20_000, 'stored pool offered');
    stored.click();
    await el.updateComplete;
    expect(text(deepQuery('target-stage select[name="storedPool"]'))).toMatch(/Three hundred \(300 personas\)/);
    setValue('target-stage input[name="size"]', '30');
    setValue('target-stage input[name="topN"]', '90');
    setValue('target-stage input[name="builtinN"]', '600');
    await el.updateComplete;
    deepQuery<HTMLButtonElement>('target-stage #tg-run')!.click();
    await waitForEl('target-results [data-testid="tg-comparison"]', 240_000);

    const done = (await runs.listRuns('target')).filter((r) => r.status === 'done');
    expect(done.length).toBe(1);
    expect(done[0]!.result!.poolIds.length).toBe(300);
    expect(done[0]!.result!.selected.length).toBe(30);
    // The pool's personas are the set's, ids as in its file.
    expect(new Set(done[0]!.result!.poolIds)).toEqual(new Set(lines.map((l) => (JSON.parse(l) as { id: string }).id)));
    await runs.close();
  }, 300_000);
});
