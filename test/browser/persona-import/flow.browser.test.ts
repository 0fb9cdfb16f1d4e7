/**
 * The whole "bring your own personas" path in Chromium with the test engine: a persona file with
 * trait scores (the first 60 demo personas) imported through the worker → <quality-stage> on the
 * set (rules only) → <profile-stage> (the questionnaire, given-vs-measured agreement) → the Align
 * stage function with the stored pool → an aligned selection whose manifest names the file.
 */
import { afterEach, describe, expect, test } from 'vitest';
import '../../../src/components/quality-stage/quality-stage';
import '../../../src/components/profile-stage/profile-stage';
import type { QualityStage } from '../../../src/components/quality-stage/quality-stage';
import type { ProfileStage } from '../../../src/components/profile-stage/profile-stage';
import { fetchPublicText } from '../../../src/components/align-stage/default-runner';
import { presetMapping } from '../../../src/core/persona-import';
import { TRAITS } from '../../../src/core/traits';
import { serviceAlignRunner } from '../../../src/pipeline/align-runner';
import { runAlignStage } from '../../../src/pipeline/align-stage';
import { PersonaJobs } from '../../../src/pipeline/persona-jobs-controller';
import { AlignService } from '../../../src/services/align-service';
import { PersonaImportService } from '../../../src/services/persona-import-service';
import { openAppDb } from '../../../src/storage/db';
import { loadStoredPool } from '../../../src/storage/persona-set-pools';
import { listSetPersonas } from '../../../src/storage/persona-set-store';
import { deepQuery, deepQueryAll, text, waitFor } from '../ui/helpers';
import { loadedEngine } from '../stage-ui/helpers';
import { uniqueDbName } from '../db-helpers';

const mounted: HTMLElement[] = [];
afterEach(() => mounted.splice(0).forEach((e) => e.remove()));
const q = <E extends Element = HTMLElement>(el: Element, sel: string): E | null => deepQuery<E>(sel, el.shadowRoot!);
const N = 60;

describe('imported persona set: import → quality → profile → align', () => {
  test('rules-only quality, the questionnaire with the test engine, agreement, and an aligned stored pool', async () => {
    const dbName = uniqueDbName('persona-flow');
    const importer = new PersonaImportService({ dbName });
    const align = new AlignService();
    const db = await openAppDb(dbName);
    try {
      const lines = (await fetchPublicText('demo-personas/personas.jsonl')).split('\n').filter((l) => l.trim()).slice(0, N);
      const file = new File([lines.join('\n') + '\n'], 'sixty.jsonl');
      const set = await importer.importPersonaSet({ name: 'Sixty', file, mapping: presetMapping('persona-align') });
      expect(set.count).toBe(N);
      expect(set.withTraits).toBe(N);
      const llm = await loadedEngine();
      const jobs = new PersonaJobs(db);
      const selection = { corpusId: set.id, filter: {} };

      // Quality on the set, the judge off: rules that need no posts.
      const qs = document.createElement('quality-stage') as QualityStage;
      Object.assign(qs, { jobs, llm, selection });
      document.body.append(qs);
      mounted.push(qs);
      await waitFor(() => /60 imported personas of Sixty/.test(text(q(qs, 'p.box'))), 10_000, 'set shown');
      const judge = q<HTMLInputElement>(qs, 'input[name=judge]')!;
      expect(text(judge.parentElement)).toMatch(/consistency, specificity/);
      judge.click();
      expect(judge.checked).toBe(false);
      q<HTMLButtonElement>(qs, 'button.start')!.click();
      await waitFor(() => new RegExp(`Finished: ${N} done`).test(text(q(qs, '.run-status'))), 60_000, 'quality finished');
      const afterQuality = await listSetPersonas(db, set.id);
      expect(afterQuality.every((p) => p.stages.quality && !p.stages.quality.judge)).toBe(true);
      expect(afterQuality.every((p) => !p.stages.quality!.rules.some((r) => r.rule === 'verbatim'))).toBe(true);
      const kept = afterQuality.filter((p) => p.quality?.kept).length;
      expect(kept).toBe(Number(text(q(qs, 'td.kept'))));
      expect(kept).toBeGreaterThan(N / 2); // the demo texts are ordinary English prose
      expect(llm.stats().calls).toBe(0); // rules only: no model call

      // Profile: the given scores are offered as they are, or measured again.
      const ps = document.createElement('profile-stage') as ProfileStage;
      Object.assign(ps, { jobs, llm, selection });
      document.body.append(ps);
      mounted.push(ps);
      const agreement = await waitFor(() => q(ps, 'trait-agreement'), 10_000, 'agreement element');
      await waitFor(() => /60 of 60 personas of Sixty came with Big Five scores/.test(text(agreement.shadowRoot!.querySelector('section'))), 10_000, 'given scores offered');
      expect(agreement.shadowRoot!.querySelector('a.skip')!.getAttribute('href')).toBe('#/align');
      (agreement.shadowRoot!.querySelector('button.run-anyway') as HTMLButtonElement).click();
      await waitFor(() => new RegExp(`Finished: ${kept} done`).test(text(q(ps, '.run-status'))), 120_000, 'questionnaire finished');
      // The table follows the stage's data (it may first show a partial run): wait for every kept persona.
      const rows = await waitFor(() => {
        const r = [...agreement.shadowRoot!.querySelectorAll('table.agreement tbody tr')];
        return r.length === 5 && r.every((x) => Number(text(x.querySelector('td'))) === kept) ? r : null;
      }, 10_000, 'agreement table over every kept persona');
      expect(rows.map((r) => r.getAttribute('data-trait'))).toEqual([...TRAITS]);
      expect(rows.every((r) => /^-?\d\.\d\d$/.test(text(r.querySelector('td.pearson'))))).toBe(true);
      const profiled = (await listSetPersonas(db, set.id)).filter((p) => p.stages.profile);
      expect(profiled).toHaveLength(kept);
      // The given scores stay beside the measured ones.
      const given = JSON.parse(lines.find((l) => l.includes(`"${profiled[0]!.id.split('/').pop()}"`))!) as { traits: Record<string, number> };
      expect(profiled[0]!.givenTraits).toEqual(given.traits);
      expect(profiled[0]!.traits).not.toEqual(given.traits);

      // Align with the stored pool against a built-in sample.
      const result = await runAlignStage(undefined, {
        pool: { kind: 'stored', ownerId: set.id, name: set.name },
        reference: { kind: 'builtin', entryId: 'global', n: 500, seed: 3 },
        options: { method: 'nearest', size: 20, seed: 4 },
      }, { align: serviceAlignRunner(align), fetchText: fetchPublicText, storedPool: (id) => loadStoredPool(db, id) });
      expect(result.pool.kind).toBe('stored');
      // Every persona not rejected has scores (measured for kept ones, given for the rest): all of them.
      expect(result.pool.cloud.n).toBe(N - afterQuality.filter((p) => p.quality?.kept === false).length);
      expect(result.align.selected.length).toBe(20);
      expect(result.pool.notes.join(' ')).toContain(`sixty.jsonl`);
      expect(result.pool.notes.join(' ')).toContain(set.file.sha256!);
      expect(result.manifest.inputs.pool.sha256).toMatch(/^[0-9a-f]{64}$/);
      const ids = new Set(result.pool.ids);
      expect(ids.size).toBe(result.pool.cloud.n);
      expect([...ids].every((id) => /^demo-\d{4}$/.test(id))).toBe(true); // the file's own ids
      expect(deepQueryAll('trait-histogram', ps.shadowRoot!).length).toBe(5);
    } finally {
      importer.terminate();
      align.terminate();
      db.close();
    }
  });

  test('with the judge on, an imported set is judged on consistency and specificity only', async () => {
    const dbName = uniqueDbName('persona-flow-judge');
    const importer = new PersonaImportService({ dbName });
    const db = await openAppDb(dbName);
    try {
      const lines = (await fetchPublicText('demo-personas/personas.jsonl')).split('\n').filter((l) => l.trim()).slice(100, 110);
      const set = await importer.importPersonaSet({ name: 'Ten', file: new File([lines.join('\n')], 'ten.jsonl'), mapping: presetMapping('persona-align') });
      const llm = await loadedEngine();
      const qs = document.createElement('quality-stage') as QualityStage;
      Object.assign(qs, { jobs: new PersonaJobs(db), llm, selection: { corpusId: set.id, filter: {} } });
      document.body.append(qs);
      mounted.push(qs);
      await waitFor(() => /10 imported personas of Ten/.test(text(q(qs, 'p.box'))), 10_000, 'set shown');
      expect(q<HTMLInputElement>(qs, 'input[name=judge]')!.checked).toBe(true);
      q<HTMLButtonElement>(qs, 'button.start')!.click();
      await waitFor(() => /Finished: 10 done/.test(text(q(qs, '.run-status'))), 60_000, 'quality finished');
      const assessed = await listSetPersonas(db, set.id);
      expect(assessed.every((p) => Object.keys(p.stages.quality!.judge!.scores).sort().join() === 'consistency,specificity')).toBe(true);
      expect(assessed.every((p) => p.stages.quality!.provenance.prompt.id === 'persona-judge-imported')).toBe(true);
      expect(llm.stats().calls).toBeGreaterThanOrEqual(10);
    } finally {
      importer.terminate();
      db.close();
    }
  });
});
