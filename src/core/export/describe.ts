/** Shared wording of a persona's trait profile for the prompt-shaped exports (OASIS, TinyTroupe, system prompts). */
import { TRAITS, TRAIT_LABELS, type Trait } from '../traits';
import type { FinalSetRow } from './final-set';

/** Terciles of the reference: below the 33⅓th percentile is low, above the 66⅔th high. */
export function levelOf(percentile: number): 'Low' | 'Medium' | 'High' {
  if (!Number.isFinite(percentile)) return 'Medium';
  return percentile < 100 / 3 ? 'Low' : percentile > 200 / 3 ? 'High' : 'Medium';
}

export function traitPhrase(row: FinalSetRow, t: Trait): string {
  const p = row.percentiles[t];
  const pct = Number.isFinite(p) ? `, ${ordinal(Math.round(p))} percentile of the reference` : '';
  return `${levelOf(p)} (${row.traits[t].toFixed(2)} on 1–5${pct})`;
}

/** "Big Five (IPIP-50, 1–5): Openness High (4.10 on 1–5, 83rd percentile …); …" */
export function bigFiveSentence(row: FinalSetRow): string {
  return `Big Five (IPIP-50 means on 1–5): ${TRAITS.map((t) => `${TRAIT_LABELS[t]} ${traitPhrase(row, t)}`).join('; ')}.`;
}

/** Display name: meta.name when present, else "Persona <id>". */
export function displayName(row: FinalSetRow): string {
  const n = row.meta.name?.trim();
  return n ? n : `Persona ${row.id}`;
}

export function ordinal(n: number): string {
  const m100 = n % 100;
  const suffix = m100 >= 11 && m100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${n % 10 > 3 ? 'th' : suffix}`;
}

/** Age as a whole number when meta.age is one, else null (ageBand stays in meta). */
export function ageOf(row: FinalSetRow): number | null {
  const a = row.meta.age?.trim();
  if (a === undefined || !/^\d{1,3}$/.test(a)) return null;
  return Number(a);
}
