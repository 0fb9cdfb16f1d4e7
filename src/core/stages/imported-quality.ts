/**
 * Quality of an imported persona (source.kind 'imported'): there are no source posts, so no
 * verbatim check and no faithfulness. The rules that need no posts run with length bounds for
 * sets written elsewhere (a PersonaHub persona is one sentence, a Nemotron one several
 * paragraphs), and the optional LLM judge scores internal consistency and specificity only, with
 * its own versioned prompt. The verdict is derived exactly as for mined personas (deriveVerdict).
 */
import type { DecodingOptions } from '../../contracts/llm';
import { AppError, isAppError } from '../errors';
import { provenance, withAbort, type StageContext } from './context';
import { judgeSchema, parseJudge } from './judge';
import { fillTemplate, promptRef, type PromptTemplate } from './prompts';
import { deriveVerdict, qualityOptions, type QualityOptions, type QualityOptionsInput } from './quality';
import { checkBoilerplate, checkIdentifiers, checkLanguage, checkLength, checkRepetition, type RuleOptions } from './quality-rules';
import type { JudgeResult, QualityAssessment, RuleCheck, StoredPersona } from './types';

export const IMPORTED_JUDGE_CRITERIA = ['consistency', 'specificity'] as const;

/** The judge for personas without source posts: internal consistency and specificity only. */
export const IMPORTED_JUDGE_PROMPT: PromptTemplate = {
  id: 'persona-judge-imported',
  version: 1,
  system: 'You are a strict reviewer of written personas used in research simulations. You answer in JSON only.',
  user: [
    'PERSONA:',
    '{{persona}}',
    '',
    'There is no source material for this persona; judge the text alone.',
    'Score it from 1 (poor) to 5 (excellent) on:',
    '- consistency: the persona does not contradict itself (age, occupation, habits, values fit together).',
    '- specificity: it describes one particular person, not a generic one.',
    'Reply with JSON: {"consistency": n, "specificity": n, "rationale": "one or two sentences"}.',
  ].join('\n'),
};

/** Word bounds for imported sets: only empty and runaway texts fail (the mined 150–300 describe this app's own prompt). */
export const IMPORTED_LENGTH: Pick<RuleOptions, 'minWords' | 'maxWords'> = { minWords: 8, maxWords: 3000 };

/** Quality options for imported personas: the imported judge prompt unless one is given. */
export function importedQualityOptions(over: QualityOptionsInput = {}): QualityOptions {
  return qualityOptions({ prompt: IMPORTED_JUDGE_PROMPT, ...over, rules: { ...IMPORTED_LENGTH, ...over.rules } });
}

/** The rules that need no source posts (no verbatim, no author key). */
export function importedRuleChecks(text: string, o: RuleOptions): RuleCheck[] {
  return [checkLength(text, o), checkRepetition(text, o), checkBoilerplate(text), checkLanguage(text, o), checkIdentifiers(text, '')];
}

/** The imported judge on one persona text, retried when its answer cannot be read. */
export async function judgeImportedPersona(ctx: StageContext, text: string, options: QualityOptions): Promise<{ judge: JudgeResult; promptTokens: number; completionTokens: number }> {
  const { llm, model, signal } = ctx;
  const prompt = options.prompt;
  const user = fillTemplate(prompt.user, { persona: text });
  const schema = judgeSchema(IMPORTED_JUDGE_CRITERIA, 'imported_persona_judgement');
  let promptTokens = 0;
  let completionTokens = 0;
  let lastError: unknown;
  for (let attempt = 0; attempt <= options.judgeRetries; attempt++) {
    const r = await withAbort(signal, llm, () =>
      llm.chat({
        messages: [{ role: 'system', content: prompt.system }, { role: 'user', content: user }],
        decoding: { ...options.decoding, seed: (options.seed + attempt) >>> 0 },
        ...(model.supportsJsonSchema ? { jsonSchema: schema } : {}),
      }),
    );
    promptTokens += r.promptTokens;
    completionTokens += r.completionTokens;
    try {
      return { judge: parseJudge(r.text, IMPORTED_JUDGE_CRITERIA), promptTokens, completionTokens };
    } catch (e) {
      if (!isAppError(e, 'FormatError')) throw e;
      lastError = e;
    }
  }
  throw lastError instanceof Error ? lastError : new AppError('FormatError', 'The judge gave no usable answer.');
}

/** Assesses one imported persona: rules, then (options.judge) the consistency/specificity judge. */
export async function assessImportedPersona(ctx: StageContext, persona: StoredPersona, options: QualityOptions): Promise<StoredPersona> {
  if (persona.source.kind !== 'imported') throw new AppError('InputError', `Persona ${persona.id} is not imported; assess mined personas with assessPersona.`);
  const decoding: DecodingOptions = { ...options.decoding, seed: options.seed };
  const assessment: QualityAssessment = {
    provenance: provenance(ctx.model, await promptRef(options.prompt), decoding, options.seed),
    rules: importedRuleChecks(persona.text, options.rules),
    threshold: options.threshold,
    promptTokens: 0,
    completionTokens: 0,
  };
  if (options.judge) {
    const j = await judgeImportedPersona(ctx, persona.text, options);
    assessment.judge = j.judge;
    assessment.promptTokens = j.promptTokens;
    assessment.completionTokens = j.completionTokens;
  }
  const quality = deriveVerdict(assessment, options.threshold);
  return { ...persona, quality, status: quality.kept ? 'kept' : 'rejected', stages: { ...persona.stages, quality: assessment } };
}
