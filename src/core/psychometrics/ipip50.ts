/**
 * The IPIP Big-Five Factor Markers, 50-item version (Goldberg, 1992), public domain.
 *
 * Sources checked item by item:
 * - Scoring key: International Personality Item Pool, "Big-Five Factor Markers",
 *   https://ipip.ori.org/newBigFive5broadKey.htm (10-item scales, "+ keyed" / "– keyed" lists for
 *   Factor I Extraversion, II Agreeableness, III Conscientiousness, IV Emotional Stability,
 *   V Intellect/Imagination).
 * - Questionnaire order 1…50: https://ipip.ori.org/New_IPIP-50-item-scale.htm (item n belongs to
 *   factor ((n − 1) mod 5) + 1: I, II, III, IV, V, I, …).
 * - Item codes and wording as used in the Open Psychometrics IPIP-FFM data set (`data-final.csv`,
 *   codebook.txt shipped with it, 2016–2018 collection): EXT1…EXT10, EST1…EST10, AGR1…AGR10,
 *   CSN1…CSN10, OPN1…OPN10, in that column order; wording differs from the ipip.ori.org
 *   questionnaire only in small ways (e.g. CSN8 "I shirk my duties" = item 38 "Shirk my duties";
 *   CSN2 "I leave my belongings around").
 * How it was checked (offline, 2026-11): the stored copy of the key page showed Factors I and II
 * in full; Factors III–V were checked against a verbatim copy of the key's "+ keyed" / "– keyed"
 * lists and against the 50-item questionnaire order. test/unit/psychometrics/ipip50.test.ts pins
 * all 50 signs from a table typed from the key.
 *
 * The file calls Factor IV "EST" (emotional stability), but its items are worded both ways: EST1
 * "I get stressed out easily" is "– keyed" for stability, i.e. + keyed for neuroticism. Here every
 * item carries the published key of its IPIP factor (`ipipKeying`) AND the key towards the app's
 * canonical trait (`keying`); for Factor IV the two have opposite signs, so scores come out in the
 * neuroticism direction and stability is never reported under the neuroticism name.
 */
import { TRAITS, type Trait } from '../traits';

/** IPIP factor numbering as published: I Extraversion … V Intellect/Imagination. */
export type IpipFactor = 'I' | 'II' | 'III' | 'IV' | 'V';
export type Keying = 1 | -1;

export interface IpipItem {
  /** Open Psychometrics IPIP-FFM column name, e.g. "EST1". */
  readonly code: string;
  /** Position 1…50 in the ipip.ori.org 50-item questionnaire. */
  readonly ipipNumber: number;
  readonly text: string;
  readonly ipipFactor: IpipFactor;
  /** The published key for the IPIP factor (+1 "+ keyed", −1 "– keyed"); Factor IV is stability. */
  readonly ipipKeying: Keying;
  /** Canonical trait this item scores. */
  readonly trait: Trait;
  /** Key towards the canonical trait: −1 items are reverse-scored (6 − x). */
  readonly keying: Keying;
}

export const LIKERT_MIN = 1;
export const LIKERT_MAX = 5;

const FACTOR_TRAIT: Record<IpipFactor, Trait> = {
  I: 'extraversion',
  II: 'agreeableness',
  III: 'conscientiousness',
  IV: 'neuroticism', // the published key measures stability; see `keying` below
  V: 'openness',
};
const PREFIX_FACTOR: Record<string, IpipFactor> = { EXT: 'I', AGR: 'II', CSN: 'III', EST: 'IV', OPN: 'V' };
const FACTOR_OFFSET: Record<IpipFactor, number> = { I: 1, II: 2, III: 3, IV: 4, V: 5 };

/** [code, published key for the IPIP factor, text as in the IPIP-FFM codebook]. */
const RAW: ReadonlyArray<readonly [string, Keying, string]> = [
  ['EXT1', 1, 'I am the life of the party.'],
  ['EXT2', -1, "I don't talk a lot."],
  ['EXT3', 1, 'I feel comfortable around people.'],
  ['EXT4', -1, 'I keep in the background.'],
  ['EXT5', 1, 'I start conversations.'],
  ['EXT6', -1, 'I have little to say.'],
  ['EXT7', 1, 'I talk to a lot of different people at parties.'],
  ['EXT8', -1, "I don't like to draw attention to myself."],
  ['EXT9', 1, "I don't mind being the center of attention."],
  ['EXT10', -1, 'I am quiet around strangers.'],
  // Emotional Stability key: only "relaxed" and "seldom feel blue" are + keyed for stability.
  ['EST1', -1, 'I get stressed out easily.'],
  ['EST2', 1, 'I am relaxed most of the time.'],
  ['EST3', -1, 'I worry about things.'],
  ['EST4', 1, 'I seldom feel blue.'],
  ['EST5', -1, 'I am easily disturbed.'],
  ['EST6', -1, 'I get upset easily.'],
  ['EST7', -1, 'I change my mood a lot.'],
  ['EST8', -1, 'I have frequent mood swings.'],
  ['EST9', -1, 'I get irritated easily.'],
  ['EST10', -1, 'I often feel blue.'],
  ['AGR1', -1, 'I feel little concern for others.'],
  ['AGR2', 1, 'I am interested in people.'],
  ['AGR3', -1, 'I insult people.'],
  ['AGR4', 1, "I sympathize with others' feelings."],
  ['AGR5', -1, "I am not interested in other people's problems."],
  ['AGR6', 1, 'I have a soft heart.'],
  ['AGR7', -1, 'I am not really interested in others.'],
  ['AGR8', 1, 'I take time out for others.'],
  ['AGR9', 1, "I feel others' emotions."],
  ['AGR10', 1, 'I make people feel at ease.'],
  ['CSN1', 1, 'I am always prepared.'],
  ['CSN2', -1, 'I leave my belongings around.'],
  ['CSN3', 1, 'I pay attention to details.'],
  ['CSN4', -1, 'I make a mess of things.'],
  ['CSN5', 1, 'I get chores done right away.'],
  ['CSN6', -1, 'I often forget to put things back in their proper place.'],
  ['CSN7', 1, 'I like order.'],
  ['CSN8', -1, 'I shirk my duties.'],
  ['CSN9', 1, 'I follow a schedule.'],
  ['CSN10', 1, 'I am exacting in my work.'],
  ['OPN1', 1, 'I have a rich vocabulary.'],
  ['OPN2', -1, 'I have difficulty understanding abstract ideas.'],
  ['OPN3', 1, 'I have a vivid imagination.'],
  ['OPN4', -1, 'I am not interested in abstract ideas.'],
  ['OPN5', 1, 'I have excellent ideas.'],
  ['OPN6', -1, 'I do not have a good imagination.'],
  ['OPN7', 1, 'I am quick to understand things.'],
  ['OPN8', 1, 'I use difficult words.'],
  ['OPN9', 1, 'I spend time reflecting on things.'],
  ['OPN10', 1, 'I am full of ideas.'],
];

/** The 50 items in the IPIP-FFM file's column order (EXT, EST, AGR, CSN, OPN). */
export const IPIP50_ITEMS: readonly IpipItem[] = RAW.map(([code, ipipKeying, text]) => {
  const m = /^([A-Z]{3})(\d+)$/.exec(code);
  const factor = m ? PREFIX_FACTOR[m[1]!] : undefined;
  if (!m || !factor) throw new Error(`bad item code ${code}`);
  const k = Number(m[2]);
  const trait = FACTOR_TRAIT[factor];
  // Factor IV is keyed for stability; the canonical trait is neuroticism, so flip its sign.
  const keying: Keying = factor === 'IV' ? (-ipipKeying as Keying) : ipipKeying;
  return { code, ipipNumber: FACTOR_OFFSET[factor] + 5 * (k - 1), text, ipipFactor: factor, ipipKeying, trait, keying };
});

export const N_ITEMS = IPIP50_ITEMS.length;
export const ITEM_CODES: readonly string[] = IPIP50_ITEMS.map((i) => i.code);

/** Column index (file order) of each item code. */
export const ITEM_INDEX: ReadonlyMap<string, number> = new Map(ITEM_CODES.map((c, i) => [c, i]));

/** For each canonical trait (TRAITS order), the file-order indices of its 10 items. */
export const TRAIT_ITEMS: readonly (readonly number[])[] = TRAITS.map((t) =>
  IPIP50_ITEMS.flatMap((it, i) => (it.trait === t ? [i] : [])),
);

/** Trait index (TRAITS order) of each item, and its keying, as flat typed arrays for hot loops. */
export const ITEM_TRAIT_INDEX: Uint8Array = Uint8Array.from(IPIP50_ITEMS.map((it) => TRAITS.indexOf(it.trait)));
export const ITEM_KEYING: Int8Array = Int8Array.from(IPIP50_ITEMS.map((it) => it.keying));

/** File-order indices sorted into questionnaire order 1…50 (as respondents saw them). */
export const QUESTIONNAIRE_ORDER: readonly number[] = IPIP50_ITEMS.map((_, i) => i).sort(
  (a, b) => IPIP50_ITEMS[a]!.ipipNumber - IPIP50_ITEMS[b]!.ipipNumber,
);

/** The item with Open Psychometrics code `code` (case-insensitive), or undefined. */
export function itemByCode(code: string): IpipItem | undefined {
  const i = ITEM_INDEX.get(code.toUpperCase());
  return i === undefined ? undefined : IPIP50_ITEMS[i];
}
