/**
 * Composes a demo persona's third-person narrative from the sentence banks: intro (name, age,
 * occupation, city, country, region), work, one sentence per trait at the persona's level, a
 * communication-style sentence, an optional household sentence and a life-stage closing. The
 * middle blocks are shuffled so narratives do not all share one skeleton.
 */
import { TRAITS, type Trait, type TraitVector } from '../traits';
import type { Rng } from '../rng';
import { baselineZ } from './latent';
import { article, type Occupation } from './occupations';
import { COMMUNICATION, HOUSEHOLDS, INTERESTS, INTROS, LIFE_STAGE, TRAIT_SENTENCES, WORK, type Level } from './phrases';

/** |z| against the untilted baseline beyond which wording turns low/high. */
export const LEVEL_Z = 0.5;
/** Probability of a household sentence (kept below 1 to vary length and stay within the size budget). */
export const HOUSEHOLD_PROBABILITY = 0.4;

export type Gender = 'woman' | 'man' | 'nonbinary';

export interface NarrativeInput {
  name: string;
  gender: Gender;
  age: number;
  ageBand: string;
  occupation: Occupation;
  city: string;
  country: string;
  region: string;
  traits: TraitVector;
}

export function traitLevel(trait: Trait, score: number): Level {
  const z = baselineZ(trait, score);
  return z < -LEVEL_Z ? 'low' : z > LEVEL_Z ? 'high' : 'mid';
}

const PRONOUNS: Record<Gender, { sub: string; obj: string; pos: string; refl: string; plural: boolean }> = {
  woman: { sub: 'she', obj: 'her', pos: 'her', refl: 'herself', plural: false },
  man: { sub: 'he', obj: 'him', pos: 'his', refl: 'himself', plural: false },
  nonbinary: { sub: 'they', obj: 'them', pos: 'their', refl: 'themself', plural: true },
};

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Fills one template. Unknown {slots} throw, so a typo in a bank fails the tests instead of shipping. */
export function fill(template: string, slots: Record<string, string>, plural: boolean): string {
  return template
    .replace(/\[([^|\]]*)\|([^\]]*)\]/g, (_m, sing: string, plur: string) => (plural ? plur : sing))
    .replace(/\{(\w+)\}/g, (_m, key: string) => {
      const v = slots[key];
      if (v === undefined) throw new Error(`Unknown slot {${key}} in demo template: ${template}`);
      return v;
    });
}

export function composeNarrative(input: NarrativeInput, rng: Rng): string {
  const p = PRONOUNS[input.gender];
  const level = Object.fromEntries(TRAITS.map((t) => [t, traitLevel(t, input.traits[t])])) as Record<Trait, Level>;
  const interests = rng.shuffle([...INTERESTS[level.openness]]);
  const slots: Record<string, string> = {
    name: input.name,
    sub: p.sub,
    Sub: capitalise(p.sub),
    obj: p.obj,
    pos: p.pos,
    Pos: capitalise(p.pos),
    refl: p.refl,
    age: String(input.age),
    occ: input.occupation.title,
    a_occ: `${article(input.occupation.title)} ${input.occupation.title}`,
    place: pick(rng, input.occupation.places),
    task: pick(rng, input.occupation.tasks),
    city: input.city,
    country: input.country,
    region: input.region,
    i1: interests[0]!,
    i2: interests[1]!,
  };

  const blocks: string[][] = [
    [pick(rng, TRAIT_SENTENCES.openness[level.openness])],
    [pick(rng, TRAIT_SENTENCES.conscientiousness[level.conscientiousness])],
    // Social behaviour and communication style read as one block.
    [pick(rng, TRAIT_SENTENCES.extraversion[level.extraversion]), pick(rng, COMMUNICATION[level.extraversion])],
    [pick(rng, TRAIT_SENTENCES.agreeableness[level.agreeableness])],
    [pick(rng, TRAIT_SENTENCES.neuroticism[level.neuroticism])],
  ];
  const households = HOUSEHOLDS.filter((h) => input.age >= h.minAge && input.age <= h.maxAge);
  if (households.length > 0 && rng.next() < HOUSEHOLD_PROBABILITY) blocks.push([pick(rng, households).text]);
  rng.shuffle(blocks);

  const stage = LIFE_STAGE[input.ageBand];
  const sentences = [pick(rng, INTROS), pick(rng, WORK), ...blocks.flat(), ...(stage ? [pick(rng, stage)] : [])];
  return sentences.map((s) => fill(s, slots, p.plural)).join(' ');
}
