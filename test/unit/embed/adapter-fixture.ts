/**
 * Generated personas whose group membership is known (src/core/demo, seeded) embedded with the
 * lexical embedder, and template queries over region × age band ("someone living in East Asia
 * aged 25-34") whose positives are exactly that group's personas. Shared by the adapter tests.
 */
import type { AdapterTrainInput } from '../../../src/contracts/adapter';
import { AGE_BANDS } from '../../../src/contracts/persona';
import { generateDemoPersonas } from '../../../src/core/demo/personas';
import { LexicalEmbedder } from '../../../src/core/embed/lexical';

const TEMPLATES = [
  'someone living in {region} aged {band}',
  'a person from {region} between {lo} and {hi} years old',
  'people aged {band} in {region}',
  '{region} residents, age {band}',
  'an adult of {band} based in {region}',
];

export function groupFixture(options: { n?: number; seed?: number; svdDims?: number } = {}): AdapterTrainInput & { groups: string[] } {
  const personas = generateDemoPersonas({ n: options.n ?? 600, seed: options.seed ?? 11 });
  const e = new LexicalEmbedder({ svdDims: options.svdDims ?? 96 }).fit(personas.map((p) => p.text));
  const pv = e.embed(personas.map((p) => p.text));
  const regions = [...new Set(personas.map((p) => String(p.meta.region)))].sort();
  const texts: string[] = [];
  const positives: number[][] = [];
  const groups: string[] = [];
  for (const region of regions) {
    for (const band of AGE_BANDS) {
      const members = personas.flatMap((p, i) => (p.meta.region === region && p.meta.ageBand === band ? [i] : []));
      if (members.length === 0) continue;
      const [lo, hi] = band === '55+' ? ['55', '79'] : band.split('-');
      for (const t of TEMPLATES) {
        texts.push(t.replace('{region}', region).replace('{band}', band).replace('{lo}', lo as string).replace('{hi}', hi as string));
        positives.push(members);
        groups.push(`${region} ${band}`);
      }
    }
  }
  const qv = e.embed(texts, { signal: undefined });
  return { personas: pv.vectors, n: pv.n, queries: qv.vectors, q: qv.n, dim: pv.dim, baseModelId: pv.modelId, positives, groups };
}
