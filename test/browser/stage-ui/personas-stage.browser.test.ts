/**
 * <personas-stage> in Chromium with real IndexedDB and the demo corpus: the test engine is set as
 * the element's `llm` property (never through the UI). Start with a pilot cap, see progress and
 * personas, Pause, a "reload" (element removed, a new one over a reopened database) that offers
 * Resume and finishes without duplicates, and a persona beside its source posts.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { userEvent } from '@vitest/browser/context';
import '../../../src/components/personas-stage/personas-stage';
import type { PersonasStage } from '../../../src/components/personas-stage/personas-stage';
import { PersonaJobs } from '../../../src/pipeline/persona-jobs-controller';
import { openAppDb } from '../../../src/storage/db';
import { listPersonas } from '../../../src/storage/persona-store';
import { personaSubject } from '../../../src/core/stages/types';
import type { LlmService } from '../../../src/contracts/llm';
import { deepActiveElement, deepQuery, deepQueryAll, text, waitFor } from '../ui/helpers';
import { importDemo, loadedEngine, setInput, shadowText } from './helpers';

const mounted: HTMLElement[] = [];
afterEach(() => mounted.splice(0).forEach((e) => e.remove()));

function mount(dbName: string, corpusId: string, llm: LlmService): PersonasStage {
  const el = document.createElement('personas-stage');
  el.dbName = dbName;
  el.llm = llm;
  el.selection = { corpusId, filter: {} };
  document.body.append(el);
  mounted.push(el);
  return el;
}

const q = <E extends Element = HTMLElement>(el: Element, sel: string): E | null => deepQuery<E>(sel, el.shadowRoot!);

describe('<personas-stage>', () => {
  test('pilot run: start, progress, pause, reload offers Resume, finishes without duplicates', async () => {
    const { dbName, corpusId } = await importDemo();
    // Slow enough per author (simulated decode) that Pause lands mid-job.
    const llm = await loadedEngine({ msPerToken: 2 });
    const el = mount(dbName, corpusId, llm);
    await waitFor(() => Number(text(q(el, '.author-count')).replace(/,/g, '')) > 0, 10_000, 'author count');
    // The picker is not shown: the LLM was injected, and the test engine is never listed.
    expect(q(el, 'llm-backend-picker')).toBeNull();
    setInput(q<HTMLInputElement>(el, 'input[name=cap]')!, '4');
    const start = q<HTMLButtonElement>(el, 'button.start')!;
    expect(text(start)).toBe('Start mining');
    start.click();
    const progress = await waitFor(() => q(el, 'job-progress'), 10_000, 'progress');
    await waitFor(() => /^[1-3] \/ /.test(text(deepQuery('dl .done dd', progress.shadowRoot!))), 30_000, '1 author done');
    expect(shadowText(progress)).toMatch(/Tokens\/s/);
    expect(shadowText(progress)).toMatch(/Time left/);
    deepQuery<HTMLButtonElement>('button', progress.shadowRoot!)!.click(); // Pause
    await waitFor(() => /Paused/.test(text(q(el, '.run-status'))), 30_000, 'paused');
    expect(text(q(el, '.job-state'))).toMatch(/Resume/);
    const pausedCount = (await listPersonas(await openAppDb(dbName), corpusId)).length;
    expect(pausedCount).toBeGreaterThan(0);
    expect(pausedCount).toBeLessThan(4);

    // "Reload": the element goes away, a new one opens the database again.
    el.remove();
    const el2 = mount(dbName, corpusId, llm);
    const resume = await waitFor(() => { const b = q<HTMLButtonElement>(el2, 'button.start'); return b && text(b) === 'Resume' ? b : null; }, 10_000, 'Resume offered');
    expect(text(q(el2, '.job-state'))).toMatch(/paused/);
    // A new view starts with the default cap; the pilot keeps its cap of 4.
    setInput(q<HTMLInputElement>(el2, 'input[name=cap]')!, '4');
    resume.click();
    await waitFor(() => /Stopped at the pilot cap: 4 done/.test(text(q(el2, '.run-status'))), 60_000, 'pilot cap reached');
    const db = await openAppDb(dbName);
    const personas = await listPersonas(db, corpusId);
    expect(personas).toHaveLength(4);
    expect(new Set(personas.map((p) => personaSubject(p))).size).toBe(4);
    const items = await new PersonaJobs(db).store.listItems(PersonaJobs.jobId(corpusId, 'mine'));
    expect(items.filter((i) => i.state === 'done')).toHaveLength(4);
    db.close();

    // The list, then one persona beside its posts (text rendered as text, dir=auto).
    await waitFor(() => deepQueryAll('persona-list button.row', el2.shadowRoot!).length === 4, 10_000, '4 rows');
    const row = deepQueryAll<HTMLButtonElement>('persona-list button.row', el2.shadowRoot!)[0]!;
    expect(text(row)).toMatch(/\d+ words/);
    row.focus();
    row.click();
    const detail = await waitFor(() => q(el2, 'persona-detail'), 10_000, 'detail');
    await waitFor(() => deepQueryAll('li', detail.shadowRoot!).length > 0, 10_000, 'source posts');
    expect(deepQuery('.persona-text', detail.shadowRoot!)!.getAttribute('dir')).toBe('auto');
    expect(text(deepQuery('.persona-text', detail.shadowRoot!))).toBe(personas.find((p) => p.id === row.dataset['id'])!.text);
  });

  test('an edited prompt shows a new hash', async () => {
    const { dbName, corpusId } = await importDemo();
    const el = mount(dbName, corpusId, await loadedEngine());
    const editor = await waitFor(() => q(el, 'prompt-editor'), 10_000, 'editor');
    const hashOf = (): string => deepQuery('.hash', editor.shadowRoot!)?.getAttribute('data-hash') ?? '';
    const before = await waitFor(() => hashOf(), 5_000, 'hash');
    const user = deepQuery<HTMLTextAreaElement>('textarea[name=user]', editor.shadowRoot!)!;
    user.value += '\nKeep it short.';
    user.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await waitFor(() => hashOf() && hashOf() !== before, 5_000, 'new hash');
    expect(shadowText(editor)).toMatch(/edited/);
  });

  test('keyboard only: set the cap, Start with Enter, Cancel with Enter; every control is labelled', async () => {
    const { dbName, corpusId } = await importDemo();
    const el = mount(dbName, corpusId, await loadedEngine({ msPerToken: 2 }));
    await waitFor(() => Number(text(q(el, '.author-count'))) > 0, 10_000, 'author count');
    const cap = q<HTMLInputElement>(el, 'input[name=cap]')!;
    cap.focus();
    await userEvent.keyboard('{Control>}a{/Control}3');
    expect(cap.value).toBe('3');
    await userEvent.tab(); // seed
    await userEvent.tab(); // Start
    expect(text(deepActiveElement())).toBe('Start mining');
    await userEvent.keyboard('{Enter}');
    const progress = await waitFor(() => q(el, 'job-progress'), 10_000, 'progress');
    const cancel = await waitFor(() => [...progress.shadowRoot!.querySelectorAll('button')].find((b) => text(b) === 'Cancel'), 5_000, 'cancel');
    cancel.focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => /Cancelled/.test(text(q(el, '.run-status'))), 30_000, 'cancelled');
    const db = await openAppDb(dbName);
    const items = await new PersonaJobs(db).store.listItems(PersonaJobs.jobId(corpusId, 'mine'));
    expect(items.some((i) => i.state === 'running')).toBe(false);
    expect(items.filter((i) => i.state === 'done').length).toBeLessThan(3);
    db.close();
    for (const c of deepQueryAll<HTMLElement>('input, select, textarea', el.shadowRoot!)) {
      expect(c.closest('label') !== null || c.hasAttribute('aria-label'), `${c.outerHTML} has a label`).toBe(true);
    }
  });

  test('a model error stops the job with the reason shown; Resume continues', async () => {
    const { dbName, corpusId } = await importDemo();
    // Calls are counted over chat/countTokens: a failure a few calls in lands in the first authors.
    const llm = await loadedEngine({ failures: { 12: 'model-error' } });
    const el = mount(dbName, corpusId, llm);
    await waitFor(() => Number(text(q(el, '.author-count'))) > 0, 10_000, 'author count');
    setInput(q<HTMLInputElement>(el, 'input[name=cap]')!, '3');
    q<HTMLButtonElement>(el, 'button.start')!.click();
    const alert = await waitFor(() => q(el, '[role=alert]'), 30_000, 'error shown');
    expect(text(alert)).toMatch(/Injected model failure/);
    await waitFor(() => /failed/.test(text(q(el, '.job-state'))), 10_000, 'job state');
    const resume = await waitFor(() => { const b = q<HTMLButtonElement>(el, 'button.start'); return b && text(b) === 'Resume' ? b : null; }, 5_000, 'Resume');
    resume.click();
    await waitFor(() => /Stopped at the pilot cap: 3 done/.test(text(q(el, '.run-status'))), 30_000, 'finished after resume');
  });
});
