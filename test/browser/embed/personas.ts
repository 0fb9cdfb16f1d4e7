/** The shipped demo personas (synthetic) as {id, text}, for the embedding browser tests. */
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';
import type { PersonaText } from '../../../src/storage/embedding-store';

export async function demoPersonas(n: number): Promise<PersonaText[]> {
  const text = await (await fetch('/demo-personas/personas.jsonl')).text();
  return parsePersonaJsonl(text).slice(0, n).map((p) => ({ id: p.id, text: p.text }));
}
