import { readFileSync } from 'node:fs';
import type { PersonaRecord } from '../../../src/contracts/persona';
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';
import { builtinEntry, sampleBuiltin, validateBuiltinReference } from '../../../src/core/reference/builtin';
import type { TargetReference } from '../../../src/core/target/build';

export const DEMO_PATH = new URL('../../../public/demo-personas/personas.jsonl', import.meta.url);
export const BUILTIN_PATH = new URL('../../../public/reference/builtin-reference.json', import.meta.url);

export function demoPersonas(): PersonaRecord[] {
  return parsePersonaJsonl(readFileSync(DEMO_PATH, 'utf8'));
}

/** A seeded sample of a built-in reference entry (the region presets share their ids). */
export function builtinReference(entryId: string, n = 1000, seed = 11): TargetReference {
  const ref = validateBuiltinReference(JSON.parse(readFileSync(BUILTIN_PATH, 'utf8')) as unknown);
  const s = sampleBuiltin(builtinEntry(ref, entryId), n, seed);
  return { name: `builtin:${entryId}`, cloud: s.cloud, label: 'approximate', details: { entryId, n, seed }, notes: [s.note] };
}
