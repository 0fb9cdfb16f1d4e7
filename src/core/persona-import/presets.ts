/**
 * Mappings for the public persona-set layouts a user is likely to bring, and a guess of which one
 * a file follows from its field names.
 *
 * - PersonaHub (proj-persona/PersonaHub): JSONL, the text in `persona` (persona.jsonl) or
 *   `input persona` (the instruction/knowledge/math/… subsets); no id, no demographics.
 * - Nemotron-Personas (nvidia/Nemotron-Personas and its country sets): Parquet, `uuid`, a summary
 *   `persona` plus facet columns (professional_, sports_, arts_, travel_, culinary_, family_persona,
 *   cultural_background, skills_and_expertise, hobbies_and_interests, career_goals_and_ambitions)
 *   and demographic columns (sex, age, marital_status, education_level, bachelors_field,
 *   occupation, city / district, state / province / prefecture / region, zipcode, country; Korea adds
 *   family_type, housing_type, military_status); locales differ in which exist.
 * - TinyTroupe agent specifications (`*.agent.json`): `{"type": "TinyPerson", "persona": {name,
 *   age, gender, nationality, residence, occupation {title, organization, description} or a string,
 *   style, personality {traits, big_five}, preferences {interests, likes, dislikes}, beliefs,
 *   skills, behaviors, long_term_goals, other_facts, …}}`, one per file or a list of them.
 * - OASIS (camel-ai/oasis) agent profiles: Reddit JSON (`realname`, `username`, `bio`, `persona`,
 *   `age`, `gender`, `mbti`, `country`, `profession`, `interested_topics`) and Twitter CSV
 *   (`user_id`, `name`, `username`, `description`, `user_char`, …).
 * - persona-align: this app's persona JSONL (src/core/persona-jsonl.ts) and its pipeline output /
 *   exports: `id`, `text`, `meta` {…}, `traits` {openness, …} on 1–5 (flat columns in CSV).
 */
import { TRAITS } from '../traits';
import { alternatives, presentAlternative } from './fields';
import type { PersonaMapping, PersonaPresetId, TextPart } from './types';

const NEMOTRON_FACETS: TextPart[] = [
  { field: 'persona', label: 'Summary' },
  { field: 'professional_persona', label: 'Professional' },
  { field: 'family_persona', label: 'Family' },
  { field: 'sports_persona', label: 'Sports' },
  { field: 'arts_persona', label: 'Arts' },
  { field: 'travel_persona', label: 'Travel' },
  { field: 'culinary_persona', label: 'Culinary' },
  { field: 'cultural_background', label: 'Cultural background' },
  { field: 'skills_and_expertise', label: 'Skills and expertise' },
  { field: 'hobbies_and_interests', label: 'Hobbies and interests' },
  { field: 'career_goals_and_ambitions', label: 'Career goals and ambitions' },
];

const TINYTROUPE_FACETS: TextPart[] = [
  { field: 'persona.occupation.description|persona.occupation_description', label: 'Occupation' },
  { field: 'persona.residence', label: 'Residence' },
  { field: 'persona.education', label: 'Education' },
  { field: 'persona.style', label: 'Style' },
  { field: 'persona.personality.traits|persona.personality', label: 'Personality' },
  { field: 'persona.preferences.interests|persona.interests', label: 'Interests' },
  { field: 'persona.preferences.likes', label: 'Likes' },
  { field: 'persona.preferences.dislikes', label: 'Dislikes' },
  { field: 'persona.beliefs', label: 'Beliefs' },
  { field: 'persona.skills', label: 'Skills' },
  { field: 'persona.behaviors.general|persona.behaviors', label: 'Behaviours' },
  { field: 'persona.long_term_goals', label: 'Goals' },
  { field: 'persona.other_facts', label: 'Other facts' },
];

const PRESETS: Record<PersonaPresetId, PersonaMapping> = {
  personahub: { preset: 'personahub', text: [{ field: 'persona|input persona' }], meta: {} },
  nemotron: {
    preset: 'nemotron',
    text: NEMOTRON_FACETS,
    id: 'uuid',
    meta: {
      name: 'name', age: 'age', gender: 'sex', occupation: 'occupation', city: 'city|district', region: 'state|province|prefecture|region|zone',
      country: 'country', education: 'education_level', maritalStatus: 'marital_status', field: 'bachelors_field',
      zipcode: 'zipcode', familyType: 'family_type', housingType: 'housing_type', militaryStatus: 'military_status',
    },
  },
  tinytroupe: {
    preset: 'tinytroupe',
    text: TINYTROUPE_FACETS,
    meta: {
      name: 'persona.name', age: 'persona.age', gender: 'persona.gender', occupation: 'persona.occupation.title|persona.occupation',
      nationality: 'persona.nationality', residence: 'persona.residence',
    },
  },
  oasis: {
    preset: 'oasis',
    text: [{ field: 'persona|user_char', label: 'Persona' }, { field: 'bio|description', label: 'Bio' }],
    id: 'username|user_id',
    meta: { name: 'realname|name', age: 'age', gender: 'gender', country: 'country', occupation: 'profession', mbti: 'mbti', topics: 'interested_topics' },
  },
  'persona-align': {
    preset: 'persona-align',
    text: [{ field: 'text' }],
    id: 'id',
    meta: Object.fromEntries(['region', 'country', 'city', 'ageBand', 'age', 'gender', 'occupation', 'name'].map((k) => [k, `meta.${k}|${k}`])),
    metaObject: 'meta|meta_json',
    traits: { fields: Object.fromEntries(TRAITS.map((t) => [t, `traits.${t}|${t}`])), scale: '1-5' },
  },
  generic: { preset: 'generic', text: [{ field: 'text' }], meta: {} },
};

/** The preset's full mapping (all alternatives kept), a fresh copy. */
export function presetMapping(preset: PersonaPresetId): PersonaMapping {
  return structuredClone(PRESETS[preset]);
}

/**
 * The preset's mapping restricted to the fields a file has: each field spec becomes the
 * alternative present, parts and meta whose fields are absent are dropped, and trait fields are
 * kept only when all five are present. The mapping dialog starts from this.
 */
export function mappingForFields(preset: PersonaPresetId, fields: readonly string[]): PersonaMapping {
  const have = new Set(fields);
  const full = presetMapping(preset);
  const pick = (spec: string): string | undefined => presentAlternative(spec, have);
  const text = full.text.flatMap((p) => {
    const f = pick(p.field);
    return f === undefined ? [] : [{ ...p, field: f }];
  });
  const out: PersonaMapping = { preset, text: text.length > 0 ? text : full.text.slice(0, 1), meta: {} };
  if (preset === 'tinytroupe' && text.length === 0) out.text = full.text;
  const id = full.id !== undefined ? pick(full.id) : undefined;
  if (id !== undefined) out.id = id;
  for (const [k, spec] of Object.entries(full.meta)) {
    const f = pick(spec);
    if (f !== undefined) out.meta[k] = f;
  }
  const metaObject = full.metaObject !== undefined ? pick(full.metaObject) : undefined;
  if (metaObject !== undefined) {
    out.metaObject = metaObject;
    // Keys inside the meta object come with it; listing them again would only repeat them.
    for (const [k, f] of Object.entries(out.meta)) if (f.startsWith('meta.')) delete out.meta[k];
  }
  if (full.traits) {
    const tf = Object.fromEntries(TRAITS.map((t) => [t, pick(full.traits!.fields[t]!)]));
    if (TRAITS.every((t) => tf[t] !== undefined)) out.traits = { ...full.traits, fields: tf as Record<string, string> };
  }
  if (preset === 'generic') return genericMapping(fields);
  return out;
}

const TEXT_NAMES = ['persona', 'input persona', 'text', 'description', 'narrative', 'profile', 'bio', 'biography', 'content', 'summary'];
const ID_NAMES = ['id', 'uuid', 'persona_id', 'personaid', 'user_id', 'username', '_key', 'name'];
const META_NAMES: Record<string, string[]> = {
  region: ['region', 'state', 'province'], country: ['country', 'nationality'], city: ['city'], ageBand: ['ageband', 'age_band', 'age_group'],
  age: ['age'], gender: ['gender', 'sex'], occupation: ['occupation', 'profession', 'job', 'job_title'], name: ['name', 'realname', 'full_name'],
};
const TRAIT_NAMES: Record<string, string[]> = {
  openness: ['openness', 'o', 'open'], conscientiousness: ['conscientiousness', 'c', 'consc'], extraversion: ['extraversion', 'extroversion', 'e', 'ext'],
  agreeableness: ['agreeableness', 'a', 'agr'], neuroticism: ['neuroticism', 'n', 'neu'],
};

/** A mapping guessed from field names alone: the first text-like field, an id-like one, known meta and trait names. */
export function genericMapping(fields: readonly string[]): PersonaMapping {
  const lower = new Map(fields.map((f) => [f.toLowerCase().replace(/^.*\./, ''), f]));
  const find = (names: readonly string[]): string | undefined => {
    for (const n of names) {
      const hit = lower.get(n);
      if (hit !== undefined) return hit;
    }
    return undefined;
  };
  const text = find(TEXT_NAMES) ?? fields[0] ?? 'text';
  const m: PersonaMapping = { preset: 'generic', text: [{ field: text }], meta: {} };
  const id = find(ID_NAMES);
  if (id !== undefined && id !== text) m.id = id;
  for (const [k, names] of Object.entries(META_NAMES)) {
    const f = find(names);
    if (f !== undefined && f !== text && f !== m.id) m.meta[k] = f;
  }
  const traits = Object.fromEntries(TRAITS.map((t) => [t, find(TRAIT_NAMES[t]!)]));
  if (TRAITS.every((t) => traits[t] !== undefined)) m.traits = { fields: traits as Record<string, string>, scale: '1-5' };
  return m;
}

/**
 * Which preset a file's fields look like (nested keys as dotted paths), most specific first;
 * 'generic' when none fits.
 */
export function suggestPreset(fields: readonly string[], sample?: Record<string, unknown>): PersonaPresetId {
  const has = (f: string): boolean => fields.includes(f);
  if (sample?.['type'] === 'TinyPerson' || (has('persona.name') && (has('persona.occupation') || has('persona.personality') || has('persona.age')))) return 'tinytroupe';
  if (has('professional_persona') || (has('uuid') && has('persona') && fields.some((f) => f.endsWith('_persona')))) return 'nemotron';
  if (has('realname') || has('user_char') || (has('username') && has('bio') && has('persona'))) return 'oasis';
  if (has('id') && has('text') && (has('source') || has('source.kind') || has('meta') || fields.some((f) => f.startsWith('meta.')))) return 'persona-align';
  if ((has('persona') || has('input persona')) && fields.filter((f) => !f.includes('.')).length <= 4) return 'personahub';
  if (has('persona') || has('input persona')) return 'personahub';
  return 'generic';
}

/** Fields a mapping reads (each alternative), for export-back and the dialog. */
export function mappedFields(m: PersonaMapping): string[] {
  const specs = [...m.text.map((p) => p.field), ...(m.id ? [m.id] : []), ...Object.values(m.meta), ...(m.metaObject ? [m.metaObject] : []), ...Object.values(m.traits?.fields ?? {})];
  return [...new Set(specs.flatMap((s) => alternatives(s!)))];
}
