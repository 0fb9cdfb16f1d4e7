/**
 * `npm run pipeline -- --corpus PATH --endpoint URL --model NAME [--stages mine,quality,profile]
 *    [--limit N] [--out DIR] [--seed S] [--threshold T] [--allow-remote] [--engine http|test]
 *    [--author-col C --text-col C [--date-col C] [--meta-col C,...]] [--format F]`
 * `npm run pipeline -- --personas FILE [--format personahub|nemotron|tinytroupe|oasis|persona-align|jsonl|json|csv|tsv|parquet]
 *    [--text-field F[,F…]] [--id-field F] [--trait-fields O,C,E,A,N --trait-scale 1-5|0-1|0-100|z] [--no-judge]
 *    --endpoint URL --model NAME (or --engine test) [--stages quality,profile] [--out DIR] …`
 *
 * With --personas, an existing persona set (src/core/persona-import: the preset's mapping, or the
 * one suggested from the file's fields, changed by --text-field/--id-field/--trait-*) goes through
 * Quality (rules without posts; the consistency/specificity judge unless --no-judge) and Profile
 * with the same stage code as the app's imported sets (src/pipeline/imported-stages.ts). Same
 * outputs; the manifest adds the set's provenance (file, SHA-256, format, mapping, rows skipped) and,
 * where the file came with trait scores, their agreement with the measured ones.
 *
 * Runs the persona stages (mine → quality → profile) in Node with the same stage code as the app,
 * against an OpenAI-compatible server (src/llm/http-backend.ts; loopback only unless
 * --allow-remote), or `--engine test` (the deterministic test engine: no model; the manifest says
 * so). A server key, if needed, is read from $PIPELINE_API_KEY (never recorded). Writes into DIR
 * (default ./pipeline-out):
 *   journal.jsonl   the job store (append-only); running again with the same DIR resumes
 *   personas.jsonl  one persona per line: id, author, status, text, meta, quality, answers, traits, flags
 *   manifest.json   inputs (name, size, sha256), options, model, backend, prompts, decoding, seeds,
 *                   package versions, timings and counts of every invocation
 * Exit 0 when every requested stage finished (or reached --limit), 1 when a stage stopped (error,
 * Ctrl-C), 2 on usage errors (including a DIR that holds a run with other inputs or options).
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, openAsBlob, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_INFO, PACKAGE_VERSIONS } from '../core/package-info';
import type { ColumnMapping, CorpusFormat, CorpusReadOptions, CorpusSource } from '../contracts/corpus';
import type { AuthorSummary } from '../contracts/corpus-store';
import type { LlmModelInfo, LlmService } from '../contracts/llm';
import { CORPUS_EXTENSIONS, countWords, isHiddenPath, readCorpus } from '../core/corpus';
import { selectAuthors } from '../core/corpus-filter';
import { isAppError } from '../core/errors';
import { questionnaireReport, STAGE_NAMES, type SelectablePost, type StageName, type StoredPersona } from '../core/stages';
import { describeBackend } from '../llm/describe';
import { createHttpBackend } from '../llm/http-backend';
import { createTestEngine, TEST_ENGINE_ID } from '../llm/test-engine';
import { abortJob, processJobLock } from '../pipeline/job-runner';
import { lockDir, openFileStore } from '../pipeline/stages/file-store';
import { describeOptions, pipelineOptions, runPersonaPipeline, type PipelineResult } from '../pipeline/stages/persona-pipeline';
import { runImportedStage, setQualityOptions } from '../pipeline/imported-stages';
import { importedPersonaId } from '../storage/persona-set-store';
import {
  blobSource, collectPersonaRecords, isPersonaFileFormat, presetMapping, previewPersonaFile, PERSONA_PRESETS, TRAIT_SCALES,
  type PersonaFileFormat, type PersonaImportSummary, type PersonaMapping, type PersonaPresetId, type TraitScale,
} from '../core/persona-import';
import { traitAgreement } from '../core/psychometrics/agreement';
import { TRAITS } from '../core/traits';
import { UsageError, unknownFlag, walkArgs } from './args';

const FORMATS: CorpusFormat[] = ['blog-xml', 'blog-csv', 'csv', 'tsv', 'jsonl'];
export const PIPELINE_MANIFEST_FORMAT = 'persona-align/persona-run@1';
const PERSONA_FORMATS: string[] = [...PERSONA_PRESETS.filter((p) => p !== 'generic'), 'jsonl', 'json', 'csv', 'tsv', 'parquet'];
const USAGE =
  'usage: npm run pipeline -- --corpus PATH [--corpus PATH...] (--endpoint URL --model NAME | --engine test) ' +
  '[--stages mine,quality,profile] [--limit N] [--out DIR] [--seed S] [--threshold T] [--allow-remote] ' +
  '[--format F] [--author-col C --text-col C [--date-col C] [--meta-col C,C]]\n' +
  '   or: npm run pipeline -- --personas FILE (--endpoint URL --model NAME | --engine test) [--stages quality,profile] ' +
  `[--format ${PERSONA_FORMATS.join('|')}] [--text-field F[,F...]] [--id-field F] ` +
  '[--trait-fields O,C,E,A,N --trait-scale 1-5|0-1|0-100|z] [--no-judge] [--limit N] [--out DIR] [--seed S] [--threshold T]';

export interface PipelineArgs {
  corpus: string[];
  engine: 'http' | 'test';
  endpoint?: string;
  model?: string;
  stages: StageName[];
  limit?: number;
  out: string;
  seed: number;
  threshold: number;
  allowRemote: boolean;
  format?: CorpusFormat;
  mapping?: ColumnMapping;
  /** An existing persona set instead of a corpus, and how to read it. */
  personas?: string;
  personaPreset?: PersonaPresetId;
  personaFormat?: PersonaFileFormat;
  textFields?: string[];
  idField?: string;
  traitFields?: string[];
  traitScale?: TraitScale;
  /** Run the LLM judge in the quality stage (default true; --no-judge = rules only). */
  judge: boolean;
}

export function parseArgs(argv: readonly string[]): PipelineArgs {
  const a: PipelineArgs = { corpus: [], engine: 'http', stages: [...STAGE_NAMES], out: 'pipeline-out', seed: 1, threshold: 4, allowRemote: false, judge: true };
  let format: string | undefined;
  let stagesGiven = false;
  let author: string | undefined;
  let text: string | undefined;
  let date: string | undefined;
  const meta: string[] = [];
  for (const { arg, flag, value } of walkArgs(argv)) {
    const int = (min: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} needs a whole number ≥ ${min}, not "${v}"`);
      return n;
    };
    switch (flag) {
      case '--corpus': a.corpus.push(value()); break;
      case '--endpoint': a.endpoint = value(); break;
      case '--model': a.model = value(); break;
      case '--engine': {
        const e = value();
        if (e !== 'http' && e !== 'test') throw new UsageError(`--engine is "http" (default) or "test", not "${e}"`);
        a.engine = e;
        break;
      }
      case '--stages': {
        const s = value().split(',').map((x) => x.trim()).filter(Boolean);
        const bad = s.filter((x) => !STAGE_NAMES.includes(x as StageName));
        if (bad.length || s.length === 0) throw new UsageError(`--stages takes ${STAGE_NAMES.join(',')}; not ${bad.join(',') || 'nothing'}`);
        a.stages = s as StageName[];
        stagesGiven = true;
        break;
      }
      case '--limit': a.limit = int(1); break;
      case '--out': a.out = value(); break;
      case '--seed': a.seed = int(0); break;
      case '--threshold': {
        const t = Number(value());
        if (!(t >= 1 && t <= 5)) throw new UsageError('--threshold is a judge score from 1 to 5');
        a.threshold = t;
        break;
      }
      case '--allow-remote': a.allowRemote = true; break;
      case '--format': format = value(); break;
      case '--personas': a.personas = value(); break;
      case '--text-field': a.textFields = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--id-field': a.idField = value(); break;
      case '--trait-fields': a.traitFields = value().split(',').map((s) => s.trim()); break;
      case '--trait-scale': {
        const t = value();
        if (!(TRAIT_SCALES as readonly string[]).includes(t)) throw new UsageError(`--trait-scale is one of ${TRAIT_SCALES.join(', ')}, not "${t}"`);
        a.traitScale = t as TraitScale;
        break;
      }
      case '--no-judge': a.judge = false; break;
      case '--author-col': author = value(); break;
      case '--text-col': text = value(); break;
      case '--date-col': date = value(); break;
      case '--meta-col': meta.push(...value().split(',').map((s) => s.trim()).filter(Boolean)); break;
      case '--help': case '-h': throw new UsageError(USAGE);
      default: throw unknownFlag(arg, 'option', USAGE);
    }
  }
  if (a.personas !== undefined) {
    if (a.corpus.length > 0) throw new UsageError('--corpus and --personas are two kinds of run; give one of them');
    if (author !== undefined || text !== undefined || date !== undefined || meta.length > 0) throw new UsageError('--author-col/--text-col/--date-col/--meta-col are for corpora; a persona file takes --text-field and --id-field');
    if (format !== undefined) {
      if (!PERSONA_FORMATS.includes(format)) throw new UsageError(`unknown persona format "${format}"; use one of ${PERSONA_FORMATS.join(', ')}`);
      if (isPersonaFileFormat(format)) a.personaFormat = format;
      else a.personaPreset = format as PersonaPresetId;
    }
    if (!stagesGiven) a.stages = ['quality', 'profile'];
    if (a.stages.includes('mine')) throw new UsageError('imported personas are not mined: use --stages quality,profile');
    if (a.traitFields !== undefined && a.traitFields.length !== TRAITS.length) throw new UsageError(`--trait-fields names five fields, in the order ${TRAITS.join(', ')}`);
    if ((a.traitFields === undefined) !== (a.traitScale === undefined)) throw new UsageError('--trait-fields and --trait-scale go together');
    if (a.engine === 'http' && (!a.endpoint || !a.model)) throw new UsageError('--endpoint URL and --model NAME are needed (or --engine test for a run without a model)');
    return a;
  }
  if (a.textFields || a.idField || a.traitFields || a.traitScale) throw new UsageError('--text-field, --id-field and --trait-* are for --personas FILE');
  if (format !== undefined) {
    if (!FORMATS.includes(format as CorpusFormat)) throw new UsageError(`unknown format "${format}"; use one of ${FORMATS.join(', ')}`);
    a.format = format as CorpusFormat;
  }
  if (a.corpus.length === 0) throw new UsageError(`give --corpus PATH or --personas FILE\n${USAGE}`);
  if (a.engine === 'http' && (!a.endpoint || !a.model)) throw new UsageError('--endpoint URL and --model NAME are needed (or --engine test for a run without a model)');
  if ((author === undefined) !== (text === undefined)) throw new UsageError('--author-col and --text-col go together');
  if (author !== undefined && text !== undefined) a.mapping = { author, text, ...(date !== undefined ? { date } : {}), meta };
  return a;
}

/** Files under the paths: files themselves, folders' corpus files recursively (sorted, no dot files). */
function collect(path: string): string[] {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    if (isHiddenPath(name)) continue;
    const full = join(path, name);
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (CORPUS_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))) out.push(full);
  }
  return out;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

interface LoadedCorpus {
  corpusId: string;
  inputs: { name: string; size: number; sha256: string }[];
  authors: AuthorSummary[];
  posts: Map<string, SelectablePost[]>;
  summary: { authors: number; posts: number; words: number; skipped: number };
}

async function loadCorpus(args: PipelineArgs): Promise<LoadedCorpus> {
  const files = args.corpus.flatMap(collect);
  if (files.length === 0) throw new UsageError(`no corpus files (${CORPUS_EXTENSIONS.join(' ')}) under ${args.corpus.join(', ')}`);
  const inputs = await Promise.all(files.map(async (f) => ({ name: f, size: statSync(f).size, sha256: await sha256File(f) })));
  // The corpus id is the inputs' content: the same files give the same persona ids everywhere.
  const corpusId = 'files-' + createHash('sha256').update(inputs.map((i) => i.sha256).join(',')).digest('hex').slice(0, 16);
  const sources: CorpusSource[] = await Promise.all(
    files.map(async (f) => {
      const blob = await openAsBlob(f);
      return { name: f, size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> };
    }),
  );
  const meta = new Map<string, Record<string, string>>();
  const posts = new Map<string, SelectablePost[]>();
  const options: CorpusReadOptions = {};
  if (args.format) options.format = args.format;
  if (args.mapping) options.mapping = args.mapping;
  const s = await readCorpus(sources, {
    author: (a) => meta.set(a.key, { ...meta.get(a.key), ...a.meta }),
    post: (p) => {
      const list = posts.get(p.author) ?? [];
      list.push({ seq: list.length, date: p.date, text: p.text });
      posts.set(p.author, list);
    },
    skip: () => {},
  }, options);
  const summaries: AuthorSummary[] = [...posts.entries()].map(([key, ps]) => {
    const dates = ps.map((p) => p.date).filter((d): d is string => d !== null).sort();
    return { corpusId, key, meta: meta.get(key) ?? {}, posts: ps.length, words: ps.reduce((n, p) => n + countWords(p.text), 0), dateMin: dates[0] ?? null, dateMax: dates[dates.length - 1] ?? null };
  });
  return { corpusId, inputs, authors: selectAuthors(summaries, { sort: 'key' }), posts, summary: { authors: s.authors, posts: s.posts, words: s.words, skipped: s.skippedCount } };
}

/** One output line: what a downstream user of the persona set needs (full detail stays in the journal). */
export function personaLine(p: StoredPersona): Record<string, unknown> {
  return {
    // A PersonaRecord (src/contracts/persona.ts) plus stage detail, so `npm run align -- --pool
    // personas.jsonl` and the app read it as is; fields a persona has not reached are left out.
    id: p.id, source: p.source, author: p.source.kind === 'mined' ? p.source.author : undefined, corpusId: p.corpusId, status: p.status, text: p.text, meta: p.meta,
    quality: p.quality,
    answers: p.answers,
    traits: p.traits,
    // Imported personas: the scores the file came with, kept apart from the measured `traits`.
    givenTraits: p.givenTraits,
    flags: p.stages.profile?.flags ?? [],
    verbatimSpans: p.stages.mine?.verbatim.length ?? 0,
    prompts: Object.fromEntries(Object.entries(p.stages).map(([k, d]) => [k, d?.provenance.prompt])),
  };
}

/** Cronbach's α / ω per trait and response-style counts of the profiled personas, JSON-safe (NaN → null). */
function summarizeQuestionnaire(personas: readonly StoredPersona[]): Record<string, unknown> {
  const r = questionnaireReport(personas);
  const num = (x: number): number | null => (Number.isFinite(x) ? Number(x.toFixed(4)) : null);
  return {
    n: r.n,
    reliability: r.reliability.map((t) => ({ trait: t.trait, nComplete: t.nComplete, alpha: num(t.alpha), omega: num(t.omega) })),
    meanAcquiescence: num(r.meanAcquiescence),
    flagged: r.flagged,
    methods: r.methods,
    meanCoverage: r.meanCoverage === undefined ? null : num(r.meanCoverage),
  };
}

function writeAtomic(path: string, text: string): void {
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
}

/** The model the run uses: the test engine, or an OpenAI-compatible server; an exit code when it cannot be opened. */
async function openLlm(args: PipelineArgs): Promise<{ llm: LlmService; endpoint: { baseUrl?: string } } | number> {
  try {
    if (args.engine === 'test') {
      const llm = createTestEngine({ seed: args.seed });
      await llm.load(TEST_ENGINE_ID);
      return { llm, endpoint: {} };
    }
    // A server key comes from the environment only: never from argv (shell history) or into the manifest.
    const apiKey = process.env['PIPELINE_API_KEY'];
    const llm = createHttpBackend({ baseUrl: args.endpoint!, model: args.model!, allowRemote: args.allowRemote, ...(apiKey ? { apiKey } : {}) });
    await llm.load(args.model!);
    return { llm, endpoint: { baseUrl: args.endpoint! } };
  } catch (e) {
    if (isAppError(e)) {
      console.error(`pipeline: ${e.message}`);
      return 2;
    }
    throw e;
  }
}

/** Per stage of the run: job status, item counts, failures and tokens (the manifest's `stages`). */
async function stageSummaries(store: ReturnType<typeof openFileStore>, runKey: string, result: PipelineResult | undefined): Promise<Record<string, unknown>> {
  const stages: Record<string, unknown> = {};
  for (const s of STAGE_NAMES) {
    const j = await store.getJob(`${runKey}:${s}`);
    if (!j) continue;
    const items = await store.listItems(j.id);
    const count = (st: string): number => items.filter((i) => i.state === st).length;
    stages[s] = {
      status: j.status, stoppedBy: j.stoppedBy ?? null, error: j.error ?? null, total: j.total,
      done: count('done'), failed: count('failed'), pending: count('pending'),
      failures: items.filter((i) => i.state === 'failed').map((i) => ({ author: i.key, reason: i.reason })),
      promptTokens: items.reduce((a, i) => a + (i.promptTokens ?? 0), 0),
      completionTokens: items.reduce((a, i) => a + (i.completionTokens ?? 0), 0),
      thisInvocation: result?.jobs[s] ? { items: result.jobs[s]!.runItems, ms: result.jobs[s]!.runMs } : null,
    };
  }
  return stages;
}

/**
 * Opens `out` for run `runKey`: refuses a directory that holds another run (`differs`: what makes
 * runs differ), then takes the directory's lock. A number is the exit code, after the message.
 */
function openRunDir(out: string, runKey: string, differs: string): { manifestPath: string; previous: { runId?: string; invocations?: unknown[] } | undefined; unlock: () => void } | number {
  const manifestPath = join(out, 'manifest.json');
  const previous = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, 'utf8')) as { runId?: string; invocations?: unknown[] }) : undefined;
  if (previous?.runId !== undefined && previous.runId !== runKey) {
    console.error(`pipeline: ${out} holds a run with other ${differs} (run ${previous.runId}, this one ${runKey}); use another --out to start a new run.`);
    return 2;
  }
  try {
    return { manifestPath, previous, unlock: lockDir(out) };
  } catch (e) {
    if (!isAppError(e)) throw e;
    console.error(`pipeline: ${e.message}`);
    return 2;
  }
}

/** Ctrl-C pauses the run after the current call (the same --out resumes it); returns the remover. */
function pauseOnSigint(ctrl: AbortController): () => void {
  const onSigint = (): void => {
    console.error('\npipeline: stopping after the current call (run again with the same --out to resume)…');
    abortJob(ctrl, 'pause');
  };
  process.once('SIGINT', onSigint);
  return () => process.removeListener('SIGINT', onSigint);
}

function writePersonas(out: string, personas: readonly StoredPersona[]): void {
  writeAtomic(join(out, 'personas.jsonl'), personas.map((p) => JSON.stringify(personaLine(p))).join('\n') + (personas.length ? '\n' : ''));
}

/** The manifest's first fields: its format, the run, the app, and the model that ran (the test engine flagged). */
function manifestHead(runKey: string, args: PipelineArgs, info: LlmModelInfo, endpoint: { baseUrl?: string }): Record<string, unknown> {
  return {
    format: PIPELINE_MANIFEST_FORMAT,
    runId: runKey,
    app: { ...APP_INFO },
    engine: args.engine,
    ...(args.engine === 'test' ? { warning: 'TEST ENGINE: outputs are computed from hashes of the prompts by a deterministic stand-in, not by a language model. Not for research use.' } : {}),
    model: describeBackend(info, endpoint),
    modelInfo: { contextWindow: info.contextWindow, supportsLogprobs: info.supportsLogprobs, supportsJsonSchema: info.supportsJsonSchema, supportsPrefixReuse: info.supportsPrefixReuse },
  };
}

/** The manifest's results: package versions, the stages, persona counts and the questionnaire summary. */
function manifestResults(stages: Record<string, unknown>, personas: readonly StoredPersona[]): Record<string, unknown> {
  return {
    packages: { node: process.version, [APP_INFO.name]: APP_INFO.version, ...PACKAGE_VERSIONS },
    stages,
    personas: { total: personas.length, kept: personas.filter((p) => p.quality?.kept).length, profiled: personas.filter((p) => p.status === 'profiled').length },
    questionnaire: summarizeQuestionnaire(personas),
  };
}

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<number> {
  let args: PipelineArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`pipeline: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
  if (args.personas !== undefined) return mainPersonas(args, argv);
  const t0 = Date.now();
  let corpus: LoadedCorpus;
  try {
    corpus = await loadCorpus(args);
  } catch (e) {
    if (e instanceof UsageError || isAppError(e)) {
      console.error(`pipeline: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const tRead = Date.now() - t0;

  const opened = await openLlm(args);
  if (typeof opened === 'number') return opened;
  const { llm, endpoint } = opened;
  const info = (await llm.info())!;
  const options = pipelineOptions({ seed: args.seed, quality: { threshold: args.threshold, judge: args.judge } });
  const described = {
    mine: await describeOptions(options.mine),
    quality: await describeOptions(options.quality),
    profile: await describeOptions(options.profile),
  };
  // The run's identity: inputs, model and options (not the limit: a larger limit continues the run).
  const runKey = createHash('sha256').update(JSON.stringify({ inputs: corpus.inputs.map((i) => i.sha256), engine: args.engine, model: info.id, options: described })).digest('hex').slice(0, 16);
  const dir = openRunDir(args.out, runKey, 'inputs, model or options');
  if (typeof dir === 'number') return dir;
  const { manifestPath, previous, unlock } = dir;

  const store = openFileStore(args.out);
  const ctrl = new AbortController();
  const stopPausing = pauseOnSigint(ctrl);
  let result: PipelineResult | undefined;
  let failure: string | undefined;
  let lastLine = 0;
  try {
    result = await runPersonaPipeline({
      runId: runKey, corpusId: corpus.corpusId, authors: corpus.authors, posts: async (a) => corpus.posts.get(a) ?? [],
      store, llm, stages: args.stages, options, signal: ctrl.signal, lock: processJobLock(),
      ...(args.limit !== undefined ? { limit: args.limit } : {}),
      onProgress: (p) => {
        if (Date.now() - lastLine < 2000 && p.text.startsWith('Done')) return;
        lastLine = Date.now();
        const c = p.counts ?? {};
        const rate = c['itemsPerHour'] !== undefined ? `, ${c['itemsPerHour']!.toFixed(0)}/h, ${c['tokensPerSecond']!.toFixed(0)} tok/s, ETA ${Math.round((c['etaMs'] ?? 0) / 1000)} s` : '';
        console.error(`[${p.stage}] ${p.done}/${p.total ?? '?'} (${c['failed'] ?? 0} failed${rate}) ${p.text}`);
      },
    });
  } catch (e) {
    if (!isAppError(e)) throw e;
    failure = `${e.name}: ${e.message}`;
    console.error(`pipeline: ${failure}`);
  } finally {
    stopPausing();
  }

  const personas = await store.listPersonas(corpus.corpusId);
  writePersonas(args.out, personas);
  const stages = await stageSummaries(store, runKey, result);
  const invocation = { at: new Date(t0).toISOString(), argv: [...argv], limit: args.limit ?? null, stages: args.stages, timings: { readCorpusMs: tRead, totalMs: Date.now() - t0 }, failure: failure ?? null };
  const manifest = {
    ...manifestHead(runKey, args, info, endpoint),
    corpusId: corpus.corpusId,
    inputs: corpus.inputs,
    corpus: corpus.summary,
    seed: args.seed,
    options: described,
    prompts: { mine: described.mine['prompt'], mineNotes: described.mine['notesPrompt'], mineReduce: described.mine['reducePrompt'], quality: described.quality['prompt'], profile: described.profile['prompt'] },
    decoding: { mine: options.mine.decoding, quality: options.quality.decoding, profile: { method: options.profile.method, temperature: options.profile.temperature, repeats: options.profile.repeats } },
    ...manifestResults(stages, personas),
    invocations: [...(previous?.invocations ?? []), invocation],
  };
  writeAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  store.close();
  unlock();
  // Success: every requested stage ran and ended done, or stopped where the pilot limit said.
  const ok = result !== undefined && args.stages.every((s) => {
    const j = result!.jobs[s]?.job;
    return j !== undefined && (j.status === 'done' || j.stoppedBy === 'limit');
  });
  const partial = !result?.complete ? ' (not finished: run again with the same --out to resume)' : '';
  console.error(`pipeline: ${personas.length} personas in ${join(args.out, 'personas.jsonl')}${partial}`);
  return ok ? 0 : 1;
}

/** The mapping a persona run reads its file with: the named preset, else the preview's suggestion, then the flags. */
export function personaMapping(args: PipelineArgs, suggested: PersonaMapping): PersonaMapping {
  const m: PersonaMapping = args.personaPreset ? presetMapping(args.personaPreset) : structuredClone(suggested);
  const changed = args.textFields !== undefined || args.idField !== undefined || args.traitFields !== undefined;
  if (args.textFields) m.text = args.textFields.map((field) => (args.textFields!.length > 1 ? { field, label: field } : { field }));
  if (args.idField !== undefined) m.id = args.idField;
  if (args.traitFields && args.traitScale) m.traits = { fields: Object.fromEntries(TRAITS.map((t, i) => [t, args.traitFields![i]!])), scale: args.traitScale };
  if (changed) m.preset = 'generic';
  return m;
}

/** Agreement of the file's trait scores with the measured ones, JSON-safe (NaN → null); null when none came with the file. */
function summarizeAgreement(personas: readonly StoredPersona[]): Record<string, unknown>[] | null {
  const pairs = personas.filter((p) => p.givenTraits && p.status === 'profiled').map((p) => ({ given: p.givenTraits, measured: p.traits }));
  if (!personas.some((p) => p.givenTraits)) return null;
  const num = (x: number): number | null => (Number.isFinite(x) ? Number(x.toFixed(4)) : null);
  return traitAgreement(pairs).map((a) => ({ trait: a.trait, n: a.n, pearson: num(a.pearson), meanAbsDiff: num(a.meanAbsDiff), meanDiff: num(a.meanDiff), icc21: num(a.icc21), lin: num(a.lin) }));
}

/** `--personas FILE`: import the set (in memory), then Quality and Profile as the app runs them on imported sets. */
async function mainPersonas(args: PipelineArgs, argv: readonly string[]): Promise<number> {
  const t0 = Date.now();
  const path = args.personas!;
  if (!existsSync(path) || statSync(path).isDirectory()) {
    console.error(`pipeline: ${path}: no such file (--personas takes one persona file)`);
    return 2;
  }
  let mapping: PersonaMapping;
  let read: { records: import('../contracts/persona').PersonaRecord[]; summary: PersonaImportSummary };
  let sha256: string;
  try {
    sha256 = await sha256File(path);
    const source = blobSource(await openAsBlob(path), path);
    const preview = await previewPersonaFile(source, args.personaFormat);
    mapping = personaMapping(args, preview.suggested.mapping);
    read = await collectPersonaRecords(source, { mapping, sha256, ...(args.personaFormat ? { format: args.personaFormat } : {}) });
  } catch (e) {
    if (isAppError(e)) {
      console.error(`pipeline: ${e.message}`);
      return 2;
    }
    throw e;
  }
  const tRead = Date.now() - t0;
  const s = read.summary;
  console.error(`pipeline: ${s.records} personas from ${path} (${s.format}, preset ${mapping.preset}; ${s.skipped} rows skipped, ${s.withTraits} with trait scores)`);
  // The set id is the file's content: the same file gives the same persona ids everywhere.
  const setId = `set-${sha256.slice(0, 16)}`;

  const opened = await openLlm(args);
  if (typeof opened === 'number') return opened;
  const { llm, endpoint } = opened;
  const info = (await llm.info())!;
  const base = pipelineOptions({ seed: args.seed, quality: { threshold: args.threshold, judge: args.judge } });
  const options = { ...base, quality: setQualityOptions(base.quality) };
  const described = { quality: await describeOptions(options.quality), profile: await describeOptions(options.profile) };
  const runKey = createHash('sha256').update(JSON.stringify({ inputs: [sha256], mapping, engine: args.engine, model: info.id, options: described })).digest('hex').slice(0, 16);
  const dir = openRunDir(args.out, runKey, 'inputs, mapping, model or options');
  if (typeof dir === 'number') return dir;
  const { manifestPath, previous, unlock } = dir;
  const store = openFileStore(args.out);
  // Personas a resumed run already has keep their stage results; only new ones are written.
  const fresh: StoredPersona[] = [];
  for (const r of read.records) {
    const id = importedPersonaId(setId, r.id);
    if (await store.getPersona(id)) continue;
    const p: StoredPersona = { ...r, id, corpusId: setId, status: 'mined', stages: {} };
    if (r.traits) p.givenTraits = { ...r.traits };
    fresh.push(p);
  }
  if (fresh.length > 0) await store.putPersonas(fresh);

  const ctrl = new AbortController();
  const stopPausing = pauseOnSigint(ctrl);
  const result: PipelineResult = { jobs: {}, complete: false };
  let failure: string | undefined;
  let lastLine = 0;
  try {
    for (const stage of args.stages) {
      const r = await runImportedStage({
        setId, stage, jobId: `${runKey}:${stage}`, store, llm, options, signal: ctrl.signal, lock: processJobLock(),
        ...(args.limit !== undefined ? { limit: args.limit } : {}),
        onProgress: (p) => {
          if (Date.now() - lastLine < 2000 && p.text.startsWith('Done')) return;
          lastLine = Date.now();
          console.error(`[${p.stage}] ${p.done}/${p.total ?? '?'} (${p.counts?.['failed'] ?? 0} failed) ${p.text}`);
        },
      });
      Object.assign(result.jobs, r.jobs);
      const job = r.jobs[stage]!.job;
      if (!(job.status === 'done' || (job.status === 'paused' && job.stoppedBy === 'limit'))) break;
    }
    result.complete = args.stages.every((st) => result.jobs[st]?.job.status === 'done');
  } catch (e) {
    if (!isAppError(e)) throw e;
    failure = `${e.name}: ${e.message}`;
    console.error(`pipeline: ${failure}`);
  } finally {
    stopPausing();
  }

  const personas = await store.listPersonas(setId);
  writePersonas(args.out, personas);
  const stages = await stageSummaries(store, runKey, result);
  const invocation = { at: new Date(t0).toISOString(), argv: [...argv], limit: args.limit ?? null, stages: args.stages, timings: { readPersonasMs: tRead, totalMs: Date.now() - t0 }, failure: failure ?? null };
  const manifest = {
    ...manifestHead(runKey, args, info, endpoint),
    corpusId: setId,
    inputs: [{ name: path, size: statSync(path).size, sha256 }],
    // Provenance of an imported set: which file, read how, and what was left out.
    personaSet: {
      id: setId, file: path, sha256, format: s.format, preset: mapping.preset, mapping,
      rows: s.rows, records: s.records, skipped: s.skipped, withTraits: s.withTraits, issues: s.issueCount, firstIssues: s.issues.slice(0, 20),
    },
    seed: args.seed,
    options: described,
    prompts: { quality: described.quality['prompt'], profile: described.profile['prompt'] },
    decoding: { quality: options.quality.decoding, profile: { method: options.profile.method, temperature: options.profile.temperature, repeats: options.profile.repeats } },
    ...manifestResults(stages, personas),
    agreement: summarizeAgreement(personas),
    invocations: [...(previous?.invocations ?? []), invocation],
  };
  writeAtomic(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  store.close();
  unlock();
  const ok = failure === undefined && args.stages.every((st) => {
    const j = result.jobs[st]?.job;
    return j !== undefined && (j.status === 'done' || j.stoppedBy === 'limit');
  });
  const partial = !result.complete ? ' (not finished: run again with the same --out to resume)' : '';
  console.error(`pipeline: ${personas.length} personas in ${join(args.out, 'personas.jsonl')}${partial}`);
  return ok ? 0 : 1;
}

// Run when executed (tsx src/cli/pipeline.ts), not when imported by tests.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
