/** <results-gap> (the Profile stage's "before alignment" section) on synthetic clouds with a known tilt. */
import { afterEach, expect, test } from 'vitest';
import { PERSONA_TILT, syntheticBigFive } from '../../../src/core/align/synthetic';
import '../../../src/components/results-gap/results-gap';
import type { ResultsFigureElement } from '../../../src/components/results-figure/results-figure';
import { text, waitFor } from '../ui/helpers';

afterEach(() => document.body.replaceChildren());

test('densities of personas vs reference and a per-trait gap table whose mean errors carry the tilt', async () => {
  const el = document.createElement('results-gap');
  el.personas = syntheticBigFive({ n: 500, seed: 1, tiltSd: PERSONA_TILT });
  el.reference = syntheticBigFive({ n: 2000, seed: 2 });
  el.referenceName = 'Synthetic people';
  document.body.append(el);
  await el.updateComplete;
  const rows = [...el.shadowRoot!.querySelectorAll('[data-testid="gap-table"] tbody tr')];
  expect(rows.map((r) => text(r.querySelector('th')))).toEqual(['Openness', 'Conscientiousness', 'Extraversion', 'Agreeableness', 'Neuroticism']);
  const meanErr = rows.map((r) => Number(text(r.querySelectorAll('td')[4]).replace('−', '-')));
  // The tilt in SDs (+0.5, +0.3, +0.6, +0.8, −0.8), blunted a little by clipping at 1 and 5.
  PERSONA_TILT.forEach((t, k) => expect(Math.abs(meanErr[k]! - t)).toBeLessThan(0.2));
  const fig = el.shadowRoot!.querySelector<ResultsFigureElement>('results-figure')!;
  const svg = await waitFor(() => fig.shadowRoot?.querySelector('.plot > svg'), 5_000, 'density svg');
  expect([...svg.querySelectorAll('.legend-item text')].map((t) => t.textContent)).toEqual(['Synthetic people', 'Personas (before alignment)']);
});
