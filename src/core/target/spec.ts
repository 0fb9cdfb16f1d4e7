/**
 * A target group (METHOD.md §6): a query plus a reference, optional persona-metadata filters, the
 * set size K and the candidate rule. Plain JSON, stored in `targets` (kind 'target').
 *
 * The group's countries (a region preset of src/core/reference/regions.ts or a custom list) say
 * which human reference rows represent the group, and — when personas carry `meta.country` — which
 * personas belong to it, so the report can show the in-group share of each selection.
 */
import { DEFAULT_METHOD, isAlignMethod, type AlignMethodName } from '../align/methods';
import { DEFAULT_HOLDOUT, checkHoldout } from '../align/holdout';
import type { AdapterOptions } from '../../contracts/adapter';
import { AppError } from '../errors';
import { makeCustomGroup, regionById } from '../reference/regions';

export type CandidateRule =
  /** The N best-scoring personas. */
  | { mode: 'top'; n: number }
  /** Every persona whose (adapted) cosine to the query is at least `score`. */
  | { mode: 'minScore'; score: number };

export interface TargetGroupCountries {
  /** Region preset id (e.g. 'east-asia'), when the list came from one. */
  regionId?: string;
  /** ISO alpha-2 codes, upper case. */
  countries: string[];
}

export interface TargetSpec {
  id: string;
  name: string;
  query: string;
  /** The group's countries; undefined = no country notion (the whole reference, no in-group share). */
  group?: TargetGroupCountries;
  /** meta key → accepted values (a persona passes when, for every key, its value is one of them). */
  filters: Record<string, string[]>;
  size: number;
  candidates: CandidateRule;
  method: AlignMethodName;
  seed: number;
  /** Share of the target reference held out for evaluation (as in the Align stage); 0 = in-sample. */
  holdout: number;
  adapter: { enabled: boolean; options: AdapterOptions };
}

/** [ours] Default candidate pool: 3 × K, so re-alignment has room to choose (and ≥ K when the pool allows). */
export const DEFAULT_CANDIDATE_FACTOR = 3;

export interface TargetSpecInput {
  id?: string;
  name?: string;
  query: string;
  region?: string;
  countries?: readonly string[];
  filters?: Record<string, string[]>;
  size: number;
  candidates?: CandidateRule;
  method?: string;
  seed?: number;
  holdout?: number;
  adapter?: { enabled?: boolean; options?: AdapterOptions };
}

/** Checks and fills a spec; InputError messages say which field to fix. */
export function makeTargetSpec(x: TargetSpecInput): TargetSpec {
  const query = x.query.trim();
  if (query === '') throw new AppError('InputError', 'The target needs a query: a short description of the group, e.g. "adults in East Asia".');
  if (!Number.isInteger(x.size) || x.size < 1) throw new AppError('InputError', `Set size K must be a whole number ≥ 1, got ${x.size}.`);
  let group: TargetGroupCountries | undefined;
  if (x.region !== undefined && x.region !== '') {
    const preset = regionById(x.region);
    if (!preset) throw new AppError('InputError', `Unknown region preset "${x.region}"; use a preset id such as east-asia, north-america or europe, or a country list.`);
    group = { regionId: preset.id, countries: [...preset.countries] };
  }
  if (x.countries && x.countries.length > 0) {
    if (group) throw new AppError('InputError', 'Give either a region preset or a country list, not both.');
    group = { countries: makeCustomGroup('target', 'target', x.countries).countries };
  }
  const candidates = x.candidates ?? { mode: 'top', n: DEFAULT_CANDIDATE_FACTOR * x.size };
  if (candidates.mode === 'top' && (!Number.isInteger(candidates.n) || candidates.n < x.size)) {
    throw new AppError('InputError', `Top-N candidates must be a whole number ≥ K (${x.size}), got ${candidates.n}.`);
  }
  if (candidates.mode === 'minScore' && !(Number.isFinite(candidates.score) && candidates.score >= -1 && candidates.score <= 1)) {
    throw new AppError('InputError', `The minimum score is a cosine from −1 to 1, got ${candidates.score}.`);
  }
  const method = x.method ?? DEFAULT_METHOD;
  if (!isAlignMethod(method)) throw new AppError('InputError', `Unknown alignment method "${method}".`);
  const holdout = x.holdout ?? DEFAULT_HOLDOUT;
  checkHoldout(holdout);
  const seed = x.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0) throw new AppError('InputError', `The seed must be a whole number ≥ 0, got ${seed}.`);
  const filters: Record<string, string[]> = {};
  for (const [k, vs] of Object.entries(x.filters ?? {})) {
    const values = vs.map((v) => v.trim()).filter((v) => v !== '');
    if (values.length > 0) filters[k] = values;
  }
  return {
    id: x.id ?? `target-${slug(query)}`,
    name: x.name ?? query,
    query,
    ...(group ? { group } : {}),
    filters,
    size: x.size,
    candidates,
    method,
    seed,
    holdout,
    adapter: { enabled: x.adapter?.enabled ?? false, options: { ...x.adapter?.options } },
  };
}

/** Whether persona meta passes every filter. */
export function passesFilters(meta: Record<string, string>, filters: Record<string, string[]>): boolean {
  for (const [k, values] of Object.entries(filters)) {
    const v = meta[k];
    if (v === undefined || !values.includes(v)) return false;
  }
  return true;
}

export function candidateRuleText(c: CandidateRule): string {
  return c.mode === 'top' ? `top ${c.n}` : `score ≥ ${c.score}`;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'query';
}
