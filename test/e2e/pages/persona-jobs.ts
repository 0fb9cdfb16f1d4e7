/**
 * Test-only entry (built into the e2e build only): the app's own import service, persona pipeline,
 * IndexedDB job store and the test engine, under the same CSP as the app, for
 * test/e2e/reload-mining.e2e.test.ts. The Personas stage has no hook for the test engine in the
 * production build, so the pipeline is driven through its modules here (as the browser test
 * test/browser/stages/persona-jobs.browser.test.ts does).
 */
import { fetchDemoCorpus } from '../../../src/components/import-panel/demo-corpus';
import { createTestEngine, TEST_ENGINE_ID } from '../../../src/llm/test-engine';
import { pipelineOptions, runPersonaPipeline } from '../../../src/pipeline/stages/persona-pipeline';
import { ImportService } from '../../../src/services/import-service';
import { getPosts, listAuthors } from '../../../src/storage/corpus-store';
import { openAppDb } from '../../../src/storage/db';
import { findInterruptedJobs, IdbPipelineStore, listJobs, webLocksJobLock } from '../../../src/storage/job-store';
import { listPersonas } from '../../../src/storage/persona-store';
import { personaSubject } from '../../../src/core/stages/types';
import { installAppScriptPolicy } from '../../../src/services/trusted-types';

// The app's Trusted Types policy for worker script URLs, as the app's entry installs it.
installAppScriptPolicy();

const OPTIONS = pipelineOptions({ seed: 5, quality: { threshold: 3 } });
const AUTHORS = 10;

export interface RunOutcome {
  complete: boolean;
  statuses: Record<string, string>;
}

export interface PersonaEssence {
  id: string;
  author: string;
  status: string;
  text: string;
  quality: unknown;
  answers: unknown;
  traits: unknown;
}

async function importDemo(dbName: string): Promise<string> {
  const service = new ImportService({ dbName });
  try {
    const info = await service.importCorpus({ name: 'demo', sources: await fetchDemoCorpus('/demo-corpus/') });
    return info.id;
  } finally {
    service.terminate();
  }
}

/** Runs (or resumes: same runId) mine → quality → profile on the first 10 authors. */
async function run(dbName: string, corpusId: string, runId: string): Promise<RunOutcome> {
  const db = await openAppDb(dbName);
  try {
    const authors = (await listAuthors(db, corpusId, { sort: 'key' })).slice(0, AUTHORS).map((a) => ({ key: a.key, meta: a.meta }));
    const llm = createTestEngine({ seed: 2 });
    await llm.load(TEST_ENGINE_ID);
    const r = await runPersonaPipeline({
      runId, corpusId, authors, posts: (a) => getPosts(db, corpusId, a), store: new IdbPipelineStore(db), llm,
      stages: ['mine', 'quality', 'profile'], options: OPTIONS, lock: webLocksJobLock(db), progressEveryMs: 0,
    });
    const statuses: Record<string, string> = {};
    for (const [stage, s] of Object.entries(r.jobs)) statuses[stage] = s.job.status;
    return { complete: r.complete, statuses };
  } finally {
    db.close();
  }
}

async function personas(dbName: string, corpusId: string): Promise<PersonaEssence[]> {
  const db = await openAppDb(dbName);
  try {
    return (await listPersonas(db, corpusId))
      .map((p) => ({ id: p.id, author: personaSubject(p), status: p.status, text: p.text, quality: p.quality ?? null, answers: p.answers ?? null, traits: p.traits ?? null }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  } finally {
    db.close();
  }
}

/** Raw counts straight from the object stores: duplicates would show here. */
async function records(dbName: string): Promise<{ personas: number; jobs: { id: string; status: string; total: number }[]; jobItems: number; interrupted: string[] }> {
  const db = await openAppDb(dbName);
  try {
    return {
      personas: await db.count('personas'),
      jobs: (await listJobs(db)).map((j) => ({ id: j.id, status: j.status, total: j.total })),
      jobItems: await db.count('jobItems'),
      interrupted: (await findInterruptedJobs(db)).map((j) => j.id),
    };
  } finally {
    db.close();
  }
}

/** Starts a run without waiting for it (the test reloads the page under it). */
function start(dbName: string, corpusId: string, runId: string): void {
  void run(dbName, corpusId, runId).then(
    (r) => (document.body.dataset['run'] = JSON.stringify(r)),
    (e: unknown) => (document.body.dataset['run'] = `error: ${e instanceof Error ? e.message : String(e)}`),
  );
}

declare global {
  interface Window {
    personaJobs: { importDemo: typeof importDemo; run: typeof run; start: typeof start; personas: typeof personas; records: typeof records };
  }
}

window.personaJobs = { importDemo, run, start, personas, records };
document.body.dataset['ready'] = '1';
