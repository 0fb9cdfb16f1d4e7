/**
 * Query sets of the target module (METHOD.md §6): short natural-language descriptions of groups,
 * each with the personas it describes (its positives). They train the contrastive adapter and seed
 * the Target stage's query suggestions.
 *
 * Without an LLM, queries come from templates over persona metadata (region, country, ageBand,
 * gender, occupation — PERSONA_META_KEYS): one query per group value, whose positives are every
 * persona with that value. With an LLM, src/core/target/llm-queries.ts writes them per persona.
 *
 * A query set is plain JSON (store `targets`, kind 'querySet'), editable and versioned: an edit
 * makes a new version under the same `setId`, and `hash` (SHA-256 of the queries) tells any two
 * versions apart in a run manifest even if nobody bumped the version.
 */
import type { PersonaRecord } from '../../contracts/persona';
import { AppError } from '../errors';
import { Rng } from '../rng';
import { sha256Hex } from '../stages/hash';
import type { PromptRef } from '../stages/prompts';

/** Bumped whenever a template's wording changes (goes into every query set and manifest). */
export const TEMPLATE_VERSION = 1;

export type QueryOrigin = 'template' | 'llm' | 'user';

export interface TargetQuery {
  text: string;
  /** Persona ids this query describes. */
  positives: string[];
  origin: QueryOrigin;
  /** Template id for template queries. */
  template?: string;
}

export interface QuerySet {
  /** `${setId}@${version}`: one stored record per version. */
  id: string;
  kind: 'querySet';
  setId: string;
  version: number;
  name: string;
  createdAt: string;
  updatedAt: string;
  /** How the queries were written; 'mixed' after a user edit of generated ones. */
  source: QueryOrigin | 'mixed';
  templateVersion: number;
  /** The LLM's prompt (id, version, SHA-256) and model when it wrote them. */
  prompt?: PromptRef;
  model?: { id: string; backend: string };
  seed: number;
  /** SHA-256 of the pool (persona file) the positives' ids refer to. */
  poolSha256?: string;
  queries: TargetQuery[];
  /** SHA-256 of JSON [text, positives] of every query. */
  hash: string;
}

export interface TemplateDef {
  id: string;
  /** Meta keys the template needs, all present and non-empty. */
  keys: readonly string[];
  render: (meta: Record<string, string>) => string;
}

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' });
  } catch {
    return undefined;
  }
})();

/** "JP" → "Japan" (Intl), or the value itself when it is not a known code. */
export function countryName(code: string): string {
  if (/^[A-Z]{2}$/.test(code) && regionNames) {
    try {
      return regionNames.of(code) ?? code;
    } catch {
      return code;
    }
  }
  return code;
}

function genderGroup(g: string): string {
  const k = g.trim().toLowerCase();
  if (k === 'man' || k === 'male' || k === 'm') return 'men';
  if (k === 'woman' || k === 'female' || k === 'f') return 'women';
  return `${g} people`;
}

/** [ours] Templates, one group description each; the metadata keys are PERSONA_META_KEYS. */
export const QUERY_TEMPLATES: readonly TemplateDef[] = [
  { id: 'region', keys: ['region'], render: (m) => `adults in ${m.region}` },
  { id: 'country', keys: ['country'], render: (m) => `people living in ${countryName(m.country!)}` },
  { id: 'age-band', keys: ['ageBand'], render: (m) => `people aged ${m.ageBand}` },
  { id: 'age-region', keys: ['ageBand', 'region'], render: (m) => `people aged ${m.ageBand} in ${m.region}` },
  { id: 'gender-region', keys: ['gender', 'region'], render: (m) => `${genderGroup(m.gender!)} in ${m.region}` },
  { id: 'occupation', keys: ['occupation'], render: (m) => `people who work as ${m.occupation}` },
];

export interface TemplateQueryOptions {
  /** Groups with fewer personas are skipped (too small to say anything). Default 3. */
  minGroup?: number;
  /** At most this many queries (a seeded sample when more); default 200. */
  maxQueries?: number;
  seed?: number;
  /** Template ids to use; default all. */
  templates?: readonly string[];
}

/** One query per (template, distinct value tuple); positives = the personas with those values. */
export function templateQueries(records: readonly PersonaRecord[], options: TemplateQueryOptions = {}): TargetQuery[] {
  const minGroup = options.minGroup ?? 3;
  const maxQueries = options.maxQueries ?? 200;
  const use = options.templates ? QUERY_TEMPLATES.filter((t) => options.templates!.includes(t.id)) : QUERY_TEMPLATES;
  const out: TargetQuery[] = [];
  for (const t of use) {
    const groups = new Map<string, { text: string; ids: string[] }>();
    for (const r of records) {
      const values = t.keys.map((k) => r.meta[k]?.trim() ?? '');
      if (values.some((v) => v === '')) continue;
      const key = values.join('\u0000');
      let g = groups.get(key);
      if (!g) {
        const meta: Record<string, string> = {};
        t.keys.forEach((k, i) => (meta[k] = values[i]!));
        g = { text: t.render(meta), ids: [] };
        groups.set(key, g);
      }
      g.ids.push(r.id);
    }
    for (const g of [...groups.values()].sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))) {
      if (g.ids.length >= minGroup) out.push({ text: g.text, positives: g.ids, origin: 'template', template: t.id });
    }
  }
  if (out.length <= maxQueries) return out;
  const keep = new Rng(options.seed ?? 1).shuffle(out.map((_, i) => i)).slice(0, maxQueries).sort((a, b) => a - b);
  return keep.map((i) => out[i]!);
}

export interface QuerySuggestion {
  text: string;
  /** Personas in the pool the query's group holds. */
  count: number;
  template: string;
}

/** Query suggestions for the UI: region and region × age/gender groups first, largest first. */
export function suggestQueries(records: readonly PersonaRecord[], limit = 12): QuerySuggestion[] {
  const order = ['region', 'age-region', 'gender-region', 'country', 'age-band', 'occupation'];
  const qs = templateQueries(records, { minGroup: 1, maxQueries: Number.MAX_SAFE_INTEGER });
  return qs
    .map((q) => ({ text: q.text, count: q.positives.length, template: q.template ?? '' }))
    .sort((a, b) => order.indexOf(a.template) - order.indexOf(b.template) || b.count - a.count || (a.text < b.text ? -1 : 1))
    .slice(0, limit);
}

export async function querySetHash(queries: readonly TargetQuery[]): Promise<string> {
  return sha256Hex(JSON.stringify(queries.map((q) => [q.text, q.positives])));
}

export interface NewQuerySet {
  name: string;
  queries: TargetQuery[];
  source: QuerySet['source'];
  seed: number;
  prompt?: PromptRef;
  model?: { id: string; backend: string };
  poolSha256?: string;
  /** Fixed in tests; default a random id. */
  setId?: string;
  now?: Date;
}

export async function makeQuerySet(p: NewQuerySet): Promise<QuerySet> {
  checkQueries(p.queries);
  const at = (p.now ?? new Date()).toISOString();
  const setId = p.setId ?? `qs-${randomId()}`;
  return {
    id: `${setId}@1`,
    kind: 'querySet',
    setId,
    version: 1,
    name: p.name,
    createdAt: at,
    updatedAt: at,
    source: p.source,
    templateVersion: TEMPLATE_VERSION,
    ...(p.prompt ? { prompt: p.prompt } : {}),
    ...(p.model ? { model: p.model } : {}),
    seed: p.seed,
    ...(p.poolSha256 ? { poolSha256: p.poolSha256 } : {}),
    queries: p.queries.map((q) => ({ ...q, positives: [...q.positives] })),
    hash: await querySetHash(p.queries),
  };
}

/** The next version of `set` with `queries` (a user edit): same setId, version + 1, source 'mixed' unless all are the user's. */
export async function editQuerySet(set: QuerySet, queries: TargetQuery[], now = new Date()): Promise<QuerySet> {
  checkQueries(queries);
  const version = set.version + 1;
  const allUser = queries.every((q) => q.origin === 'user');
  return {
    ...set,
    id: `${set.setId}@${version}`,
    version,
    updatedAt: now.toISOString(),
    source: allUser ? 'user' : queries.every((q) => q.origin === set.source) ? set.source : 'mixed',
    queries: queries.map((q) => ({ ...q, positives: [...q.positives] })),
    hash: await querySetHash(queries),
  };
}

function checkQueries(queries: readonly TargetQuery[]): void {
  queries.forEach((q, i) => {
    if (typeof q.text !== 'string' || q.text.trim() === '') throw new AppError('InputError', `Query ${i + 1} is empty; write a short group description or delete it.`);
    if (!Array.isArray(q.positives)) throw new AppError('InputError', `Query ${i + 1} ("${q.text}") has no persona list.`);
  });
}

/**
 * (query, persona) pairs of `set` over a pool: query i's positives as pool indices. Queries whose
 * positives are all outside the pool are dropped and counted.
 */
export function positivesInPool(set: Pick<QuerySet, 'queries'>, poolIds: readonly string[]): { texts: string[]; positives: number[][]; dropped: number } {
  const index = new Map<string, number>();
  poolIds.forEach((id, i) => index.set(id, i));
  const texts: string[] = [];
  const positives: number[][] = [];
  let dropped = 0;
  for (const q of set.queries) {
    const pos = q.positives.flatMap((id) => {
      const i = index.get(id);
      return i === undefined ? [] : [i];
    });
    if (pos.length === 0) {
      dropped++;
      continue;
    }
    texts.push(q.text);
    positives.push(pos);
  }
  return { texts, positives, dropped };
}

function randomId(): string {
  const b = new Uint8Array(6);
  globalThis.crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}
