/**
 * Stage 3 (METHOD.md §3): rule checks, then the LLM-judge rubric; the verdict is derived.
 *
 * What is measured (rule findings, judge scores and text) is stored once; the verdict
 * (PersonaRecord.quality: kept, scores, reasons) is a pure function of it and a threshold, so a
 * different threshold is applied to a whole set with `reevaluate` without calling any model.
 * Keep rule: every rule passes AND every judge score ≥ threshold (default 4).
 */
import type { DecodingOptions } from '../../contracts/llm';
import type { PersonaQuality } from '../../contracts/persona';
import { AppError, isAppError } from '../errors';
import { provenance, withAbort, type StageContext } from './context';
import { JUDGE_SCHEMA, parseJudge } from './judge';
import { stripIdentifiers } from './pii';
import { fillTemplate, JUDGE_PROMPT, promptRef, renderPosts, type PromptTemplate } from './prompts';
import { DEFAULT_RULE_OPTIONS, runRuleChecks, type RuleOptions } from './quality-rules';
import { preparePosts, selectWithinBudget, type SelectablePost } from './select-posts';
import type { JudgeResult, QualityAssessment, StoredPersona } from './types';
import { DEFAULT_VERBATIM_WORDS } from './verbatim';

export interface QualityOptions {
  rules: RuleOptions;
  /** Keep when every judge score ≥ threshold (1–5, default 4). */
  threshold: number;
  /** Run the LLM judge (default true); false = rules only. */
  judge: boolean;
  /** Judge decoding (default temperature 0, maxTokens 300). */
  decoding: DecodingOptions;
  seed: number;
  /** Retries when the judge's answer cannot be parsed (default 1). */
  judgeRetries: number;
  contextTokens?: number;
  prompt: PromptTemplate;
}

export const DEFAULT_QUALITY_OPTIONS: QualityOptions = {
  rules: DEFAULT_RULE_OPTIONS,
  threshold: 4,
  judge: true,
  decoding: { temperature: 0, maxTokens: 300 },
  seed: 1,
  judgeRetries: 1,
  prompt: JUDGE_PROMPT,
};

/** Partial options; `rules` may be partial too (unnamed rules keep their defaults). */
export type QualityOptionsInput = Partial<Omit<QualityOptions, 'rules'>> & { rules?: Partial<RuleOptions> };

export function qualityOptions(over: QualityOptionsInput = {}): QualityOptions {
  const o = { ...DEFAULT_QUALITY_OPTIONS, ...over, rules: { ...DEFAULT_RULE_OPTIONS, ...over.rules }, decoding: { ...DEFAULT_QUALITY_OPTIONS.decoding, ...over.decoding } };
  checkThreshold(o.threshold);
  return o;
}

function checkThreshold(t: number): void {
  if (!(t >= 1 && t <= 5)) throw new AppError('InputError', `Quality threshold ${t} is outside the judge's 1–5 scale.`);
}

/** The verdict from what was measured: rejection reasons list every failed rule and low score. */
export function deriveVerdict(a: Pick<QualityAssessment, 'rules' | 'judge'>, threshold: number): PersonaQuality {
  checkThreshold(threshold);
  const reasons: string[] = [];
  for (const r of a.rules) if (!r.passed) reasons.push(`${r.rule}: ${r.detail}`);
  const scores = { ...(a.judge?.scores ?? {}) };
  for (const [k, v] of Object.entries(scores)) if (v < threshold) reasons.push(`judge ${k} ${v} < ${threshold}`);
  return { kept: reasons.length === 0, scores, reasons };
}

/** Re-applies a threshold to an assessed persona (no model call); unassessed personas pass through. */
export function reevaluate(p: StoredPersona, threshold: number): StoredPersona {
  const a = p.stages.quality;
  if (!a) return p;
  const quality = deriveVerdict(a, threshold);
  // A persona that already has answers is 'profiled' again once kept (its profile job item is done).
  const status = quality.kept ? (p.stages.profile ? 'profiled' : 'kept') : 'rejected';
  return { ...p, quality, status, stages: { ...p.stages, quality: { ...a, threshold } } };
}

/** Assesses one mined persona against its author's posts. */
export async function assessPersona(ctx: StageContext, persona: StoredPersona, posts: readonly SelectablePost[], options: QualityOptions = DEFAULT_QUALITY_OPTIONS): Promise<StoredPersona> {
  const { llm, model, signal } = ctx;
  const mine = persona.stages.mine;
  const verbatimWords = mine?.verbatimWords ?? DEFAULT_VERBATIM_WORDS;
  const rules = runRuleChecks(persona.text, persona.source.kind === 'mined' ? persona.source.author : '', mine?.verbatim ?? [], verbatimWords, options.rules);
  // A persona cut off at maxTokens ends mid-sentence: reject it whatever its word count.
  if (mine?.finishReason === 'length') rules.push({ rule: 'length', passed: false, detail: 'the model stopped at maxTokens: the persona is cut off' });
  const decoding: DecodingOptions = { ...options.decoding, seed: options.seed };
  let judge: JudgeResult | undefined;
  let promptTokens = 0;
  let completionTokens = 0;
  if (options.judge) {
    // The judge sees the posts mining used (identifiers stripped), as many as fit its own budget.
    const usedSeqs = new Set(mine?.selection.seqs ?? posts.map((p) => p.seq));
    const clean = posts.filter((p) => usedSeqs.has(p.seq)).map((p) => ({ ...p, text: stripIdentifiers(p.text).text }));
    const context = options.contextTokens ?? model.contextWindow;
    const frame = fillTemplate(options.prompt.user, { posts: '', persona: persona.text });
    const budget = Math.floor(context * 0.95) - (await llm.countTokens(options.prompt.system)) - (await llm.countTokens(frame)) - (options.decoding.maxTokens ?? 300) - 16;
    if (budget < 64) throw new AppError('ModelError', `The model's context (${context} tokens) is too small for the judge prompt.`);
    const shown = selectWithinBudget(await preparePosts(clean, (t) => llm.countTokens(t), budget), budget);
    const user = fillTemplate(options.prompt.user, { posts: renderPosts(shown), persona: persona.text });
    let lastError: unknown;
    for (let attempt = 0; attempt <= options.judgeRetries && !judge; attempt++) {
      const r = await withAbort(signal, llm, () =>
        llm.chat({
          messages: [{ role: 'system', content: options.prompt.system }, { role: 'user', content: user }],
          decoding: { ...decoding, seed: (options.seed + attempt) >>> 0 },
          ...(model.supportsJsonSchema ? { jsonSchema: JUDGE_SCHEMA } : {}),
        }),
      );
      promptTokens += r.promptTokens;
      completionTokens += r.completionTokens;
      try {
        judge = parseJudge(r.text);
      } catch (e) {
        if (!isAppError(e, 'FormatError')) throw e;
        lastError = e;
      }
    }
    if (!judge) throw lastError instanceof Error ? lastError : new AppError('FormatError', 'The judge gave no usable answer.');
  }
  const assessment: QualityAssessment = {
    provenance: provenance(model, await promptRef(options.prompt), decoding, options.seed),
    rules,
    threshold: options.threshold,
    promptTokens,
    completionTokens,
  };
  if (judge) assessment.judge = judge;
  const quality = deriveVerdict(assessment, options.threshold);
  return { ...persona, quality, status: quality.kept ? 'kept' : 'rejected', stages: { ...persona.stages, quality: assessment } };
}
