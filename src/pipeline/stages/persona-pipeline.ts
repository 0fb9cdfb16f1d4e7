/**
 * Stages 2–4 as jobs: mine (one item per author) → quality (one per mined persona) → profile (one
 * per kept persona). The same code runs in Node (`npm run pipeline`, MemoryPipelineStore) and in
 * the browser (IdbPipelineStore, posts from the stored corpus); only the store and the post
 * source differ.
 *
 * Each stage is its own job `${runId}:${stage}`; running the pipeline again with the same runId
 * resumes every job (done items are skipped) and extends the later jobs with items that became
 * eligible since (e.g. a larger pilot limit, a lower quality threshold).
 *
 * Usage (browser, a UI's "Run" button):
 *   const store = new IdbPipelineStore(db);
 *   const ctrl = new AbortController();
 *   const result = await runPersonaPipeline({
 *     runId: `${corpusId}:v1`, corpusId, authors, posts: (a) => getPosts(db, corpusId, a),
 *     store, llm, stages: ['mine', 'quality', 'profile'], options: pipelineOptions({ quality: { threshold: 4 } }),
 *     limit: 20, signal: ctrl.signal, onProgress: show, lock: webLocksJobLock(db.name),
 *   });
 *   abortJob(ctrl, 'pause');  // or 'cancel'
 */
import type { LlmService } from '../../contracts/llm';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError } from '../../core/errors';
import { requireModel, type StageContext } from '../../core/stages/context';
import { mineAuthor, mineOptions, type MineOptions } from '../../core/stages/mining';
import { promptRef, type PromptTemplate } from '../../core/stages/prompts';
import { assessPersona, qualityOptions, type QualityOptions, type QualityOptionsInput } from '../../core/stages/quality';
import { answerQuestionnaire, questionnaireOptions, type QuestionnaireOptions } from '../../core/stages/questionnaire';
import type { SelectablePost } from '../../core/stages/select-posts';
import { isMined, minedPersonaId, STAGE_NAMES, type StageName, type StoredPersona } from '../../core/stages/types';
import { runJob, type ItemWorker, type JobLock, type JobRecord, type JobSummary } from '../job-runner';
import type { PipelineStore } from './store';

export interface PipelineOptions {
  mine: MineOptions;
  quality: QualityOptions;
  profile: QuestionnaireOptions;
}

export interface PipelineOptionsInput {
  mine?: Partial<MineOptions>;
  quality?: QualityOptionsInput;
  profile?: Partial<QuestionnaireOptions>;
  /** One seed for all three stages unless a stage sets its own. */
  seed?: number;
}

/** Full options from partial ones (defaults documented on each stage's options type). */
export function pipelineOptions(input: PipelineOptionsInput = {}): PipelineOptions {
  const seed = input.seed !== undefined ? { seed: input.seed } : {};
  return {
    mine: mineOptions({ ...seed, ...input.mine }),
    quality: qualityOptions({ ...seed, ...input.quality }),
    profile: questionnaireOptions({ ...seed, ...input.profile }),
  };
}

export interface PipelineAuthor {
  key: string;
  meta: Record<string, string>;
}

export interface PipelineRequest {
  /** Names the jobs (`${runId}:mine`, ...): the same runId resumes. */
  runId: string;
  corpusId: string;
  /** Authors eligible for mining, in processing order (e.g. readMiningAuthors()). */
  authors: readonly PipelineAuthor[];
  /** An author's posts (any order; the stages sort them). */
  posts: (author: string) => Promise<readonly SelectablePost[]>;
  store: PipelineStore;
  llm: LlmService;
  stages: readonly StageName[];
  options: PipelineOptions;
  /** Pilot run: at most this many authors per stage. */
  limit?: number;
  retries?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  lock?: JobLock;
  /** Progress at most this often (ms, default 250; 0 = after every item). */
  progressEveryMs?: number;
}

export interface PipelineResult {
  /** Per stage that ran. A stage stops the pipeline when its job did not end 'done'. */
  jobs: Partial<Record<StageName, JobSummary>>;
  /** True when every requested stage's job ended 'done'. */
  complete: boolean;
}

/** JSON-safe description of a stage's options for the job record: prompt text replaced by its ref. */
export async function describeOptions(o: object): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    out[k] = isTemplate(v) ? await promptRef(v) : v;
  }
  return out;
}

function isTemplate(v: unknown): v is PromptTemplate {
  return typeof v === 'object' && v !== null && 'system' in v && 'user' in v && 'id' in v && 'version' in v;
}

export function mineWorker(llm: LlmService, req: Pick<PipelineRequest, 'corpusId' | 'authors' | 'posts'>, options: MineOptions): ItemWorker<StoredPersona> {
  const meta = new Map(req.authors.map((a) => [a.key, a.meta]));
  return {
    async process(author, signal) {
      const ctx: StageContext = { llm, model: await requireModel(llm), signal };
      const posts = await req.posts(author);
      const p = await mineAuthor(ctx, { corpusId: req.corpusId, author, meta: meta.get(author) ?? {}, posts }, options);
      const m = p.stages.mine!;
      return { output: p, promptTokens: m.promptTokens, completionTokens: m.completionTokens };
    },
  };
}

async function personaOf(store: PipelineStore, corpusId: string, author: string): Promise<StoredPersona> {
  const p = await store.getPersona(minedPersonaId(corpusId, author));
  if (!p) throw new AppError('InputError', `No mined persona for author ${author}; run the mining stage first.`);
  return p;
}

export function qualityWorker(llm: LlmService, req: Pick<PipelineRequest, 'corpusId' | 'posts' | 'store'>, options: QualityOptions): ItemWorker<StoredPersona> {
  return {
    async process(author, signal) {
      const ctx: StageContext = { llm, model: await requireModel(llm), signal };
      const persona = await personaOf(req.store, req.corpusId, author);
      const p = await assessPersona(ctx, persona, await req.posts(author), options);
      const q = p.stages.quality!;
      return { output: p, promptTokens: q.promptTokens, completionTokens: q.completionTokens };
    },
  };
}

export function profileWorker(llm: LlmService, req: Pick<PipelineRequest, 'corpusId' | 'store'>, options: QuestionnaireOptions): ItemWorker<StoredPersona> {
  return {
    async process(author, signal) {
      const ctx: StageContext = { llm, model: await requireModel(llm), signal };
      const persona = await personaOf(req.store, req.corpusId, author);
      if (!persona.quality?.kept) throw new AppError('InputError', `The persona of ${author} is not kept by the quality stage; it is not profiled.`);
      const p = await answerQuestionnaire(ctx, persona, options);
      const d = p.stages.profile!;
      // Prefilled tokens only: a reused prefix costs nothing, which is the point of reusing it.
      return { output: p, promptTokens: d.promptTokens - d.cachedPromptTokens, completionTokens: d.completionTokens };
    },
  };
}

/** Which items a stage's job gets: all authors, authors with a mined persona, authors with a kept one. */
async function stageKeys(stage: StageName, req: PipelineRequest): Promise<string[]> {
  if (stage === 'mine') return req.authors.map((a) => a.key);
  const wanted = new Set(req.authors.map((a) => a.key));
  // Mining jobs are per corpus author: only mined personas have one.
  const personas = (await req.store.listPersonas(req.corpusId)).filter(isMined);
  const eligible = personas.filter((p) => wanted.has(p.source.author) && (stage === 'quality' ? p.stages.mine !== undefined : p.quality?.kept === true));
  // Keep the authors' order so pilot runs take the same authors in every stage.
  const order = new Map(req.authors.map((a, i) => [a.key, i]));
  return eligible.map((p) => p.source.author).sort((a, b) => order.get(a)! - order.get(b)!);
}

/** Runs the requested stages in order, each as a resumable job. */
export async function runPersonaPipeline(req: PipelineRequest): Promise<PipelineResult> {
  const unknown = req.stages.filter((s) => !STAGE_NAMES.includes(s));
  if (unknown.length) throw new AppError('InputError', `Unknown stage(s) ${unknown.join(', ')}; use ${STAGE_NAMES.join(', ')}.`);
  const model = await requireModel(req.llm);
  const jobs: PipelineResult['jobs'] = {};
  for (const stage of STAGE_NAMES.filter((s) => req.stages.includes(s))) {
    const options = stage === 'mine' ? req.options.mine : stage === 'quality' ? req.options.quality : req.options.profile;
    const now = Date.now();
    const job: JobRecord = {
      id: `${req.runId}:${stage}`, stage, corpusId: req.corpusId, createdAt: now, updatedAt: now, status: 'pending', total: 0,
      options: { model: model.id, backend: model.backend, ...(await describeOptions(options)) },
    };
    await req.store.createJob(job, await stageKeys(stage, req));
    const worker =
      stage === 'mine' ? mineWorker(req.llm, req, req.options.mine)
      : stage === 'quality' ? qualityWorker(req.llm, req, req.options.quality)
      : profileWorker(req.llm, req, req.options.profile);
    const summary = await runJob(req.store, job.id, worker, {
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(req.lock ? { lock: req.lock } : {}),
      ...(req.limit !== undefined ? { limit: req.limit } : {}),
      retries: req.retries ?? 0,
      ...(req.progressEveryMs !== undefined ? { progressEveryMs: req.progressEveryMs } : {}),
    });
    jobs[stage] = summary;
    // A pilot limit pauses the mine job, yet the later stages should still run on what it made.
    const goOn = summary.job.status === 'done' || (summary.job.status === 'paused' && summary.job.stoppedBy === 'limit');
    if (!goOn) return { jobs, complete: false };
  }
  return { jobs, complete: req.stages.every((s) => jobs[s]?.job.status === 'done') };
}
