/**
 * Each preset on a small file in its set's documented layout (test/fixtures/persona-import, written
 * for this project): what the import makes of it, and the round trip through export-back.
 */
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import {
  collectPersonaRecords, exportBack, mappingForFields, presetMapping, previewPersonaFile, SELECTED_FIELD, WEIGHT_FIELD,
  type PersonaMapping, type PersonaPresetId,
} from '../../../src/core/persona-import';
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';
import { FIXTURES, fixture, memorySource } from './helpers';

async function read(name: string, mapping: PersonaMapping) {
  return collectPersonaRecords(await fixture(name), { mapping });
}

/** Re-imports an export-back file with the same mapping: same personas, and the selection as written. */
async function roundTrip(name: string, mapping: PersonaMapping) {
  const first = await read(name, mapping);
  const selection = new Map(first.records.filter((_, i) => i % 2 === 0).map((r, i) => [r.id, 0.25 + i * 0.5]));
  const out = await exportBack(await fixture(name), { mapping, selection });
  expect(out.selected).toBe(selection.size);
  const again = await collectPersonaRecords(memorySource(out.name, out.bytes), { mapping, format: out.format });
  const strip = (rs: typeof first.records) => rs.map(({ source: _s, ...r }) => r);
  expect(strip(again.records)).toEqual(strip(first.records));
  return { first, out };
}

describe('PersonaHub', () => {
  test('persona.jsonl: text from "persona", stable generated ids, empty and duplicate rows skipped with their line', async () => {
    const { records, issues, summary } = await read('personahub-persona.jsonl', presetMapping('personahub'));
    expect(records).toHaveLength(4);
    expect(records[0]!.text).toMatch(/^A night-shift paramedic/);
    expect(records.every((r) => /^p-[0-9a-z]{11}$/.test(r.id))).toBe(true);
    expect(records[0]!.source).toEqual({ kind: 'imported', file: 'personahub-persona.jsonl', format: 'personahub' });
    expect(issues.map((i) => [i.line, i.outcome])).toEqual([[3, 'skipped'], [5, 'skipped']]);
    expect(issues[1]!.reason).toBe('duplicate persona (same text as line 1)');
    expect(summary).toMatchObject({ rows: 6, records: 4, skipped: 2, format: 'jsonl' });
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await read('personahub-persona.jsonl', presetMapping('personahub'));
    expect(again.records.map((r) => r.id)).toEqual(records.map((r) => r.id));
  });

  test('the instruction subset: text from "input persona"', async () => {
    const { records } = await read('personahub-instruction.jsonl', presetMapping('personahub'));
    expect(records.map((r) => r.text.split(' ').slice(0, 2).join(' '))).toEqual(['A beekeeper', 'An accountant', 'A hospital']);
  });

  test('preview suggests PersonaHub; round trip', async () => {
    const p = await previewPersonaFile(await fixture('personahub-instruction.jsonl'));
    expect(p.suggested.preset).toBe('personahub');
    expect(p.suggested.mapping.text).toEqual([{ field: 'input persona' }]);
    const { out } = await roundTrip('personahub-persona.jsonl', presetMapping('personahub'));
    const lines = new TextDecoder().decode(out.bytes).trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6); // every row of the file, skipped ones included
    expect(lines[0]).toMatchObject({ [SELECTED_FIELD]: true, [WEIGHT_FIELD]: 0.25 });
    expect(lines[2]).toMatchObject({ persona: '', [SELECTED_FIELD]: false, [WEIGHT_FIELD]: 0 });
  });
});

describe('Nemotron-Personas (Parquet)', () => {
  const rows = JSON.parse(readFileSync(new URL('nemotron-rows.json', FIXTURES), 'utf8')) as Record<string, unknown>[];

  test('facet columns joined with labels, uuid as id, demographics as meta, two row groups streamed', async () => {
    const { records, issues, summary } = await read('nemotron.parquet', presetMapping('nemotron'));
    expect(summary.format).toBe('parquet');
    expect(records.map((r) => r.id)).toEqual([rows[0]!['uuid'], rows[1]!['uuid'], rows[3]!['uuid']]);
    const t = records[0]!.text;
    expect(t.startsWith('Summary: A patient, sociable hygienist')).toBe(true);
    expect(t).toContain('\n\nProfessional: Dolores Whitfield');
    expect(t).toContain('\n\nCareer goals and ambitions: To train new hygienists');
    expect(t).not.toContain('Family:'); // no family_persona column in this locale
    expect(records[0]!.meta).toMatchObject({ age: '57', gender: 'Female', occupation: 'dental_hygienist', city: 'Cedar Rapids', region: 'IA', country: 'USA' });
    expect(issues).toEqual([{ file: 'nemotron.parquet', line: 3, reason: expect.stringMatching(/^empty text/), outcome: 'skipped' }]);
  });

  test('preview suggests Nemotron and keeps only the columns present', async () => {
    const p = await previewPersonaFile(await fixture('nemotron.parquet'));
    expect(p.suggested.preset).toBe('nemotron');
    expect(p.suggested.mapping.text.map((x) => x.field)).not.toContain('family_persona');
    expect(p.suggested.mapping.meta['region']).toBe('state');
    expect(p.sampleText).toContain('Professional: Dolores');
  });

  test('round trip through Parquet with the selection and weights as columns', async () => {
    const { out } = await roundTrip('nemotron.parquet', presetMapping('nemotron'));
    expect(out.format).toBe('parquet');
    expect(out.name).toBe('nemotron.aligned.parquet');
    const { parquetReadObjects } = await import('hyparquet');
    const back = await parquetReadObjects({ file: out.bytes.buffer as ArrayBuffer });
    expect(back).toHaveLength(4);
    expect(back.map((r) => r[SELECTED_FIELD])).toEqual([true, false, false, true]);
    expect(back[3]![WEIGHT_FIELD]).toBe(0.75);
    expect(back.map((r) => r['uuid'])).toEqual(rows.map((r) => r['uuid']));
  });
});

describe('TinyTroupe agent specifications', () => {
  test('one .agent.json: nested facets rendered as labelled text, name/age/occupation title as meta', async () => {
    const { records } = await read('tinytroupe-rosa.agent.json', presetMapping('tinytroupe'));
    expect(records).toHaveLength(1);
    const r = records[0]!;
    expect(r.meta).toMatchObject({ name: 'Rosa Almeida', age: '46', gender: 'Female', occupation: 'Bridge inspector', nationality: 'Portuguese' });
    expect(r.text).toContain('Occupation: Rosa inspects road bridges');
    expect(r.text).toContain('Interests: Industrial archaeology; Fado; Crosswords');
    expect(r.text).toContain('Beliefs: Maintenance is cheaper than replacement.; Public money must be accounted for.');
  });

  test('a list of specs, old and new occupation layouts', async () => {
    const { records } = await read('tinytroupe-agents.json', presetMapping('tinytroupe'));
    expect(records.map((r) => r.meta['occupation'])).toEqual(['Mobile-money agent', 'Ferry captain']);
    expect(records[1]!.text).toContain('Occupation: Ingrid captains a coastal car ferry');
  });

  test('preview suggests TinyTroupe; round trips keep a single spec a single object', async () => {
    const p = await previewPersonaFile(await fixture('tinytroupe-rosa.agent.json'));
    expect(p.suggested.preset).toBe('tinytroupe');
    const { out } = await roundTrip('tinytroupe-rosa.agent.json', presetMapping('tinytroupe'));
    const spec = JSON.parse(new TextDecoder().decode(out.bytes));
    expect(spec).toMatchObject({ type: 'TinyPerson', persona: { name: 'Rosa Almeida' }, [SELECTED_FIELD]: true });
    expect(out.name).toBe('tinytroupe-rosa.aligned.agent.json');
    await roundTrip('tinytroupe-agents.json', presetMapping('tinytroupe'));
  });
});

describe('OASIS profiles', () => {
  test('Reddit JSON: persona + bio, username as id, demographics as meta', async () => {
    const { records } = await read('oasis-reddit.json', presetMapping('oasis'));
    expect(records.map((r) => r.id)).toEqual(['tibarra_cycles', 'priya_reads']);
    expect(records[0]!.text).toBe('Persona: Tomás is a thirty-eight-year-old bicycle mechanic in Bilbao who posts long threads about frame geometry and answers beginners\' questions patiently.\n\nBio: Bike mechanic, amateur historian of Basque cycling.');
    expect(records[1]!.meta).toMatchObject({ name: 'Priya Natarajan', age: '54', gender: 'female', country: 'GB', occupation: 'Librarian', mbti: 'INFJ', topics: 'Books; Education; Civil liberties' });
  });

  test('Twitter CSV: user_char + description; an empty row is skipped with its line', async () => {
    const { records, issues } = await read('oasis-twitter.csv', presetMapping('oasis'));
    expect(records.map((r) => r.id)).toEqual(['lenavogt', 'omarhaddad']);
    expect(records[0]!.text).toMatch(/^Persona: Lena is an urban planner/);
    expect(issues).toEqual([expect.objectContaining({ line: 4, outcome: 'skipped' })]);
  });

  test('preview suggests OASIS for both; round trips', async () => {
    for (const f of ['oasis-reddit.json', 'oasis-twitter.csv']) {
      expect((await previewPersonaFile(await fixture(f))).suggested.preset).toBe('oasis');
      await roundTrip(f, presetMapping('oasis'));
    }
  });
});

describe("this app's own persona JSONL and exports", () => {
  test('persona-align JSONL: ids, meta object and 1–5 traits as they are; the same as parsePersonaJsonl', async () => {
    const { records } = await read('persona-align.jsonl', presetMapping('persona-align'));
    const direct = parsePersonaJsonl(readFileSync(new URL('persona-align.jsonl', FIXTURES), 'utf8'));
    expect(records.map(({ source: _s, ...r }) => r)).toEqual(direct.map(({ source: _s, ...r }) => r));
    expect(records[2]!.traits).toBeUndefined();
    const p = await previewPersonaFile(await fixture('persona-align.jsonl'));
    expect(p.suggested.preset).toBe('persona-align');
    expect(p.suggested.mapping.metaObject).toBe('meta');
    await roundTrip('persona-align.jsonl', presetMapping('persona-align'));
  });

  test("the app's CSV export layout (flat traits, meta_json) reads back to the same personas", async () => {
    const { records } = await read('persona-align.jsonl', presetMapping('persona-align'));
    const withTraits = records.filter((r) => r.traits);
    const csv = Papa.unparse({
      fields: ['id', 'text', 'openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism', 'weight', 'meta_json'],
      data: withTraits.map((r) => [r.id, r.text, r.traits!.openness, r.traits!.conscientiousness, r.traits!.extraversion, r.traits!.agreeableness, r.traits!.neuroticism, 0.5, JSON.stringify(r.meta)]),
    });
    const back = await collectPersonaRecords(memorySource('final-set.csv', csv), { mapping: presetMapping('persona-align') });
    expect(back.records.map(({ source: _s, ...r }) => r)).toEqual(records.filter((r) => r.traits).map(({ source: _s, ...r }) => r));
  });
});

describe('generic files with trait scores', () => {
  const mapping: PersonaMapping = {
    preset: 'generic', text: [{ field: 'description' }], id: 'id', meta: { region: 'region' },
    traits: { fields: { openness: 'O', conscientiousness: 'C', extraversion: 'E', agreeableness: 'A', neuroticism: 'N' }, scale: '0-100' },
  };

  test('0–100 scores normalised to 1–5; a row with "n/a" is kept without traits and says why', async () => {
    const { records, issues, summary } = await read('generic-scores.tsv', mapping);
    expect(records[0]!.traits).toEqual({ openness: 4.2, conscientiousness: 3.6, extraversion: 2.6, agreeableness: 3.8, neuroticism: 1.8 });
    expect(records[2]!.traits).toBeUndefined();
    expect(issues).toEqual([{ file: 'generic-scores.tsv', line: 4, reason: 'trait openness ("O") "n/a" is not a number; kept without trait scores', outcome: 'kept' }]);
    expect(summary.withTraits).toBe(2);
    await roundTrip('generic-scores.tsv', mapping);
  });

  test('preview of a generic file guesses text, id and meta from names', async () => {
    const p = await previewPersonaFile(await fixture('generic-scores.tsv'));
    expect(p.suggested.preset).toBe('generic');
    expect(p.suggested.mapping).toMatchObject({ text: [{ field: 'description' }], id: 'id', meta: { region: 'region' } });
  });
});

test('mappingForFields drops what a file lacks and keeps alternatives that are present', () => {
  const m = mappingForFields('nemotron' as PersonaPresetId, ['uuid', 'persona', 'professional_persona', 'sex', 'province']);
  expect(m.text.map((p) => p.field)).toEqual(['persona', 'professional_persona']);
  expect(m.meta).toEqual({ gender: 'sex', region: 'province' });
  expect(m.id).toBe('uuid');
});
