/** <persona-list> and <persona-detail>: untrusted text stays text; long lists are virtualised. */
import { afterEach, describe, expect, test } from 'vitest';
import '../../../src/components/persona-list/persona-list';
import '../../../src/components/persona-detail/persona-detail';
import type { StoredPersona } from '../../../src/core/stages/types';
import { waitFor } from '../ui/helpers';

afterEach(() => document.querySelectorAll('persona-list, persona-detail').forEach((e) => e.remove()));

const HOSTILE = '<img src=x onerror="window.__pwned=1"> مرحبا bold <b>text</b>';

function persona(i: number, text = `Persona number ${i} likes hiking.`): StoredPersona {
  return { id: `c/a${i}`, corpusId: 'c', source: { kind: 'mined', corpusId: 'c', author: `a${i}` }, text, meta: {}, status: 'mined', stages: {} } as StoredPersona;
}

describe('<persona-list>', () => {
  test('hostile persona and post text is rendered as text, dir=auto', async () => {
    const list = document.createElement('persona-list');
    list.personas = [persona(1, HOSTILE)];
    document.body.append(list);
    await list.updateComplete;
    const first = list.shadowRoot!.querySelector('.first')!;
    expect(first.textContent).toBe(HOSTILE);
    expect(first.getAttribute('dir')).toBe('auto');
    expect(list.shadowRoot!.querySelector('img, b')).toBeNull();
    const detail = document.createElement('persona-detail');
    detail.persona = persona(1, HOSTILE);
    detail.posts = [{ corpusId: 'c', author: 'a1', seq: 0, date: null, text: HOSTILE, file: 'f', line: 1 }];
    document.body.append(detail);
    await detail.updateComplete;
    expect(detail.shadowRoot!.querySelector('img, b')).toBeNull();
    expect(detail.shadowRoot!.querySelector('li')!.textContent).toContain(HOSTILE);
    expect((window as unknown as { __pwned?: number }).__pwned).toBeUndefined();
  });

  test('2,000 personas: only the visible rows are in the DOM', async () => {
    const list = document.createElement('persona-list');
    list.personas = Array.from({ length: 2000 }, (_, i) => persona(i));
    document.body.append(list);
    await waitFor(() => list.shadowRoot!.querySelectorAll('button.row').length > 0, 5_000, 'rows');
    const rows = list.shadowRoot!.querySelectorAll('button.row').length;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(200);
  });
});
