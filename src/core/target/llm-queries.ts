/**
 * LLM-written queries (METHOD.md §6): for a seeded sample of personas, the loaded LLM writes short
 * descriptions of groups each persona belongs to (region, age band, occupation, lifestyle). Each
 * description becomes a query whose positive is that persona; identical descriptions from several
 * personas merge into one query with all of them as positives.
 *
 * The prompt is a versioned template (src/core/stages/prompts.ts): the query set records its id,
 * version and SHA-256, and the model, so an edited prompt is never mistaken for the shipped one.
 */
import type { DecodingOptions, LlmService } from '../../contracts/llm';
import type { PersonaRecord } from '../../contracts/persona';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError, throwIfAborted } from '../errors';
import { Rng } from '../rng';
import { requireModel, withAbort } from '../stages/context';
import { fillTemplate, promptRef, type PromptTemplate } from '../stages/prompts';
import { makeQuerySet, type QuerySet, type TargetQuery } from './queries';

export const GROUP_QUERY_PROMPT: PromptTemplate = {
  id: 'target-group-queries',
  version: 1,
  system: 'You describe the social groups a person belongs to, for research on population targeting. You never use names.',
  user: [
    'Below is a persona.',
    '',
    'Write {{count}} short descriptions (3 to 8 words each) of groups this persona belongs to, such as their world region, age band, occupation or lifestyle, e.g. "young professionals in East Asia".',
    'Describe groups, not the person: no names, no "he" or "she".',
    'Answer as JSON: {"queries": ["…", …]}.',
    '',
    'PERSONA:',
    '{{persona}}',
  ].join('\n'),
};

const SCHEMA = {
  name: 'group_queries',
  schema: {
    type: 'object',
    properties: { queries: { type: 'array', items: { type: 'string', minLength: 3, maxLength: 80 }, minItems: 1, maxItems: 8 } },
    required: ['queries'],
    additionalProperties: false,
  },
};

export interface LlmQueryOptions {
  /** Personas asked about (a seeded sample of the pool). Default 60. */
  sampleSize?: number;
  /** Descriptions per persona. Default 3. */
  perPersona?: number;
  seed?: number;
  prompt?: PromptTemplate;
  decoding?: DecodingOptions;
  name?: string;
  poolSha256?: string;
}

/** Writes a query set with the LLM; progress per persona; AbortError when `signal` fires. */
export async function llmQuerySet(
  llm: LlmService,
  records: readonly PersonaRecord[],
  options: LlmQueryOptions = {},
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<QuerySet> {
  const model = await requireModel(llm);
  const seed = options.seed ?? 1;
  const perPersona = options.perPersona ?? 3;
  const prompt = options.prompt ?? GROUP_QUERY_PROMPT;
  const n = Math.min(options.sampleSize ?? 60, records.length);
  if (n < 1) throw new AppError('InputError', 'The pool has no personas to write queries for.');
  const sample = new Rng(seed).shuffle(records.map((_, i) => i)).slice(0, n).sort((a, b) => a - b);
  const byText = new Map<string, TargetQuery>();
  const t0 = performance.now();
  for (let k = 0; k < sample.length; k++) {
    throwIfAborted(signal);
    const r = records[sample[k]!]!;
    const user = fillTemplate(prompt.user, { count: perPersona, persona: r.text });
    const decoding: DecodingOptions = { temperature: 0.7, maxTokens: 200, ...options.decoding, seed: seed + k };
    const res = await withAbort(signal, llm, () =>
      llm.chat({ messages: [{ role: 'system', content: prompt.system }, { role: 'user', content: user }], decoding, jsonSchema: SCHEMA }),
    );
    for (const text of parseQueries(res.text).slice(0, perPersona)) {
      const key = text.toLowerCase();
      const q = byText.get(key);
      if (q) {
        if (!q.positives.includes(r.id)) q.positives.push(r.id);
      } else byText.set(key, { text, positives: [r.id], origin: 'llm' });
    }
    onProgress?.({ stage: 'queries', done: k + 1, total: n, unit: 'personas', text: `Queries written for ${k + 1} of ${n} personas`, elapsedMs: performance.now() - t0, counts: { queries: byText.size } });
  }
  return makeQuerySet({
    name: options.name ?? `LLM queries (${model.id})`,
    queries: [...byText.values()],
    source: 'llm',
    seed,
    prompt: await promptRef(prompt),
    model: { id: model.id, backend: model.backend },
    ...(options.poolSha256 ? { poolSha256: options.poolSha256 } : {}),
  });
}

/** The queries of one answer: JSON {"queries": [...]}, else one per non-empty line; trimmed, de-quoted, de-duplicated. */
export function parseQueries(text: string): string[] {
  let items: unknown[] | undefined;
  try {
    const j = JSON.parse(text) as unknown;
    if (j && typeof j === 'object' && Array.isArray((j as { queries?: unknown }).queries)) items = (j as { queries: unknown[] }).queries;
  } catch {
    items = undefined;
  }
  const raw = items ? items.filter((x): x is string => typeof x === 'string') : text.split('\n');
  const out: string[] = [];
  for (const s of raw) {
    const t = s.replace(/^\s*(?:[-*•]|\d+[.)])\s*/, '').replace(/^["']|["']$/g, '').trim();
    if (t.length >= 3 && t.length <= 120 && !out.some((o) => o.toLowerCase() === t.toLowerCase())) out.push(t);
  }
  return out;
}
