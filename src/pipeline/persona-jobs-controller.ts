/**
 * What the Personas, Quality and Profile views do with jobs, in one small class so the elements
 * stay UI only: which authors the Corpus stage selected, the job of each stage (one resumable job
 * per corpus and stage, `${corpusId}:ui:${stage}`), running/pausing/cancelling it through
 * runPersonaPipeline, reading personas and failed items, the quality threshold and manual overrides.
 *
 *   const jobs = await PersonaJobs.open();                // or new PersonaJobs(db) in tests
 *   const authors = await jobs.selectedAuthors(sel);
 *   const run = jobs.start('mine', { corpusId, authors, llm, options, limit: 20, onProgress });
 *   run.pause();  // or run.cancel();   await run.done;
 *
 * The owner id may also be an imported persona set ("set-…"): its quality and profile jobs run
 * over the set's personas (./imported-stages.ts) with the same job ids, views and overrides.
 */
import type { AuthorFilter } from '../contracts/corpus-store';
import type { LlmService } from '../contracts/llm';
import type { ProgressCallback } from '../contracts/progress';
import { reevaluate } from '../core/stages/quality';
import type { StageName, StoredPersona } from '../core/stages/types';
import { getPosts, listAuthors } from '../storage/corpus-store';
import { openAppDb, type AppDb } from '../storage/db';
import { IdbPipelineStore, webLocksJobLock } from '../storage/job-store';
import { applyThreshold, listPersonas, putPersonas } from '../storage/persona-store';
import { abortJob, countItems, type JobItem, type JobRecord, type ItemState } from './job-runner';
import { runPersonaPipeline, type PipelineAuthor, type PipelineOptions, type PipelineResult } from './stages/persona-pipeline';
import { isPersonaSetId } from '../storage/persona-set-store';
import { runImportedStage } from './imported-stages';

/** A manual keep/reject a user set on a persona; it survives threshold changes. */
export interface QualityOverride {
  verdict: 'keep' | 'reject';
  at: string;
}

/** A StoredPersona as the views see it: the override lives on the record (IndexedDB keeps extra fields). */
export type ViewPersona = StoredPersona & { override?: QualityOverride };

export interface JobView {
  job: JobRecord;
  counts: Record<ItemState, number>;
  failed: JobItem[];
  promptTokens: number;
  completionTokens: number;
}

export interface StartRequest {
  corpusId: string;
  authors: readonly PipelineAuthor[];
  llm: LlmService;
  options: PipelineOptions;
  /** Pilot cap: at most this many finished authors in the job. */
  limit?: number;
  onProgress?: ProgressCallback;
  /** Progress at most this often (ms); tests use 0. */
  progressEveryMs?: number;
}

export interface RunHandle {
  done: Promise<PipelineResult>;
  pause(): void;
  cancel(): void;
}

export class PersonaJobs {
  readonly store: IdbPipelineStore;
  private readonly lock;

  constructor(readonly db: AppDb) {
    this.store = new IdbPipelineStore(db);
    this.lock = webLocksJobLock(db);
  }

  static async open(dbName?: string): Promise<PersonaJobs> {
    return new PersonaJobs(await openAppDb(dbName));
  }

  static jobId(corpusId: string, stage: StageName): string {
    return `${corpusId}:ui:${stage}`;
  }

  /** The Corpus stage's chosen authors (its saved filter), in author-key order. */
  async selectedAuthors(corpusId: string, filter: AuthorFilter): Promise<PipelineAuthor[]> {
    return (await listAuthors(this.db, corpusId, { filter, sort: 'key' })).map((a) => ({ key: a.key, meta: a.meta }));
  }

  /** The corpus's or the persona set's name. */
  async corpusName(corpusId: string): Promise<string | undefined> {
    if (isPersonaSetId(corpusId)) return (await this.db.get('personaSets', corpusId))?.name;
    return (await this.db.get('corpora', corpusId))?.name;
  }

  posts(corpusId: string, author: string): ReturnType<typeof getPosts> {
    return getPosts(this.db, corpusId, author);
  }

  /** The stage's job and item tallies, or undefined before its first run. */
  async view(corpusId: string, stage: StageName): Promise<JobView | undefined> {
    const job = await this.store.getJob(PersonaJobs.jobId(corpusId, stage));
    if (!job) return undefined;
    const items = await this.store.listItems(job.id);
    return {
      job,
      counts: countItems(items),
      failed: items.filter((i) => i.state === 'failed'),
      promptTokens: items.reduce((s, i) => s + (i.promptTokens ?? 0), 0),
      completionTokens: items.reduce((s, i) => s + (i.completionTokens ?? 0), 0),
    };
  }

  /** Runs (or resumes: the same job id) one stage. Pause and cancel stop after the current model call is aborted. */
  start(stage: StageName, req: StartRequest): RunHandle {
    const ctrl = new AbortController();
    if (isPersonaSetId(req.corpusId)) {
      const done = runImportedStage({ ...req, setId: req.corpusId, stage, store: this.store, lock: this.lock, signal: ctrl.signal, jobId: PersonaJobs.jobId(req.corpusId, stage) });
      return { done, pause: () => abortJob(ctrl, 'pause'), cancel: () => abortJob(ctrl, 'cancel') };
    }
    const done = runPersonaPipeline({
      runId: `${req.corpusId}:ui`,
      corpusId: req.corpusId,
      authors: req.authors,
      posts: (a) => getPosts(this.db, req.corpusId, a),
      store: this.store,
      llm: req.llm,
      stages: [stage],
      options: req.options,
      signal: ctrl.signal,
      lock: this.lock,
      ...(req.limit !== undefined ? { limit: req.limit } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(req.progressEveryMs !== undefined ? { progressEveryMs: req.progressEveryMs } : {}),
    });
    return { done, pause: () => abortJob(ctrl, 'pause'), cancel: () => abortJob(ctrl, 'cancel') };
  }

  listPersonas(corpusId: string): Promise<ViewPersona[]> {
    return listPersonas(this.db, corpusId);
  }

  /** New verdicts from stored scores (no model call), then manual overrides re-applied on top. */
  async setThreshold(corpusId: string, threshold: number): Promise<{ kept: number; changed: number }> {
    const r = await applyThreshold(this.db, corpusId, threshold);
    // Manual overrides win over the threshold's verdict (reevaluate already keeps a re-kept,
    // answered persona 'profiled').
    const after = (await this.listPersonas(corpusId)).map((p): ViewPersona => (p.override ? withOverride(p, p.override) : p));
    await putPersonas(this.db, after.filter((p) => p.override));
    return { kept: after.filter((p) => p.quality?.kept).length, changed: r.changed };
  }

  /** Stores a manual verdict (or clears it: back to the threshold's verdict). */
  async setOverride(persona: ViewPersona, verdict: QualityOverride['verdict'] | null): Promise<ViewPersona> {
    const next = verdict === null ? clearOverride(persona) : withOverride(persona, { verdict, at: new Date().toISOString() });
    await putPersonas(this.db, [next]);
    return next;
  }
}

function withOverride(p: ViewPersona, o: QualityOverride | undefined): ViewPersona {
  if (!o || !p.quality) return p;
  const kept = o.verdict === 'keep';
  const reasons = p.quality.reasons.filter((r) => !r.startsWith('manual override'));
  // A persona with answers is 'profiled' when kept, even if an earlier verdict had rejected it.
  const status = kept ? (p.answers ? 'profiled' : 'kept') : 'rejected';
  return { ...p, override: o, status, quality: { ...p.quality, kept, reasons: kept ? reasons : [...reasons, 'manual override: rejected by the user'] } };
}

function clearOverride(p: ViewPersona): ViewPersona {
  const { override: _drop, ...rest } = p;
  const threshold = p.stages.quality?.threshold;
  if (threshold === undefined) return rest;
  const next = reevaluate(rest, threshold);
  return next.quality?.kept && next.answers ? { ...next, status: 'profiled' } : next;
}
