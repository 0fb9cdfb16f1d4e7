/** Shared by the bundle browser tests: a database holding every kind of record, and content hashes of whole databases. */
import { fetchDemoCorpus } from '../../../src/components/import-panel/demo-corpus';
import { ImportService } from '../../../src/services/import-service';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { inThreadAlignRunner } from '../../../src/pipeline/align-runner';
import { runAlignStage, toStoredRunResult } from '../../../src/pipeline/align-stage';
import { canonicalJson, encodeValue, prepareBlobs, sha256Bytes } from '../../../src/core/bundle';
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';
import { openAppDb, STORE_NAMES, type AppDb } from '../../../src/storage/db';
import type { StoredRun } from '../../../src/contracts/run';
import { dump, uniqueDbName } from '../db-helpers';

const fetchText = async (path: string): Promise<string> => (await fetch(`/${path}`)).text();

/**
 * A database with the demo corpus imported for real (corpora, authors, posts), demo personas,
 * a reference with typed arrays, a real Align run (typed arrays, a File in its request), a job and
 * its items, a persona set, embeddings and a target; some values carry NaN and undefined.
 */
export async function populatedDb(): Promise<{ db: AppDb; dbName: string }> {
  const dbName = uniqueDbName('bundle');
  const service = new ImportService({ dbName });
  try {
    await service.importCorpus({ name: 'demo <script>', sources: await fetchDemoCorpus('/demo-corpus/') });
  } finally {
    service.terminate();
  }
  const db = await openAppDb(dbName);
  const personas = parsePersonaJsonl(await fetchText('demo-personas/personas.jsonl')).slice(0, 50);
  const input = { pool: { kind: 'demo' as const }, reference: { kind: 'builtin' as const, entryId: 'global', n: 300, seed: 2 }, options: { method: 'nearest' as const, size: 20, seed: 4 } };
  const r = await runAlignStage(undefined, input, { fetchText, align: inThreadAlignRunner(cpuKernelFactory()) });
  const file = new File(['id,openness\nx,3\n'], 'pool.csv', { type: 'text/csv', lastModified: 1_700_000_000_000 });
  const run: StoredRun = { id: 'run-1', kind: 'align', status: 'done', title: 'nearest · K=20', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:01Z', request: { ...input, file }, result: toStoredRunResult(r) };
  const tx = db.transaction(['personas', 'references', 'referenceData', 'runs', 'jobs', 'jobItems', 'personaSets', 'embeddings', 'targets'], 'readwrite');
  await Promise.all([
    ...personas.map((p) => tx.objectStore('personas').put({ ...p, corpusId: 'set-demo', status: 'profiled', nanScore: NaN, missing: undefined } as never)),
    tx.objectStore('references').put({ id: 'ref-1', name: 'builtin sample', n: 3 } as never),
    tx.objectStore('referenceData').put({ points: new Float32Array([1, 2, 3, 4, 5, 2, 3, 4, 5, 1, 3, 3, 3, 3, 3]), weights: new Float64Array([1, 0.5, 2]), countryIndex: new Uint16Array([0, 1, 0]), countryNames: ['JP', 'KR'] }, 'ref-1'),
    tx.objectStore('runs').put(run),
    tx.objectStore('jobs').put({ id: 'job-1', kind: 'mine', at: new Date(1_700_000_000_000) } as never),
    tx.objectStore('jobItems').put({ jobId: 'job-1', key: 'a1', state: 'done', ms: -0 } as never),
    tx.objectStore('personaSets').put({ id: 'set-demo', name: 'demo', status: 'ready', createdAt: '2026-01-01', file: { name: 'p.jsonl', bytes: 1, sha256: null, format: 'jsonl' }, mapping: { $weird: 1 }, count: 50, withTraits: 50, skipped: 0, skips: [] }),
    ...personas.slice(0, 5).map((p) => tx.objectStore('embeddings').put({ textHash: p.id, vector: new Float32Array([0.1, -0.2, Math.PI]), normalized: false }, ['set-demo', 'lexical', p.id])),
    tx.objectStore('targets').put({ id: 't-1', kind: 'target', createdAt: 'x', updatedAt: 'y', query: 'students in Tokyo' }),
    tx.done,
  ]);
  return { db, dbName };
}

/** SHA-256 of a canonical, lossless dump of every store (key order; Blobs by their bytes). */
export async function contentHash(db: AppDb, skip: string[] = []): Promise<string> {
  const d = await dump(db);
  const parts: string[] = [];
  for (const name of STORE_NAMES) {
    if (skip.includes(name)) continue;
    const rows = await prepareBlobs(d[name]);
    parts.push(`${name}:${canonicalJson(encodeValue(rows))}`);
  }
  return sha256Bytes(new TextEncoder().encode(parts.join('\n')));
}
