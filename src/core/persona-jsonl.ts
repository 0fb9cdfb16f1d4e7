/**
 * Reads persona JSONL (one PersonaRecord per line), e.g. public/demo-personas/personas.jsonl, and
 * checks each record against the contract so a malformed line fails with its line number.
 */
import type { PersonaRecord, PersonaSource } from '../contracts/persona';
import { AppError } from './errors';
import { TRAITS, type TraitVector } from './traits';

export function parsePersonaJsonl(text: string, file = 'personas.jsonl'): PersonaRecord[] {
  const out: PersonaRecord[] = [];
  const ids = new Set<string>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const loc = { file, line: i + 1 };
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new AppError('FormatError', 'Not valid JSON; each line must hold one persona object.', loc);
    }
    const problem = personaProblem(value);
    if (problem) throw new AppError('FormatError', problem, loc);
    const record = value as PersonaRecord;
    if (ids.has(record.id)) throw new AppError('FormatError', `Duplicate persona id "${record.id}".`, loc);
    ids.add(record.id);
    out.push(record);
  });
  return out;
}

/** Why `value` is not a PersonaRecord, or null when it is. Checks the fields every stage relies on. */
export function personaProblem(value: unknown): string | null {
  if (!isObject(value)) return 'A persona must be a JSON object.';
  if (typeof value.id !== 'string' || value.id === '') return 'Missing "id" (a non-empty string).';
  if (typeof value.text !== 'string') return 'Missing "text" (the narrative).';
  const sourceProblem = sourceProblemOf(value.source);
  if (sourceProblem) return sourceProblem;
  if (!isObject(value.meta) || Object.values(value.meta).some((v) => typeof v !== 'string')) return '"meta" must be an object of strings.';
  if (value.traits !== undefined && !isTraitVector(value.traits)) {
    return `"traits" must have numbers from 1 to 5 for ${TRAITS.join(', ')}.`;
  }
  return null;
}

function sourceProblemOf(s: unknown): string | null {
  if (!isObject(s)) return 'Missing "source".';
  const str = (k: string): boolean => typeof s[k] === 'string';
  const kind = s.kind as PersonaSource['kind'];
  switch (kind) {
    case 'mined':
      return str('corpusId') && str('author') ? null : 'A mined source needs "corpusId" and "author".';
    case 'imported':
      return str('file') && str('format') && (s.sha256 === undefined || str('sha256')) ? null : 'An imported source needs "file" and "format".';
    case 'demo':
      return str('generator') && str('version') ? null : 'A demo source needs "generator" and "version".';
    default:
      return 'source.kind must be "mined", "imported" or "demo".';
  }
}

function isTraitVector(t: unknown): t is TraitVector {
  return isObject(t) && TRAITS.every((k) => typeof t[k] === 'number' && t[k] >= 1 && t[k] <= 5);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
