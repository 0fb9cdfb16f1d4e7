/**
 * Quality and Profile work on an imported set once it is picked in "Personas from" (no corpus
 * needed); the choice is remembered; a deleted set falls back to the corpus.
 */
import { afterEach, describe, expect, test } from 'vitest';
import '../../../src/components/quality-stage/quality-stage';
import '../../../src/components/profile-stage/profile-stage';
import type { QualityStage } from '../../../src/components/quality-stage/quality-stage';
import type { ProfileStage } from '../../../src/components/profile-stage/profile-stage';
import { readPersonaOwner, setPersonaOwner } from '../../../src/components/persona-import-panel/persona-owner';
import { setActiveCorpus } from '../../../src/app/mining-selection';
import { presetMapping } from '../../../src/core/persona-import';
import { PersonaJobs } from '../../../src/pipeline/persona-jobs-controller';
import { PersonaImportService } from '../../../src/services/persona-import-service';
import { openAppDb } from '../../../src/storage/db';
import { deletePersonaSet } from '../../../src/storage/persona-set-store';
import { deepQuery, text, waitFor } from '../ui/helpers';
import { uniqueDbName } from '../db-helpers';
import { personaFile } from './gen';

const mounted: HTMLElement[] = [];
afterEach(() => {
  mounted.splice(0).forEach((e) => e.remove());
  setPersonaOwner(null);
});

describe('"Personas from" in the Quality and Profile stages', () => {
  test('pick an imported set without any corpus; remembered; a deleted set falls back', async () => {
    setActiveCorpus(null);
    const dbName = uniqueDbName('persona-owner');
    const importer = new PersonaImportService({ dbName });
    const db = await openAppDb(dbName);
    try {
      const set = await importer.importPersonaSet({ name: 'Forty', file: personaFile(40, 21).file, mapping: presetMapping('persona-align') });
      const jobs = new PersonaJobs(db);
      const qs = document.createElement('quality-stage') as QualityStage;
      qs.jobs = jobs;
      document.body.append(qs);
      mounted.push(qs);
      const picker = await waitFor(() => deepQuery<HTMLSelectElement>('persona-owner-select select[name=personaOwner]', qs.shadowRoot!), 10_000, 'picker');
      expect(text(deepQuery('p.box', qs.shadowRoot!))).toMatch(/or import a persona set/);
      expect(picker.labels?.[0]?.textContent).toMatch(/Personas from/);
      picker.value = set.id;
      picker.dispatchEvent(new Event('change'));
      await waitFor(() => /40 imported personas of Forty/.test(text(deepQuery('p.box', qs.shadowRoot!))), 10_000, 'set chosen');
      expect(readPersonaOwner()).toBe(set.id);

      // The Profile stage opens on the same set, with the given scores offered.
      const ps = document.createElement('profile-stage') as ProfileStage;
      ps.jobs = jobs;
      document.body.append(ps);
      mounted.push(ps);
      const agreement = await waitFor(() => deepQuery('trait-agreement', ps.shadowRoot!), 10_000, 'agreement');
      await waitFor(() => /40 of 40 personas of Forty came with Big Five scores/.test(text(agreement.shadowRoot?.querySelector('section'))), 10_000, 'given scores');

      // Deleted: the picker forgets it and the stage falls back to the corpus (none here).
      await deletePersonaSet(db, set.id);
      await qs.refresh();
      await deepQuery<HTMLElement & { load(): Promise<void> }>('persona-owner-select', qs.shadowRoot!)?.load();
      await waitFor(() => readPersonaOwner() === null, 5_000, 'owner cleared');
      await waitFor(() => /Choose a corpus/.test(text(deepQuery('p.box', qs.shadowRoot!))), 5_000, 'fallback');
    } finally {
      importer.terminate();
      db.close();
    }
  });
});
