import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/core/errors';
import { parsePersonaJsonl, personaProblem } from '../../../src/core/persona-jsonl';
import { generateDemoPersonas, personasToJsonl } from '../../../src/core/demo/personas';

const good = generateDemoPersonas({ n: 3, seed: 5 });

function formatErrorLine(text: string): number | undefined {
  try {
    parsePersonaJsonl(text, 'x.jsonl');
  } catch (e) {
    if (isAppError(e, 'FormatError')) return (e as { location?: { line?: number } }).location?.line;
    throw e;
  }
  return undefined;
}

describe('parsePersonaJsonl', () => {
  it('round-trips generated personas', () => {
    expect(parsePersonaJsonl(personasToJsonl(good))).toEqual(good);
  });

  it('accepts mined and imported sources and records without traits', () => {
    const mined = { id: 'a', source: { kind: 'mined', corpusId: 'c', author: '42' }, text: 't', meta: {} };
    const imported = { id: 'b', source: { kind: 'imported', file: 'p.csv', format: 'csv', sha256: 'ab' }, text: 't', meta: { region: 'Europe' } };
    expect(parsePersonaJsonl([mined, imported].map((r) => JSON.stringify(r)).join('\n'))).toHaveLength(2);
  });

  it('reports the line of a malformed record', () => {
    const lines = personasToJsonl(good).trimEnd().split('\n');
    expect(formatErrorLine([lines[0], '{not json', lines[1]].join('\n'))).toBe(2);
    expect(formatErrorLine([lines[0], lines[1], lines[0]].join('\n'))).toBe(3); // duplicate id
    const bad = { ...good[0]!, traits: { ...good[0]!.traits!, neuroticism: 6 } };
    expect(formatErrorLine([lines[0], lines[1], JSON.stringify({ ...bad, id: 'z' })].join('\n'))).toBe(3);
  });

  it('names the problem', () => {
    expect(personaProblem([])).toMatch(/object/);
    expect(personaProblem({ id: 'x', text: 't', meta: {}, source: { kind: 'web' } })).toMatch(/source.kind/);
    expect(personaProblem({ id: 'x', text: 't', meta: { age: 3 }, source: { kind: 'demo', generator: 'g', version: '1' } })).toMatch(/meta/);
  });
});
