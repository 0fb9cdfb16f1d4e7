import { describe, expect, it } from 'vitest';
import { AGE_BANDS } from '../../../src/contracts/persona';
import { isAppError } from '../../../src/core/errors';
import { TRAITS } from '../../../src/core/traits';
import { BASELINE_CORRELATION, LLM_TILT_SD, NO_TILT } from '../../../src/core/demo/latent';
import { traitLevel } from '../../../src/core/demo/narrative';
import { OCCUPATIONS } from '../../../src/core/demo/occupations';
import { REGIONS } from '../../../src/core/demo/places';
import {
  DEMO_GENERATOR,
  DEMO_GENERATOR_VERSION,
  generateDemoPersonas,
  personasToJsonl,
  summariseTraits,
} from '../../../src/core/demo/personas';

const pool = generateDemoPersonas();
const untilted = generateDemoPersonas({ tilt: NO_TILT });

describe('generateDemoPersonas', () => {
  it('is deterministic in the seed and changes with it', () => {
    expect(personasToJsonl(generateDemoPersonas({ n: 300, seed: 7 }))).toBe(personasToJsonl(generateDemoPersonas({ n: 300, seed: 7 })));
    expect(personasToJsonl(generateDemoPersonas({ n: 300, seed: 8 }))).not.toBe(personasToJsonl(generateDemoPersonas({ n: 300, seed: 7 })));
  });

  it('returns n demo records with unique ids, meta and traits in [1, 5]', () => {
    expect(pool).toHaveLength(2000);
    expect(generateDemoPersonas({ n: 17, seed: 1 })).toHaveLength(17);
    expect(new Set(pool.map((p) => p.id)).size).toBe(pool.length);
    const regions = new Set(REGIONS.map((r) => r.name));
    for (const p of pool) {
      expect(p.source).toEqual({ kind: 'demo', generator: DEMO_GENERATOR, version: DEMO_GENERATOR_VERSION });
      expect(regions.has(p.meta.region!)).toBe(true);
      expect(p.meta.country).toMatch(/^[A-Z]{2}$/);
      expect(AGE_BANDS).toContain(p.meta.ageBand);
      expect(['woman', 'man', 'nonbinary']).toContain(p.meta.gender);
      expect(p.meta.occupation).toBeTruthy();
      expect(p.traits).toBeDefined();
      for (const t of TRAITS) {
        const v = p.traits![t];
        expect(v).toBeGreaterThanOrEqual(1);
        expect(v).toBeLessThanOrEqual(5);
      }
    }
  });

  it('keeps ages inside their band and occupations inside their age range', () => {
    const occ = new Map(OCCUPATIONS.map((o) => [o.title, o]));
    for (const p of pool) {
      const age = Number(p.meta.age);
      const band = p.meta.ageBand!;
      const [lo, hi] = band === '55+' ? [55, 120] : band.split('-').map(Number);
      expect(age).toBeGreaterThanOrEqual(lo!);
      expect(age).toBeLessThanOrEqual(hi!);
      const o = occ.get(p.meta.occupation!)!;
      expect(age).toBeGreaterThanOrEqual(o.minAge);
      expect(age).toBeLessThanOrEqual(o.maxAge);
    }
  });

  it('covers every region and age band', () => {
    for (const r of REGIONS) expect(pool.some((p) => p.meta.region === r.name)).toBe(true);
    for (const b of AGE_BANDS) expect(pool.some((p) => p.meta.ageBand === b)).toBe(true);
  });

  it('carries the configured tilt relative to the untilted pool from the same seed', () => {
    const a = summariseTraits(pool);
    const b = summariseTraits(untilted);
    for (const t of TRAITS) {
      const shift = (a.mean[t] - b.mean[t]) / b.sd[t];
      // Clamping at 1 and 5 can only shrink the shift a little.
      expect(Math.abs(shift)).toBeLessThanOrEqual(Math.abs(LLM_TILT_SD[t]) + 0.01);
      expect(Math.abs(shift)).toBeGreaterThan(Math.abs(LLM_TILT_SD[t]) - 0.05);
      expect(Math.sign(shift)).toBe(Math.sign(LLM_TILT_SD[t]));
    }
    expect(a.mean.extraversion - b.mean.extraversion).toBeGreaterThan(0.3);
    expect(a.mean.agreeableness - b.mean.agreeableness).toBeGreaterThan(0.2);
    expect(a.mean.neuroticism - b.mean.neuroticism).toBeLessThan(-0.4);
  });

  it('reproduces the baseline correlations in the untilted pool', () => {
    const rows = untilted.map((p) => TRAITS.map((t) => p.traits![t]));
    const mean = TRAITS.map((_, k) => rows.reduce((s, r) => s + r[k]!, 0) / rows.length);
    const cov = (i: number, j: number): number => rows.reduce((s, r) => s + (r[i]! - mean[i]!) * (r[j]! - mean[j]!), 0) / rows.length;
    for (let i = 0; i < 5; i++) {
      for (let j = 0; j < i; j++) {
        const r = cov(i, j) / Math.sqrt(cov(i, i) * cov(j, j));
        expect(Math.abs(r - BASELINE_CORRELATION[i]![j]!)).toBeLessThan(0.07);
      }
    }
  });

  it('rejects bad options with InputError', () => {
    for (const opts of [{ n: 0 }, { n: 1.5 }, { seed: -1 }, { seed: 2 ** 32 }, { tilt: { ...NO_TILT, openness: Number.NaN } }]) {
      let caught: unknown;
      try {
        generateDemoPersonas(opts);
      } catch (e) {
        caught = e;
      }
      expect(isAppError(caught, 'InputError')).toBe(true);
    }
  });
});

describe('demo narratives', () => {
  it('are third-person, 120–250 words, and all distinct', () => {
    for (const p of pool) {
      const words = p.text.split(/\s+/).length;
      expect(words).toBeGreaterThanOrEqual(120);
      expect(words).toBeLessThanOrEqual(250);
      expect(p.text).not.toMatch(/\b(I|I'm|my|me)\b/);
      expect(p.text).not.toMatch(/[{}[\]]/);
      expect(p.text.startsWith(p.meta.name!) || p.text.includes(` ${p.meta.name!} `) || p.text.includes(`${p.meta.name!},`)).toBe(true);
    }
    expect(new Set(pool.map((p) => p.text)).size).toBe(pool.length);
  });

  it('do not look cloned: few narratives share the same opening sentences', () => {
    const skeleton = (t: string): string => t.split('. ').slice(1, 4).join('. ');
    const counts = new Map<string, number>();
    for (const p of pool) counts.set(skeleton(p.text), (counts.get(skeleton(p.text)) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(3);
  });

  it('mention region, age and occupation so queries can retrieve them', () => {
    for (const p of pool) {
      expect(p.text).toContain(p.meta.region!);
      expect(p.text).toContain(p.meta.age!);
      expect(p.text).toContain(p.meta.occupation!);
      expect(p.text).toContain(p.meta.city!);
    }
  });

  it('use pronouns matching gender, with plural verbs for singular they', () => {
    for (const p of pool) {
      if (p.meta.gender === 'woman') expect(p.text).not.toMatch(/\b(he|him|his)\b/i);
      if (p.meta.gender === 'man') expect(p.text).not.toMatch(/\b(she|her|hers)\b/i);
      if (p.meta.gender === 'nonbinary') expect(p.text).not.toMatch(/\bthey (is|has|does|likes|loves|prefers)\b/i);
    }
  });

  it('word extraversion so a lexical check separates high-E from low-E personas', () => {
    const high = /outgoing|talkative|sociable|lively|crowd|energised by people|social plans|life of the party|speaks readily|speaks up first|expressive|group chats light up/g;
    const low = /reserved|solitude|introverted|alone with a book|crowds drain|exhausting|soft-spoken|listens? more than|rarely starts|written messages|small circle|one-to-one/g;
    const score = (text: string): number => (text.match(high)?.length ?? 0) - (text.match(low)?.length ?? 0);
    const hi = pool.filter((p) => traitLevel('extraversion', p.traits!.extraversion) === 'high');
    const lo = pool.filter((p) => traitLevel('extraversion', p.traits!.extraversion) === 'low');
    expect(hi.length).toBeGreaterThan(100);
    expect(lo.length).toBeGreaterThan(100);
    expect(hi.filter((p) => score(p.text) > 0).length / hi.length).toBeGreaterThan(0.95);
    expect(lo.filter((p) => score(p.text) < 0).length / lo.length).toBeGreaterThan(0.95);
    // And by raw score: the most extraverted quarter reads more extraverted than the least.
    const sorted = [...pool].sort((a, b) => a.traits!.extraversion - b.traits!.extraversion);
    const q = Math.floor(pool.length / 4);
    const meanScore = (ps: typeof pool): number => ps.reduce((s, p) => s + score(p.text), 0) / ps.length;
    expect(meanScore(sorted.slice(-q))).toBeGreaterThan(meanScore(sorted.slice(0, q)) + 2);
  });

  it('word the other traits by level too', () => {
    const cues = {
      openness: [/curious|imaginative|experimenting|novelty|fascinate/i, /prefers the familiar|traditional|little patience for abstract|trends pass|rarely interest/i],
      conscientiousness: [/\borganised|planner|double-check|disciplined|lists for almost|plans each|plan each/i, /disorganised|sneak up|rarely plans?|improvised|procrastinating/i],
      agreeableness: [/warm, trusting|avoids? conflict|kind and cooperative|harmony and compassion|patient and considerate/i, /blunt and sceptical|argues?|competitive and critical|compromise|distrusts/i],
      neuroticism: [/worries a great|easily stressed|anxiety is|emotionally sensitive|stings/i, /calm and emotionally|little rattles|even-tempered|unflappable|resilient/i],
    } as const;
    for (const [trait, [highCue, lowCue]] of Object.entries(cues) as [keyof typeof cues, readonly [RegExp, RegExp]][]) {
      const hi = pool.filter((p) => traitLevel(trait, p.traits![trait]) === 'high');
      const lo = pool.filter((p) => traitLevel(trait, p.traits![trait]) === 'low');
      const rate = (ps: typeof pool, re: RegExp): number => ps.filter((p) => re.test(p.text)).length / ps.length;
      expect(rate(hi, highCue), `${trait} high cue`).toBeGreaterThan(0.9);
      expect(rate(lo, highCue), `${trait} high cue in low`).toBeLessThan(0.1);
      expect(rate(lo, lowCue), `${trait} low cue`).toBeGreaterThan(0.9);
      expect(rate(hi, lowCue), `${trait} low cue in high`).toBeLessThan(0.1);
    }
  });
});
