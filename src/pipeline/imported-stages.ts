/**
 * Quality and Profile over an imported persona set: the same job runner, job ids, stores and
 * stage functions as mined personas, with one item per persona (its id in the file) instead of
 * one per corpus author. There are no source posts, so quality runs the rules that need none
 * (length, repetition, boilerplate, language, identifiers) and, when asked, a judge of internal
 * consistency and specificity only; profile asks the questionnaire of every kept persona.
 *
 *   await runImportedStage({ setId, stage: 'quality', jobId, store, llm, options, lock, signal });
 */
import type { LlmService } from '../contracts/llm';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import { provenance, requireModel, type StageContext } from '../core/stages/context';
import { promptRef } from '../core/stages/prompts';
import { deriveVerdict, type QualityOptions } from '../core/stages/quality';
import { checkBoilerplate, checkIdentifiers, checkLanguage, checkLength, checkRepetition, type RuleOptions } from '../core/stages/quality-rules';
import { answerQuestionnaire } from '../core/stages/questionnaire';
import type { QualityAssessment, RuleCheck, StageName, StoredPersona } from '../core/stages/types';
import { importedPersonaId, localPersonaId } from '../storage/persona-set-store';
import { runJob, type ItemWorker, type JobLock, type JobRecord } from './job-runner';
import { describeOptions, type PipelineOptions, type PipelineResult } from './stages/persona-pipeline';
import type { PipelineStore } from './stages/store';

/**
 * Length bounds for imported personas. Sets follow their own formats (a PersonaHub persona is one
 * sentence, a Nemotron one several paragraphs), so only empty and runaway texts fail; the mined
 * defaults (150–300 words) describe this app's own mining prompt.
 */
export const IMPORTED_LENGTH: Pick<RuleOptions, 'minWords' | 'maxWords'> = { minWords: 8, maxWords: 3000 };

export interface ImportedStageRequest {
  setId: string;
  stage: StageName;
  /** The job's id (PersonaJobs.jobId(setId, stage)): running again resumes it. */
  jobId: string;
  store: PipelineStore;
  llm: LlmService;
  options: PipelineOptions;
  limit?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  lock?: JobLock;
  progressEveryMs?: number;
}

/** The rules that need no source posts, with the imported length bounds. */
export function importedRuleChecks(text: string, o: RuleOptions): RuleCheck[] {
  const rules = { ...o, ...IMPORTED_LENGTH };
  return [checkLength(text, rules), checkRepetition(text, rules), checkBoilerplate(text), checkLanguage(text, rules), checkIdentifiers(text, '')];
}

/** Quality of one imported persona: rules (no posts to compare with); the verdict derived as for mined ones. */
export async function assessImportedPersona(ctx: StageContext, persona: StoredPersona, options: QualityOptions): Promise<StoredPersona> {
  if (options.judge) {
    throw new AppError('InputError', 'The LLM judge for imported personas is not available in this build; turn the judge off to run the rule checks.');
  }
  const assessment: QualityAssessment = {
    provenance: provenance(ctx.model, await promptRef(options.prompt), { ...options.decoding, seed: options.seed }, options.seed),
    rules: importedRuleChecks(persona.text, options.rules),
    threshold: options.threshold,
    promptTokens: 0,
    completionTokens: 0,
  };
  const quality = deriveVerdict(assessment, options.threshold);
  return { ...persona, quality, status: quality.kept ? 'kept' : 'rejected', stages: { ...persona.stages, quality: assessment } };
}

async function personaOf(store: PipelineStore, setId: string, key: string): Promise<StoredPersona> {
  const p = await store.getPersona(importedPersonaId(setId, key));
  if (!p) throw new AppError('InputError', `No persona "${key}" in this set; it may have been deleted.`);
  return p;
}

function worker(req: ImportedStageRequest): ItemWorker<StoredPersona> {
  return {
    async process(key, signal) {
      const ctx: StageContext = { llm: req.llm, model: await requireModel(req.llm), signal };
      const persona = await personaOf(req.store, req.setId, key);
      if (req.stage === 'quality') {
        const p = await assessImportedPersona(ctx, persona, req.options.quality);
        const q = p.stages.quality!;
        return { output: p, promptTokens: q.promptTokens, completionTokens: q.completionTokens };
      }
      if (!persona.quality?.kept) throw new AppError('InputError', `Persona ${key} is not kept by the quality stage; it is not profiled.`);
      const p = await answerQuestionnaire(ctx, persona, req.options.profile);
      const d = p.stages.profile!;
      return { output: p, promptTokens: d.promptTokens - d.cachedPromptTokens, completionTokens: d.completionTokens };
    },
  };
}

/** Runs (or resumes) the set's quality or profile job. */
export async function runImportedStage(req: ImportedStageRequest): Promise<PipelineResult> {
  if (req.stage === 'mine') throw new AppError('InputError', 'Imported personas are not mined: run the Quality or Profile stage on the set.');
  const model = await requireModel(req.llm);
  const options = req.stage === 'quality' ? req.options.quality : req.options.profile;
  const personas = await req.store.listPersonas(req.setId);
  const eligible = personas.filter((p) => p.source.kind === 'imported' && (req.stage === 'quality' || p.quality?.kept === true));
  const now = Date.now();
  const job: JobRecord = {
    id: req.jobId, stage: req.stage, corpusId: req.setId, createdAt: now, updatedAt: now, status: 'pending', total: 0,
    options: { model: model.id, backend: model.backend, ...(await describeOptions(options)) },
  };
  await req.store.createJob(job, eligible.map(localPersonaId));
  const summary = await runJob(req.store, job.id, worker(req), {
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    ...(req.lock ? { lock: req.lock } : {}),
    ...(req.limit !== undefined ? { limit: req.limit } : {}),
    retries: 0,
    ...(req.progressEveryMs !== undefined ? { progressEveryMs: req.progressEveryMs } : {}),
  });
  return { jobs: { [req.stage]: summary }, complete: summary.job.status === 'done' };
}
