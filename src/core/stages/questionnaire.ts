/**
 * Stage 4 (METHOD.md §4): each kept persona answers the 50 IPIP items as itself.
 *
 * Preferred ('logprobs'): one choiceLogprobs call per item over "1".."5"; the answer is the
 * expected value Σ k·p(k) (no sampling noise). The persona is the system message, i.e. the prefix
 * shared by all 50 calls; prefixKey names it so a backend with a KV cache prefills it once.
 * Fallback ('json', for backends without logprobs): constrained JSON {"answer": 1..5}, sampled
 * `repeats` times at `temperature`, averaged.
 * Items are asked in a seeded random order per persona (order effects do not line up across
 * personas); answers are stored by item code and scored with src/core/psychometrics.
 */
import type { DecodingOptions } from '../../contracts/llm';
import type { PersonaAnswers } from '../../contracts/persona';
import { AppError, isAppError } from '../errors';
import { IPIP50_ITEMS, N_ITEMS } from '../psychometrics/ipip50';
import { responseStyleReport, type ResponseStyleReport } from '../psychometrics/reliability';
import { scoreAnswersInto } from '../psychometrics/scoring';
import { Rng } from '../rng';
import { TRAITS, type TraitVector } from '../traits';
import { provenance, withAbort, type StageContext } from './context';
import { sha256Hex } from './hash';
import { authorSeed } from './mining';
import { fillTemplate, promptRef, QUESTIONNAIRE_PROMPT, type PromptTemplate } from './prompts';
import type { ProfileDetail, StoredPersona } from './types';

export const LIKERT_CHOICES = ['1', '2', '3', '4', '5'] as const;

export interface QuestionnaireOptions {
  /** 'auto' (default): logprobs when the model has them, else json. */
  method: 'auto' | 'logprobs' | 'json';
  seed: number;
  /** JSON fallback: sampling temperature (default 0.7) and samples per item (default 3). */
  temperature: number;
  repeats: number;
  /** Name the persona prefix so the backend can reuse its KV cache (default true; false only to measure the cost). */
  prefixReuse: boolean;
  /** Flags: acquiescence when the mean raw answer ≥ this (default 4.0); see ResponseStyleOptions for the others. */
  acquiescenceFlag: number;
  inconsistentTraits: number;
  straightRun: number;
  prompt: PromptTemplate;
}

export const DEFAULT_QUESTIONNAIRE_OPTIONS: QuestionnaireOptions = {
  method: 'auto',
  seed: 1,
  temperature: 0.7,
  repeats: 3,
  prefixReuse: true,
  acquiescenceFlag: 4,
  inconsistentTraits: 2,
  straightRun: 10,
  prompt: QUESTIONNAIRE_PROMPT,
};

export function questionnaireOptions(over: Partial<QuestionnaireOptions> = {}): QuestionnaireOptions {
  const o = { ...DEFAULT_QUESTIONNAIRE_OPTIONS, ...over };
  if (!(Number.isInteger(o.repeats) && o.repeats >= 1)) throw new AppError('InputError', `repeats must be a whole number ≥ 1 (got ${o.repeats}).`);
  if (!(o.temperature >= 0)) throw new AppError('InputError', `temperature must be ≥ 0 (got ${o.temperature}).`);
  return o;
}

/** Probabilities from log-probabilities over the choices (renormalised, max-shifted for stability). */
export function choiceProbabilities(logprobs: readonly number[]): number[] {
  const m = Math.max(...logprobs);
  if (!Number.isFinite(m)) throw new AppError('NumericError', 'Every answer choice had probability 0.');
  const e = logprobs.map((l) => Math.exp(l - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / s);
}

/** Σ k·p(k) over k = 1..5. */
export function expectedLikert(probs: readonly number[]): number {
  return probs.reduce((s, p, i) => s + p * (i + 1), 0);
}

/** The seeded order (file indices) in which a persona is asked the 50 items. */
export function itemOrder(seed: number, personaId: string): number[] {
  return new Rng(authorSeed(seed, personaId)).shuffle(Array.from({ length: N_ITEMS }, (_, i) => i));
}

const ANSWER_SCHEMA = {
  name: 'likert_answer',
  schema: { type: 'object', properties: { answer: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['answer'], additionalProperties: false },
};

function parseAnswer(text: string): number | undefined {
  const m = /"answer"\s*:\s*"?([1-5])\b/.exec(text) ?? /^\s*([1-5])\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Trait means (1–5) from answers by item code, via the psychometrics scoring (reverse keys applied). */
export function traitsFromAnswers(answers: PersonaAnswers): TraitVector {
  const row = IPIP50_ITEMS.map((it) => answers[it.code] ?? 0);
  const out = new Float64Array(TRAITS.length);
  if (scoreAnswersInto(row, { kind: 'drop' }, out) < 0) throw new AppError('InputError', 'Some questionnaire items have no answer; cannot score the traits.');
  return Object.fromEntries(TRAITS.map((t, i) => [t, out[i]!])) as TraitVector;
}

/** Runs the questionnaire for one persona; returns it with answers, traits and the profile detail. */
export async function answerQuestionnaire(ctx: StageContext, persona: StoredPersona, options: QuestionnaireOptions = DEFAULT_QUESTIONNAIRE_OPTIONS): Promise<StoredPersona> {
  try {
    return await answerWith(ctx, persona, options);
  } catch (e) {
    // 'auto' learns only on the first call that a server drops logprobs (the HTTP backend then
    // reports supportsLogprobs: false): start this persona over with JSON answers.
    if (options.method !== 'auto' || !isAppError(e, 'ModelError') || !ctx.model.supportsLogprobs) throw e;
    const now = await ctx.llm.info();
    if (!now || now.supportsLogprobs) throw e;
    return answerWith({ ...ctx, model: now }, persona, { ...options, method: 'json' });
  }
}

async function answerWith(ctx: StageContext, persona: StoredPersona, options: QuestionnaireOptions): Promise<StoredPersona> {
  const { llm, model, signal } = ctx;
  const started = Date.now();
  const method = options.method === 'auto' ? (model.supportsLogprobs ? 'logprobs' : 'json') : options.method;
  if (method === 'logprobs' && !model.supportsLogprobs) throw new AppError('ModelError', `Model ${model.id} gives no log-probabilities; use method "json" or "auto".`);
  const system = fillTemplate(options.prompt.system, { persona: persona.text });
  const prefixKey = options.prefixReuse ? `persona:${(await sha256Hex(system)).slice(0, 24)}` : undefined;
  const order = itemOrder(options.seed, persona.id);
  const answers: PersonaAnswers = {};
  const perItem: Record<string, number[]> = {};
  let promptTokens = 0;
  let cached = 0;
  let completionTokens = 0;
  let calls = 0;
  let coverageSum = 0;
  const decoding: DecodingOptions = method === 'json' ? { temperature: options.temperature, maxTokens: 16 } : {};
  for (const idx of order) {
    const item = IPIP50_ITEMS[idx]!;
    const messages = [
      { role: 'system' as const, content: system },
      { role: 'user' as const, content: fillTemplate(options.prompt.user, { item: item.text }) },
    ];
    if (method === 'logprobs') {
      const r = await withAbort(signal, llm, () => llm.choiceLogprobs({ messages, choices: [...LIKERT_CHOICES], ...(prefixKey ? { prefixKey } : {}) }));
      calls++;
      promptTokens += r.promptTokens;
      cached += r.cachedPromptTokens;
      coverageSum += r.coverage;
      completionTokens++;
      const probs = choiceProbabilities(r.logprobs);
      perItem[item.code] = probs;
      answers[item.code] = expectedLikert(probs);
    } else {
      const samples: number[] = [];
      for (let rep = 0; rep < options.repeats; rep++) {
        let value: number | undefined;
        for (let attempt = 0; attempt < 3 && value === undefined; attempt++) {
          const seed = (authorSeed(options.seed, persona.id) + idx * 1000 + rep * 10 + attempt) >>> 0;
          const r = await withAbort(signal, llm, () =>
            llm.chat({ messages, decoding: { ...decoding, seed }, ...(model.supportsJsonSchema ? { jsonSchema: ANSWER_SCHEMA } : {}) }),
          );
          calls++;
          promptTokens += r.promptTokens;
          completionTokens += r.completionTokens;
          value = parseAnswer(r.text);
        }
        if (value === undefined) throw new AppError('FormatError', `No usable answer to item ${item.code} after 3 tries.`);
        samples.push(value);
      }
      perItem[item.code] = samples;
      answers[item.code] = samples.reduce((a, b) => a + b, 0) / samples.length;
    }
  }
  const traits = traitsFromAnswers(answers);
  const row = IPIP50_ITEMS.map((it) => answers[it.code]!);
  const style = responseStyleReport([row], { straightRun: options.straightRun, inconsistentTraits: options.inconsistentTraits, congruenceMinRows: 0 });
  const acquiescence = style.acquiescence.perRespondent[0]!;
  const flags: string[] = [];
  if (acquiescence >= options.acquiescenceFlag) flags.push('acquiescence');
  if (style.reverseKey.flags[0]) flags.push('inconsistency');
  if (style.straightLining.flags[0]) flags.push('straight-lining');
  const detail: ProfileDetail = {
    provenance: provenance(model, await promptRef(options.prompt), decoding, options.seed),
    method,
    order: order.map((i) => IPIP50_ITEMS[i]!.code),
    perItem,
    style: { acquiescence, longestRun: style.straightLining.longestRun[0]!, inconsistentTraits: style.reverseKey.inconsistentTraits[0]! },
    flags,
    promptTokens,
    cachedPromptTokens: cached,
    completionTokens,
    calls,
    ms: Date.now() - started,
  };
  if (method === 'logprobs') detail.meanCoverage = coverageSum / N_ITEMS;
  else detail.repeats = options.repeats;
  return { ...persona, answers, traits, status: 'profiled', stages: { ...persona.stages, profile: detail } };
}

/** Summary of a profiled persona set (METHOD.md §4): Cronbach's α and ω per trait, response styles, flag counts. */
export interface QuestionnaireSetReport {
  n: number;
  /** TRAITS order; α is NaN with fewer than 3 personas. */
  reliability: ResponseStyleReport['reliability'];
  meanAcquiescence: number;
  /** Personas carrying each flag ('acquiescence', 'inconsistency', 'straight-lining'). */
  flagged: Record<string, number>;
  methods: Record<'logprobs' | 'json', number>;
  /** Mean probability mass of "1".."5" among all next tokens (logprobs personas only). */
  meanCoverage?: number;
}

export function questionnaireReport(personas: readonly StoredPersona[]): QuestionnaireSetReport {
  const done = personas.filter((p) => p.answers && p.stages.profile);
  const rows = done.map((p) => IPIP50_ITEMS.map((it) => p.answers![it.code] ?? 0));
  const style = responseStyleReport(rows, { congruenceMinRows: 0 });
  const flagged: Record<string, number> = {};
  const methods = { logprobs: 0, json: 0 };
  let cov = 0;
  for (const p of done) {
    const d = p.stages.profile!;
    for (const f of d.flags) flagged[f] = (flagged[f] ?? 0) + 1;
    methods[d.method]++;
    if (d.meanCoverage !== undefined) cov += d.meanCoverage;
  }
  const out: QuestionnaireSetReport = { n: done.length, reliability: style.reliability, meanAcquiescence: style.acquiescence.mean, flagged, methods };
  if (methods.logprobs > 0) out.meanCoverage = cov / methods.logprobs;
  return out;
}
