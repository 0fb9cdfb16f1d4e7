/**
 * Generated persona files for the persona-import browser tests: this app's own JSONL layout
 * (id, text, meta, traits on 1–5), seeded, built in chunks so 10^5 personas never form one string.
 */
import { Rng } from '../../../src/core/rng';
import { TRAITS } from '../../../src/core/traits';

const REGIONS = ['North America', 'Europe', 'East Asia', 'South Asia', 'Latin America'];
const JOBS = ['nurse', 'welder', 'teacher', 'accountant', 'farmer', 'programmer', 'chef', 'driver'];

export interface GenPersona {
  id: string;
  text: string;
  region: string;
  traits: Record<string, number>;
}

export function genPersona(i: number, rng: Rng): GenPersona {
  const job = JOBS[rng.int(JOBS.length)]!;
  const region = REGIONS[rng.int(REGIONS.length)]!;
  const traits = Object.fromEntries(TRAITS.map((t) => [t, Math.round((1 + 4 * rng.next()) * 100) / 100]));
  return {
    id: `g-${i}`,
    text: `Person ${i} works as a ${job} in ${region}. They enjoy long walks after work, cook for their friends on weekends and keep a small notebook of ideas for later.`,
    region,
    traits,
  };
}

export function jsonlLine(p: GenPersona, withTraits = true): string {
  return JSON.stringify({ id: p.id, text: p.text, meta: { region: p.region }, ...(withTraits ? { traits: p.traits } : {}) }) + '\n';
}

/** A JSONL File of n generated personas (every `noTraitsEvery`-th without trait scores). */
export function personaFile(n: number, seed: number, name = 'personas.jsonl', noTraitsEvery = 0): { file: File; personas: GenPersona[] | undefined; withTraits: number } {
  const rng = new Rng(seed);
  const parts: string[] = [];
  let chunk = '';
  let withTraits = 0;
  const keep = n <= 1000 ? ([] as GenPersona[]) : undefined;
  for (let i = 0; i < n; i++) {
    const p = genPersona(i, rng);
    keep?.push(p);
    const traits = !(noTraitsEvery > 0 && i % noTraitsEvery === 0);
    if (traits) withTraits++;
    chunk += jsonlLine(p, traits);
    if (chunk.length > 1 << 20) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return { file: new File(parts, name, { type: 'application/x-ndjson' }), personas: keep, withTraits };
}
