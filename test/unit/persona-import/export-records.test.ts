/** Export from stored personas alone (no original file): the mapping inverted, read back by the same import. */
import { describe, expect, test } from 'vitest';
import {
  collectPersonaRecords, denormaliseTrait, exportBack, exportRecordsAs, normaliseTrait, presetMapping, splitPersonaText,
  type PersonaFileFormat, type PersonaMapping,
} from '../../../src/core/persona-import';
import type { PersonaRecord } from '../../../src/contracts/persona';
import { fixture, memorySource } from './helpers';

const strip = (rs: PersonaRecord[]) => rs.map(({ source: _s, ...r }) => r);

const CASES: [string, PersonaMapping][] = [
  ['personahub-persona.jsonl', presetMapping('personahub')],
  ['nemotron.parquet', presetMapping('nemotron')],
  ['tinytroupe-agents.json', presetMapping('tinytroupe')],
  ['oasis-reddit.json', presetMapping('oasis')],
  ['persona-align.jsonl', presetMapping('persona-align')],
  ['generic-scores.tsv', { preset: 'generic', text: [{ field: 'description' }], id: 'id', meta: { region: 'region' }, traits: { fields: { openness: 'O', conscientiousness: 'C', extraversion: 'E', agreeableness: 'A', neuroticism: 'N' }, scale: '0-100' } }],
];
const FORMATS: PersonaFileFormat[] = ['jsonl', 'json', 'csv', 'tsv', 'parquet'];

describe('exportRecordsAs', () => {
  test.each(CASES)('%s: every format reads back to the same personas, selection marked', async (name, mapping) => {
    const { records } = await collectPersonaRecords(await fixture(name), { mapping });
    const selection = new Map([[records[0]!.id, 0.6]]);
    for (const format of FORMATS) {
      const bytes = exportRecordsAs(records, mapping, format, selection);
      const back = await collectPersonaRecords(memorySource(`out.${format}`, bytes), { mapping, format });
      const expected = strip(records).map((r) => (r.traits ? { ...r, traits: Object.fromEntries(Object.entries(r.traits).map(([k, v]) => [k, expect.closeTo(v as number, 9)])) } : r));
      expect(strip(back.records), `${name} as ${format}`).toEqual(expected);
    }
    const only = exportRecordsAs(records, mapping, 'jsonl', selection, 'selected');
    const lines = new TextDecoder().decode(only).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ persona_align_selected: true, persona_align_weight: 0.6 });
  });

  test('TinyTroupe layout comes back nested with type TinyPerson', async () => {
    const m = presetMapping('tinytroupe');
    const { records } = await collectPersonaRecords(await fixture('tinytroupe-agents.json'), { mapping: m });
    const [spec] = JSON.parse(new TextDecoder().decode(exportRecordsAs(records, m, 'json', new Map())));
    expect(spec).toMatchObject({ type: 'TinyPerson', persona: { name: 'Kwame Mensah', occupation: { title: 'Mobile-money agent', description: expect.stringMatching(/^Kwame runs/) } } });
  });

  test('splitPersonaText finds labelled paragraphs even when a value holds a blank line', () => {
    const m = { text: [{ field: 'a', label: 'A' }, { field: 'b', label: 'B' }, { field: 'c', label: 'C' }] };
    const parts = splitPersonaText('A: one\n\nstill one\n\nC: three', m);
    expect([...parts]).toEqual([['a', 'one\n\nstill one'], ['c', 'three']]);
  });

  test('denormaliseTrait inverts normaliseTrait on every scale', () => {
    for (const scale of ['1-5', '0-1', '0-100', 'z'] as const) {
      for (const x of scale === 'z' ? [-2, 0, 1.5] : scale === '0-100' ? [0, 37, 100] : scale === '0-1' ? [0, 0.3, 1] : [1, 2.5, 5]) {
        expect(denormaliseTrait(normaliseTrait(x, { scale }) as number, { scale })).toBeCloseTo(x, 12);
      }
    }
  });
});

test('exportBack refuses a file other than the one imported', async () => {
  const m = presetMapping('personahub');
  const { summary } = await collectPersonaRecords(await fixture('personahub-persona.jsonl'), { mapping: m });
  const ok = await exportBack(await fixture('personahub-persona.jsonl'), { mapping: m, selection: new Map(), expectSha256: summary.sha256 });
  expect(ok.records).toBe(6);
  await expect(exportBack(await fixture('personahub-instruction.jsonl'), { mapping: m, selection: new Map(), expectSha256: summary.sha256 }))
    .rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/not the file the set was imported from/) });
});
