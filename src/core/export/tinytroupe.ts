/**
 * TinyTroupe (microsoft/TinyTroupe) agent specifications: one `<name>.agent.json` per persona, the
 * form `TinyPerson.load_specification` reads — an object with "type": "TinyPerson" and a "persona"
 * object (see microsoft/TinyTroupe examples/agents/Lisa.agent.json and docs on the persona format:
 * name, age, gender, nationality, residence, occupation {title, organization, description},
 * personality {traits[], big_five {openness … neuroticism as text}}, other_facts[]).
 *
 * The narrative goes into other_facts; the measured Big Five into personality.big_five in the
 * examples' "High. …" wording, with the score and the reference percentile.
 */
import { zipSync, strToU8 } from 'fflate';
import { TRAITS, TRAIT_LABELS, type Trait } from '../traits';
import { ageOf, displayName, levelOf, traitPhrase } from './describe';
import type { FinalSet, FinalSetRow } from './final-set';

export interface TinyPersonSpec {
  type: 'TinyPerson';
  persona: {
    name: string;
    age?: number;
    gender?: string;
    nationality?: string;
    residence?: string;
    occupation?: { title: string; organization: string; description: string };
    personality: { traits: string[]; big_five: Record<Trait, string> };
    other_facts: string[];
  };
}

export function tinyPersonSpec(r: FinalSetRow): TinyPersonSpec {
  const age = ageOf(r);
  const residence = [r.meta.city, r.meta.country ?? r.meta.region].filter((x): x is string => !!x && x.trim() !== '').join(', ');
  const big_five = {} as Record<Trait, string>;
  for (const t of TRAITS) big_five[t] = `${levelOf(r.percentiles[t])}. ${traitPhrase(r, t)}.`;
  const facts = [r.text.trim(), `Source: ${r.provenance.sourceKind}${r.provenance.sourceId ? ` ${r.provenance.sourceId}` : ''}; persona id ${r.id}; run ${r.provenance.runId}.`].filter((s) => s !== '');
  return {
    type: 'TinyPerson',
    persona: {
      name: displayName(r),
      ...(age !== null ? { age } : {}),
      ...(r.meta.gender ? { gender: r.meta.gender } : {}),
      ...(r.meta.country ? { nationality: r.meta.country } : {}),
      ...(residence !== '' ? { residence } : {}),
      ...(r.meta.occupation ? { occupation: { title: r.meta.occupation, organization: '', description: `You work as ${r.meta.occupation}.` } } : {}),
      personality: {
        traits: TRAITS.map((t) => `Your ${TRAIT_LABELS[t].toLowerCase()} is ${levelOf(r.percentiles[t]).toLowerCase()} compared with the reference population.`),
        big_five,
      },
      other_facts: facts,
    },
  };
}

/** File names: the display name and id reduced to [A-Za-z0-9_-], unique, ending in .agent.json. */
export function tinyTroupeFiles(set: FinalSet): { name: string; text: string }[] {
  const used = new Set<string>();
  return set.rows.map((r) => {
    const stem = `${displayName(r)}-${r.id}`.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 80) || 'persona';
    let name = `${stem}.agent.json`;
    for (let k = 2; used.has(name); k++) name = `${stem}_${k}.agent.json`;
    used.add(name);
    return { name, text: JSON.stringify(tinyPersonSpec(r), null, 4) + '\n' };
  });
}

/** All specifications in one zip (a folder of .agent.json files once unpacked). */
export function tinyTroupeZip(set: FinalSet): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  for (const f of tinyTroupeFiles(set)) files[`agents/${f.name}`] = strToU8(f.text);
  return zipSync(files, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
}
