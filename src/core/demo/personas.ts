/**
 * Seeded generator of SYNTHETIC demo personas: lets a fresh install run Align → Target → Results
 * with no model and no download. Trait scores are the generator's latent values (see latent.ts),
 * carrying a deliberate LLM-like tilt that alignment is meant to remove; narratives are composed
 * from templates whose wording follows those values (narrative.ts). Nothing here is real data.
 *
 * Three independent RNG streams derive from the seed (traits, demographics, wording), so a pool
 * generated with another tilt shares the same latent draws and differs only by the tilt.
 */
import type { PersonaRecord } from '../../contracts/persona';
import { AGE_BANDS, type AgeBand } from '../../contracts/persona';
import { AppError } from '../errors';
import { Rng } from '../rng';
import { TRAITS, type Trait, type TraitVector } from '../traits';
import { LLM_TILT_SD, sampleLatentZ, traitsFromZ } from './latent';
import { composeNarrative, type Gender } from './narrative';
import { OCCUPATIONS } from './occupations';
import { REGIONS } from './places';

export const DEMO_GENERATOR = 'demo-personas';
/** Bump whenever output for a given seed changes (banks, sampling, rounding), and regenerate the shipped file. */
export const DEMO_GENERATOR_VERSION = '1';
export const DEMO_DEFAULT_N = 2000;
export const DEMO_DEFAULT_SEED = 20250912;

/** Age band shares of the demo pool. Illustrative: skewed young, as LLM persona sets tend to be. */
export const AGE_BAND_WEIGHTS: Record<AgeBand, number> = { '18-24': 0.15, '25-34': 0.27, '35-44': 0.23, '45-54': 0.18, '55+': 0.17 };
const AGE_RANGES: Record<AgeBand, [number, number]> = { '18-24': [18, 24], '25-34': [25, 34], '35-44': [35, 44], '45-54': [45, 54], '55+': [55, 79] };
export const GENDER_WEIGHTS: Record<Gender, number> = { woman: 0.49, man: 0.48, nonbinary: 0.03 };

export interface DemoPersonaOptions {
  /** Number of personas (1–100,000). Default 2,000. */
  n?: number;
  /** Unsigned 32-bit seed. Default DEMO_DEFAULT_SEED (the shipped file's seed). */
  seed?: number;
  /** Shift of each trait's latent z-score, in baseline SD units. Default LLM_TILT_SD; NO_TILT for the untilted pool. */
  tilt?: TraitVector;
}

export function generateDemoPersonas(options: DemoPersonaOptions = {}): PersonaRecord[] {
  const n = options.n ?? DEMO_DEFAULT_N;
  const seed = options.seed ?? DEMO_DEFAULT_SEED;
  const tilt = options.tilt ?? LLM_TILT_SD;
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new AppError('InputError', `Demo persona count must be an integer from 1 to 100,000; got ${n}.`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new AppError('InputError', `Seed must be an integer from 0 to 4294967295; got ${seed}.`);
  for (const t of TRAITS) {
    if (!Number.isFinite(tilt[t])) throw new AppError('InputError', `Tilt for ${t} must be a finite number of SDs.`);
  }

  const z = sampleLatentZ(new Rng(streamSeed(seed, 1)), n);
  const demoRng = new Rng(streamSeed(seed, 2));
  const textRng = new Rng(streamSeed(seed, 3));
  const width = Math.max(4, String(n).length);
  const source = { kind: 'demo', generator: DEMO_GENERATOR, version: DEMO_GENERATOR_VERSION } as const;

  return z.map((zi, i) => {
    const traits = traitsFromZ(zi, tilt);
    const region = weighted(demoRng, REGIONS.map((r) => [r, r.weight] as const));
    const country = pick(demoRng, region.countries);
    const city = pick(demoRng, country.cities);
    const ageBand = weighted(demoRng, AGE_BANDS.map((b) => [b, AGE_BAND_WEIGHTS[b]] as const));
    const [lo, hi] = AGE_RANGES[ageBand];
    const age = lo + demoRng.int(hi - lo + 1);
    const gender = weighted(demoRng, (Object.keys(GENDER_WEIGHTS) as Gender[]).map((g) => [g, GENDER_WEIGHTS[g]] as const));
    const occupation = pick(demoRng, OCCUPATIONS.filter((o) => age >= o.minAge && age <= o.maxAge));
    const names = gender === 'woman' ? country.names.women : gender === 'man' ? country.names.men : demoRng.next() < 0.5 ? country.names.women : country.names.men;
    const name = pick(demoRng, names);
    const text = composeNarrative({ name, gender, age, ageBand, occupation, city, country: country.name, region: region.name, traits }, textRng);
    return {
      id: `demo-${String(i + 1).padStart(width, '0')}`,
      source,
      text,
      meta: { region: region.name, country: country.code, city, ageBand, age: String(age), gender, occupation: occupation.title, name },
      traits,
    };
  });
}

/** One PersonaRecord per line, trailing newline; the exact bytes of the shipped personas.jsonl. */
export function personasToJsonl(records: readonly PersonaRecord[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

export interface TraitSummary {
  mean: TraitVector;
  sd: TraitVector;
}

/** Per-trait mean and (population) SD over the personas that have traits. */
export function summariseTraits(records: readonly PersonaRecord[]): TraitSummary {
  const rows = records.flatMap((r) => (r.traits ? [r.traits] : []));
  const mean = {} as Record<Trait, number>;
  const sd = {} as Record<Trait, number>;
  for (const t of TRAITS) {
    const m = rows.reduce((s, r) => s + r[t], 0) / rows.length;
    mean[t] = m;
    sd[t] = Math.sqrt(rows.reduce((s, r) => s + (r[t] - m) ** 2, 0) / rows.length);
  }
  return { mean, sd };
}

/** Distinct, well-mixed seed per stream (splitmix32 finaliser of seed + stream·golden ratio). */
function streamSeed(seed: number, stream: number): number {
  let z = (seed + Math.imul(stream, 0x9e3779b9)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new AppError('InputError', 'Demo generator has an empty choice list.');
  return items[rng.int(items.length)]!;
}

function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let u = rng.next() * total;
  for (const [item, w] of items) {
    u -= w;
    if (u < 0) return item;
  }
  return items[items.length - 1]![0];
}
