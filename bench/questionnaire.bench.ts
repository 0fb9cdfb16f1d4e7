/**
 * The questionnaire's cost model and the job store's overhead, in Node with the test engine:
 * `npm run bench -- questionnaire [--personas 20] [--items 2000]`.
 *
 * 1. Prefill tokens per persona for the 50 IPIP items, with the persona as a shared prefix
 *    (prefixKey: the backend prefills it once) and without (each item re-sends it). Personas are
 *    mined by the test engine from the demo corpus (public/demo-corpus), so their length is that
 *    of a 150–250-word persona. Target: ≥ 5× fewer prefill tokens with reuse. Token counts are the
 *    test engine's estimate (chars/4); the ratio, not the absolute count, is the result.
 * 2. Job-store overhead per author: runJob over `--items` items whose worker returns a ready
 *    persona at once, so all time measured is the runner's and the store's (item → running,
 *    persona + item → done). Memory store, and the file journal with and without fsync.
 *    Target: < 5 ms per author. IndexedDB's overhead is not measured here (Node has no
 *    IndexedDB); test/browser/stages/persona-jobs.browser.test.ts logs it from Chromium.
 */
import { mkdtempSync, openAsBlob, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CorpusSource } from '../src/contracts/corpus';
import { readCorpus } from '../src/core/corpus';
import { answerQuestionnaire, mineAuthor, mineOptions, questionnaireOptions, type SelectablePost, type StoredPersona } from '../src/core/stages';
import { createTestEngine, TEST_ENGINE_ID } from '../src/llm/test-engine';
import { runJob, type ItemWorker, type JobRecord, type JobStore } from '../src/pipeline/job-runner';
import { openFileStore } from '../src/pipeline/stages/file-store';
import { MemoryPipelineStore } from '../src/pipeline/stages/memory-store';

function numArg(args: string[], name: string, dflt: number): number {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return Number(args[i + 1]);
    if (args[i]!.startsWith(`--${name}=`)) return Number(args[i]!.slice(name.length + 3));
  }
  return dflt;
}

async function demoAuthors(limit: number): Promise<{ key: string; meta: Record<string, string>; posts: SelectablePost[] }[]> {
  const dir = 'public/demo-corpus';
  const sources: CorpusSource[] = await Promise.all(
    readdirSync(dir).filter((f) => f.endsWith('.xml')).sort().map(async (f) => {
      const blob = await openAsBlob(join(dir, f));
      return { name: f, size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> };
    }),
  );
  const meta = new Map<string, Record<string, string>>();
  const posts = new Map<string, SelectablePost[]>();
  await readCorpus(sources, {
    author: (a) => meta.set(a.key, a.meta),
    post: (p) => {
      const l = posts.get(p.author) ?? [];
      l.push({ seq: l.length, date: p.date, text: p.text });
      posts.set(p.author, l);
    },
    skip: () => {},
  });
  return [...posts.keys()].sort().slice(0, limit).map((key) => ({ key, meta: meta.get(key) ?? {}, posts: posts.get(key)! }));
}

async function prefillCost(nPersonas: number): Promise<void> {
  const miner = createTestEngine();
  await miner.load(TEST_ENGINE_ID);
  const model = (await miner.info())!;
  const personas: StoredPersona[] = [];
  for (const a of await demoAuthors(nPersonas)) personas.push(await mineAuthor({ llm: miner, model }, { corpusId: 'demo', author: a.key, meta: a.meta, posts: a.posts }, mineOptions()));
  const words = personas.map((p) => p.text.split(/\s+/).length);
  const rows: [string, number, number, number][] = [];
  for (const reuse of [true, false]) {
    const llm = createTestEngine();
    await llm.load(TEST_ENGINE_ID);
    const t0 = performance.now();
    for (const p of personas) await answerQuestionnaire({ llm, model }, p, questionnaireOptions({ prefixReuse: reuse }));
    const s = llm.stats();
    rows.push([reuse ? 'with prefix reuse' : 'without', s.promptTokens / personas.length, (s.promptTokens - s.cachedPromptTokens) / personas.length, (performance.now() - t0) / personas.length]);
  }
  console.log(`personas: ${personas.length} (mined by the test engine from the demo corpus), ${Math.min(...words)}–${Math.max(...words)} words`);
  console.log('mode                 prompt tok/persona  prefilled tok/persona  ms/persona (test engine)');
  for (const [name, sent, prefilled, ms] of rows) console.log(`${name.padEnd(20)} ${sent.toFixed(0).padStart(18)}  ${prefilled.toFixed(0).padStart(21)}  ${ms.toFixed(1).padStart(8)}`);
  const ratio = rows[1]![2] / rows[0]![2];
  console.log(`prefill reduction: ${ratio.toFixed(1)}× (target ≥ 5×) ${ratio >= 5 ? 'OK' : 'MISSED'}`);
}

async function storeOverhead(label: string, store: JobStore<StoredPersona>, items: number, persona: StoredPersona): Promise<void> {
  const now = Date.now();
  const job: JobRecord = { id: 'bench', stage: 'bench', corpusId: 'demo', createdAt: now, updatedAt: now, status: 'pending', options: {}, total: 0 };
  const keys = Array.from({ length: items }, (_, i) => `author${i}`);
  const t0 = performance.now();
  await store.createJob(job, keys);
  const tCreate = performance.now() - t0;
  const worker: ItemWorker<StoredPersona> = { process: async (key) => ({ output: { ...persona, id: `demo/${key}`, source: { ...persona.source, author: key } }, promptTokens: 0, completionTokens: 0 }) };
  const t1 = performance.now();
  const r = await runJob(store, 'bench', worker, { progressEveryMs: 250 });
  const ms = performance.now() - t1;
  const per = ms / r.counts.done;
  console.log(`${label.padEnd(26)} ${(tCreate / items).toFixed(3).padStart(8)} ms/author to create  ${per.toFixed(3).padStart(8)} ms/author to run  ${per < 5 ? 'OK' : 'MISSED'} (target < 5 ms)`);
}

export default async function main(args: string[]): Promise<void> {
  const nPersonas = numArg(args, 'personas', 20);
  const items = numArg(args, 'items', 2000);
  await prefillCost(nPersonas);

  const llm = createTestEngine();
  const model = await llm.load(TEST_ENGINE_ID);
  const [a] = await demoAuthors(1);
  const persona = await answerQuestionnaire({ llm, model }, await mineAuthor({ llm, model }, { corpusId: 'demo', author: a!.key, meta: a!.meta, posts: a!.posts }));
  console.log(`\njob-store overhead, ${items} authors, a full persona record (${JSON.stringify(persona).length} bytes) per author:`);
  await storeOverhead('memory store', new MemoryPipelineStore(), items, persona);
  for (const fsync of [false, true]) {
    const dir = mkdtempSync(join(tmpdir(), 'bench-jobs-'));
    const store = openFileStore(dir, { fsync });
    await storeOverhead(`file journal, fsync ${fsync ? 'on' : 'off'}`, store, items, persona);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('IndexedDB: not measured in Node; see the log line of test/browser/stages/persona-jobs.browser.test.ts (Chromium).');
}
