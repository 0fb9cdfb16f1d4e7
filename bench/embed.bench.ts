/**
 * `npm run bench -- embed [--quick]`: the target-group embedding groundwork on the CPU.
 *
 * 1. Lexical embedder on the 2,000 shipped demo personas (synthetic): fit time, then embeddings/s
 *    (texts embedded per second by `embed`, fit excluded), without reduction (16,384 hashed dims)
 *    and with the SVD to 256 dims.
 * 1b. The same through the embedding worker's API object (src/embed-models/engine.ts, what
 *    workers/embed.worker.ts exposes): load 'lexical', fit, embed in 256-text chunks with a yield
 *    between them (the price of a cancel that works), SVD 256.
 * 2. Brute-force cosine top-k (k = 50, src/core/embed/topk.ts) over 160,000 × 384 random unit
 *    Float32 vectors: ms per query (mean of several queries after a warm-up), single thread.
 *    `--quick` uses 16,000 rows. Other jobs share the CPUs: numbers are noisy.
 */
import { readFileSync } from 'node:fs';
import { parsePersonaJsonl } from '../src/core/persona-jsonl';
import { LexicalEmbedder } from '../src/core/embed/lexical';
import { createEmbedApi } from '../src/embed-models/engine';
import { cosineTopK } from '../src/core/embed/topk';
import { Rng } from '../src/core/rng';
import { loadavg } from 'node:os';
import { unitRow } from './unit-row';

export default async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  console.log(`Load average now: ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  const personas = parsePersonaJsonl(readFileSync(new URL('../public/demo-personas/personas.jsonl', import.meta.url), 'utf8'));
  const texts = personas.map((p) => p.text);

  console.log(`\n1. Lexical embedder, ${texts.length} demo personas`);
  console.log('variant            dim     fit s   embed s   embeddings/s');
  for (const svdDims of [null, 256] as const) {
    const t0 = performance.now();
    const e = new LexicalEmbedder({ svdDims }).fit(texts);
    const fitS = (performance.now() - t0) / 1000;
    e.embed(texts.slice(0, 100)); // warm-up
    const reps = svdDims === null ? 1 : 2;
    const t1 = performance.now();
    for (let r = 0; r < reps; r++) e.embed(texts);
    const embS = (performance.now() - t1) / 1000 / reps;
    const label = svdDims === null ? 'no reduction' : `SVD ${svdDims}`;
    console.log(`${label.padEnd(18)} ${String(e.dim).padEnd(7)} ${fitS.toFixed(2).padStart(5)}   ${embS.toFixed(3).padStart(7)}   ${(texts.length / embS).toFixed(0).padStart(12)}`);
  }

  console.log('\n1b. Lexical (SVD 256) through the embedding worker API (chunked, abortable)');
  const api = createEmbedApi();
  await api.configure({ lexical: { svdDims: 256 } });
  await api.load('lexical');
  await api.fit(texts);
  await api.embed(texts.slice(0, 100)); // warm-up
  const tApi = performance.now();
  const viaApi = await api.embed(texts);
  const apiS = (performance.now() - tApi) / 1000;
  console.log(`embed s ${apiS.toFixed(3)}   embeddings/s ${(viaApi.n / apiS).toFixed(0)}   (dim ${viaApi.dim})`);

  const n = quick ? 16_000 : 160_000;
  const dim = 384;
  const k = 50;
  console.log(`\n2. CPU cosine top-k, ${n} × ${dim} random unit vectors, k = ${k}`);
  const rng = new Rng(1);
  const m = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) unitRow(m, i * dim, dim, rng);
  const queries = new Float32Array(8 * dim);
  for (let j = 0; j < 8; j++) unitRow(queries, j * dim, dim, rng);
  cosineTopK(m, dim, queries.subarray(0, dim), k); // warm-up
  const t = performance.now();
  for (let j = 0; j < 8; j++) cosineTopK(m, dim, queries.subarray(j * dim, (j + 1) * dim), k);
  const ms = (performance.now() - t) / 8;
  console.log(`ms per query: ${ms.toFixed(1)}  (${((n * dim) / (ms / 1000) / 1e9).toFixed(2)} G multiply-adds/s; ${(m.byteLength / 2 ** 20).toFixed(0)} MiB scanned)`);
}
