/**
 * Accessibility of every stage view as the user meets it: <app-shell> on a fresh database (with one
 * stored align run, so Results shows its plots, tables and persona browser), each stage opened by
 * its route, then axe-core (WCAG 2 A/AA rules, shadow DOM included) over the whole page. No
 * serious or critical violation is allowed; every finding is printed with its target.
 */
import axe from 'axe-core';
import { userEvent } from '@vitest/browser/context';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import '../../../src/app/app-shell';
import type { AppShell } from '../../../src/app/app-shell';
import { createDefaultServices } from '../../../src/app/default-services';
import { STAGES } from '../../../src/app/routes';
import { STAGE_VIEWS } from '../../../src/app/stage-views';
import { openAppDb } from '../../../src/storage/db';
import { putRun } from '../../../src/storage/run-store';
import { storedRunFixture } from '../../unit/results/run-fixture';
import { deepActiveElement, deepQuery, freshDbName, waitFor } from '../ui/helpers';

let shell: AppShell;

/** The element each built stage renders (the placeholder for the rest). */
const ELEMENT: Record<string, string> = {
  corpus: 'corpus-view',
  personas: 'personas-stage',
  quality: 'quality-stage',
  profile: 'profile-stage',
  align: 'align-stage',
  target: 'target-stage',
  results: 'results-stage',
};

beforeAll(async () => {
  const dbName = freshDbName('a11y');
  const db = await openAppDb(dbName);
  await putRun(db, await storedRunFixture({ id: 'run-a11y' }));
  db.close();
  history.replaceState(null, '', '#/corpus');
  shell = document.createElement('app-shell');
  shell.services = await createDefaultServices({ dbName });
  document.body.append(shell);
  await shell.updateComplete;
});

afterAll(() => shell.remove());

async function settle(): Promise<void> {
  // Stage views load their data asynchronously; let fetches and IndexedDB reads land.
  for (let i = 0; i < 10; i++) await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => setTimeout(r, 300));
}

describe('axe-core on every stage view', () => {
  for (const stage of STAGES) {
    test(`${stage.label}: no serious or critical violations`, async () => {
      location.hash = `#/${stage.id}`;
      const tag = ELEMENT[stage.id]!;
      await waitFor(() => deepQuery(tag), 20_000, `<${tag}>`);
      if (stage.id === 'results') await waitFor(() => deepQuery('results-stage results-metrics'), 20_000, 'results metrics');
      await settle();
      expect(await seriousViolations(stage.id)).toEqual([]);
    });
  }

  test('Results with a figure shown as its table and a persona page open; keyboard reaches toggle, SVG, PNG in order', async () => {
    location.hash = '#/results';
    await waitFor(() => deepQuery('results-stage results-metrics'), 20_000, 'results metrics');
    const toggle = await waitFor(() => deepQuery<HTMLButtonElement>('results-figure button.toggle'), 10_000, 'toggle');
    toggle.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => toggle.getAttribute('aria-pressed') === 'true', 2_000, 'table shown');
    await userEvent.tab();
    expect(deepActiveElement()?.getAttribute('aria-label')).toBe('Download Trait densities as SVG');
    await userEvent.tab();
    expect(deepActiveElement()?.getAttribute('aria-label')).toBe('Download Trait densities as PNG');
    deepQuery('persona-browser lit-virtualizer')!.scrollIntoView();
    const list = deepQuery<HTMLElement>('persona-browser lit-virtualizer')!;
    list.focus();
    await userEvent.keyboard('{ArrowDown}');
    await waitFor(() => deepActiveElement()?.getAttribute('data-index') === '0', 5_000, 'first row focused');
    await userEvent.keyboard('{Enter}');
    await waitFor(() => deepQuery('persona-page [data-testid="trait-profile"]'), 5_000, 'persona page');
    await settle();
    expect(await seriousViolations('results+page')).toEqual([]);
  });
});

async function seriousViolations(what: string): Promise<string[]> {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
  for (const v of result.violations) {
    console.log(`[a11y ${what}] ${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)).join(' ')}`);
  }
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => JSON.stringify(n.target)).join(' ')}`);
}
