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
import { requireModel, type StageContext } from '../core/stages/context';
import { assessImportedPersona, importedQualityOptions } from '../core/stages/imported-quality';
import type { QualityOptions } from '../core/stages/quality';
import { answerQuestionnaire } from '../core/stages/questionnaire';
import type { StageName, StoredPersona } from '../core/stages/types';
import { importedPersonaId, localPersonaId } from '../storage/persona-set-store';
import { runJob, type ItemWorker, type JobLock, type JobRecord } from './job-runner';
import { describeOptions, type PipelineOptions, type PipelineResult } from './stages/persona-pipeline';
import type { PipelineStore } from './stages/store';

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

async function personaOf(store: PipelineStore, setId: string, key: string): Promise<StoredPersona> {
  const p = await store.getPersona(importedPersonaId(setId, key));
  if (!p) throw new AppError('InputError', `No persona "${key}" in this set; it may have been deleted.`);
  return p;
}

/**
 * The set's quality options: the imported judge prompt (consistency, specificity) and length bounds
 * (src/core/stages/imported-quality.ts), with the threshold, judge switch, seed and decoding chosen
 * in the stage.
 */
export function setQualityOptions(q: QualityOptions): QualityOptions {
  return importedQualityOptions({ threshold: q.threshold, judge: q.judge, seed: q.seed, decoding: q.decoding, judgeRetries: q.judgeRetries });
}

function worker(req: ImportedStageRequest, quality: QualityOptions): ItemWorker<StoredPersona> {
  return {
    async process(key, signal) {
      const ctx: StageContext = { llm: req.llm, model: await requireModel(req.llm), signal };
      const persona = await personaOf(req.store, req.setId, key);
      if (req.stage === 'quality') {
        const p = await assessImportedPersona(ctx, persona, quality);
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
  const quality = setQualityOptions(req.options.quality);
  const options = req.stage === 'quality' ? quality : req.options.profile;
  const personas = await req.store.listPersonas(req.setId);
  const eligible = personas.filter((p) => p.source.kind === 'imported' && (req.stage === 'quality' || p.quality?.kept === true));
  const now = Date.now();
  const job: JobRecord = {
    id: req.jobId, stage: req.stage, corpusId: req.setId, createdAt: now, updatedAt: now, status: 'pending', total: 0,
    options: { model: model.id, backend: model.backend, ...(await describeOptions(options)) },
  };
  await req.store.createJob(job, eligible.map(localPersonaId));
  const summary = await runJob(req.store, job.id, worker(req, quality), {
    ...(req.signal ? { signal: req.signal } : {}),
    ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    ...(req.lock ? { lock: req.lock } : {}),
    ...(req.limit !== undefined ? { limit: req.limit } : {}),
    retries: 0,
    ...(req.progressEveryMs !== undefined ? { progressEveryMs: req.progressEveryMs } : {}),
  });
  return { jobs: { [req.stage]: summary }, complete: summary.job.status === 'done' };
}
