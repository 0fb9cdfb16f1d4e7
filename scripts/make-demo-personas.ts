/**
 * Writes the shipped synthetic demo persona set:
 *   public/demo-personas/personas.jsonl   one PersonaRecord per line
 *   public/demo-personas/manifest.json    generator, version, seed, n, tilt, sha256, measured means/SDs
 *   public/demo-personas/README.md        what the set is and is not
 *
 *   npx tsx scripts/make-demo-personas.ts [--seed 20250912] [--n 2000] [--out public/demo-personas]
 *
 * test/unit/demo/shipped.test.ts regenerates from the manifest's seed and n and compares bytes,
 * so rerun this after any change to src/core/demo and commit the three files together.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TRAITS, TRAIT_LABELS, type TraitVector } from '../src/core/traits';
import { REGIONS } from '../src/core/demo/places';
import { BASELINE_CORRELATION, BASELINE_MEAN, BASELINE_SD, LLM_TILT_SD, NO_TILT } from '../src/core/demo/latent';
import {
  DEMO_DEFAULT_N,
  DEMO_DEFAULT_SEED,
  DEMO_GENERATOR,
  DEMO_GENERATOR_VERSION,
  generateDemoPersonas,
  personasToJsonl,
  summariseTraits,
  type TraitSummary,
} from '../src/core/demo/personas';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seed = Number(arg('seed') ?? DEMO_DEFAULT_SEED);
const n = Number(arg('n') ?? DEMO_DEFAULT_N);
const outDir = resolve(root, arg('out') ?? 'public/demo-personas');

const records = generateDemoPersonas({ n, seed });
const jsonl = personasToJsonl(records);
const bytes = Buffer.byteLength(jsonl);
const words = records.map((r) => r.text.split(/\s+/).length);
const sha256 = createHash('sha256').update(jsonl).digest('hex');
// The untilted pool shares the latent draws (same seed), so the difference is the tilt alone (less clamping).
const tilted = summariseTraits(records);
const untilted = summariseTraits(generateDemoPersonas({ n, seed, tilt: NO_TILT }));

const round = (v: TraitVector, d = 3): TraitVector =>
  Object.fromEntries(TRAITS.map((t) => [t, Number(v[t].toFixed(d))])) as TraitVector;
const shiftSd = (a: TraitSummary, b: TraitSummary): TraitVector =>
  Object.fromEntries(TRAITS.map((t) => [t, (a.mean[t] - b.mean[t]) / b.sd[t]])) as TraitVector;

const manifest = {
  synthetic: true,
  description: 'Synthetic demo personas written by a seeded template generator. Not real people; trait scores are latent generator values, not measurements.',
  generator: DEMO_GENERATOR,
  version: DEMO_GENERATOR_VERSION,
  seed,
  n,
  file: 'personas.jsonl',
  bytes,
  sha256,
  tiltSd: LLM_TILT_SD,
  baseline: { mean: BASELINE_MEAN, sd: BASELINE_SD, correlation: BASELINE_CORRELATION, note: 'illustrative, not fitted to data' },
  measured: {
    tilted: { mean: round(tilted.mean), sd: round(tilted.sd) },
    untilted: { mean: round(untilted.mean), sd: round(untilted.sd) },
    shiftSd: round(shiftSd(tilted, untilted), 2),
  },
  command: 'npx tsx scripts/make-demo-personas.ts',
};

const tiltRows = TRAITS.map((t) => {
  const sign = (x: number): string => (x >= 0 ? `+${x.toFixed(2)}` : x.toFixed(2));
  return `| ${TRAIT_LABELS[t]} | ${sign(LLM_TILT_SD[t])} | ${untilted.mean[t].toFixed(2)} ± ${untilted.sd[t].toFixed(2)} | ${tilted.mean[t].toFixed(2)} ± ${tilted.sd[t].toFixed(2)} | ${sign(manifest.measured.shiftSd[t])} |`;
}).join('\n');

const readme = `# Demo personas (synthetic)

**These personas are synthetic.** They were written for this project by a seeded template
generator (\`src/core/demo/\`, version ${DEMO_GENERATOR_VERSION}, seed ${seed}); they describe no real person
and were not produced by a language model or mined from any corpus. They exist so a fresh install
can run Align → Target → Results with no model and no download, e.g. in a classroom.

- \`personas.jsonl\`: ${n} PersonaRecords (\`src/contracts/persona.ts\`), \`source.kind = "demo"\`,
  ${(bytes / 1e6).toFixed(2)} MB, sha256 \`${sha256}\`.
- \`manifest.json\`: generator, version, seed, n, tilt, checksum and the measured means/SDs below.
- Regenerate with \`npx tsx scripts/make-demo-personas.ts\`; a unit test fails if this file drifts
  from the generator.

## What the trait scores are

\`traits\` holds Big Five mean scores on the 1–5 scale (canonical order openness,
conscientiousness, extraversion, agreeableness, neuroticism). They are the generator's **latent
values, not measurements**: no questionnaire was answered. They are drawn from a multivariate normal
whose means, SDs and inter-trait correlations are illustrative (chosen to lie in published ranges,
not fitted to data), then clamped to [1, 5] and rounded to 2 decimals. Traits are drawn
independently of region, age, gender and occupation, which real populations are not.

## Deliberate tilt

The pool leans the way LLM-written persona sets tend to: too open, conscientious, extraverted,
agreeable and emotionally stable. The tilt is added to each latent z-score in baseline SD units
(constants \`TILT_*_SD\` in \`src/core/demo/latent.ts\`). Measured on this file against the untilted
pool from the same seed (same latent draws, tilt 0):

| trait | configured tilt (SD) | untilted mean ± SD | shipped mean ± SD | measured shift (untilted SDs) |
|---|---|---|---|---|
${tiltRows}

Alignment (IS, OT) against a human reference should remove this tilt; the demo set is there to show
that happening.

## What the narratives are

Third-person narratives of ${Math.min(...words)}–${Math.max(...words)} words (mean ${Math.round(words.reduce((a, b) => a + b, 0) / n)}) composed from sentence banks
(\`src/core/demo/phrases.ts\`): name, age, occupation, city, country and region first, then work,
interests, habits, social behaviour, communication style, values, emotional life and life stage.
Each trait sentence is picked from a low/mid/high bank according to the persona's latent score
(more than 0.5 baseline SD from the untilted mean counts as high or low), so the text agrees with
the traits. Names are common given names of each country's language; regions and country shares
(${REGIONS.map((r) => `${r.name} ${Math.round(r.weight * 100)}%`).join(', ')})
and age bands are illustrative, not census figures.
`;

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'personas.jsonl'), jsonl);
writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
writeFileSync(join(outDir, 'README.md'), readme);
console.log(`Wrote ${n} personas (${(bytes / 1e6).toFixed(2)} MB, sha256 ${sha256.slice(0, 12)}…) to ${outDir}`);
console.log('trait | untilted mean±sd | shipped mean±sd | shift (SD)');
for (const t of TRAITS) {
  console.log(`${t} | ${untilted.mean[t].toFixed(3)}±${untilted.sd[t].toFixed(3)} | ${tilted.mean[t].toFixed(3)}±${tilted.sd[t].toFixed(3)} | ${manifest.measured.shiftSd[t]}`);
}
