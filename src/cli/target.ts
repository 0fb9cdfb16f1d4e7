/**
 * `npm run target -- --personas personas.jsonl --reference ref.csv --query "…" --size K
 *   [--region PRESET | --countries A,B] [--top N | --min-score S] [--filter key=v1,v2]...
 *   [--embedder lexical|MODEL_DIR] [--adapter | --no-adapter] [--method M] [--holdout F]
 *   [--seed S] [--out target.csv] [--manifest target.json] [--json]`
 *
 * A thin shell over src/core/target (the code the Target stage runs): reads the persona JSONL and
 * the reference CSV (its `country` column, when present, is filtered to the region or countries),
 * embeds with the lexical embedder (or a local transformers.js model folder), retrieves the
 * candidates, re-aligns them to the reference and prints the comparison — random personas,
 * retrieval only, global alignment only, retrieval + re-alignment — with the counts at each step.
 * Exit codes: 0 done, 2 bad input or usage, 1 anything else.
 */
import { writeFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EmbedderInfo, EmbedderService, Embeddings, EmbedOptions } from '../contracts/embedder';
import { ALIGN_METHODS, DEFAULT_METHOD, isAlignMethod } from '../core/align/methods';
import { DEFAULT_HOLDOUT, MAX_HOLDOUT } from '../core/align/holdout';
import { subsetCloud } from '../core/cloud';
import { createLexicalEmbedderService, LEXICAL_MODEL_ID } from '../core/embed/lexical-service';
import { AppError } from '../core/errors';
import { parsePersonaJsonl } from '../core/persona-jsonl';
import { parseReferenceCsv } from '../core/reference/reference-csv';
import { REGION_PRESETS } from '../core/reference/regions';
import { sha256Hex } from '../core/stages/hash';
import { buildTarget, prepareTargetPool, SELECTION_KEYS, SELECTION_LABELS, type TargetReference, type TargetServices } from '../core/target/build';
import { buildTargetManifest, targetManifestJson } from '../core/target/manifest';
import { comparisonRows, countSteps, targetCsv } from '../core/target/report';
import { candidateRuleText, makeTargetSpec, type CandidateRule } from '../core/target/spec';
import { numberArg, UsageError, unknownFlag, walkArgs } from './args';
import { readTextFile, runCommand, type CliIo } from './command';

const USAGE = `usage: npm run target -- --personas personas.jsonl --reference ref.csv --query "adults in East Asia" --size K
  [--region ${REGION_PRESETS.slice(0, 3).map((r) => r.id).join('|')}|… | --countries JP,KR]   the group's countries (filters the reference's country column)
  [--top N | --min-score S]   candidates: the N best-scoring personas (default 3×K) or every one with cosine ≥ S
  [--filter key=v1,v2]        persona metadata filter (repeatable), e.g. --filter ageBand=25-34,35-44
  [--embedder lexical|MODEL_DIR] [--adapter|--no-adapter] [--method ${Object.keys(ALIGN_METHODS).join('|')}]
  [--holdout F] (default ${DEFAULT_HOLDOUT}) [--seed S] [--out target.csv] [--manifest target.json] [--json]`;

export interface TargetCliArgs {
  personas: string;
  reference: string;
  query: string;
  size: number;
  region: string | undefined;
  countries: string[] | undefined;
  candidates: CandidateRule | undefined;
  filters: Record<string, string[]>;
  embedder: string;
  /** Train the contrastive adapter on template queries over the personas' metadata (default on). */
  adapter: boolean | undefined;
  method: string;
  holdout: number;
  seed: number;
  out: string | undefined;
  manifest: string | undefined;
  json: boolean;
}

export function parseTargetArgs(argv: string[]): TargetCliArgs {
  const a: Partial<TargetCliArgs> & { filters: Record<string, string[]>; json: boolean } = { filters: {}, json: false };
  for (const { arg, flag, value } of walkArgs(argv)) {
    switch (flag) {
      case '--personas': a.personas = value(); break;
      case '--reference': a.reference = value(); break;
      case '--query': a.query = value(); break;
      case '--size': a.size = numberArg(flag, value(), true); break;
      case '--region': a.region = value(); break;
      case '--countries': a.countries = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--top': {
        if (a.candidates?.mode === 'minScore') throw new UsageError('give --top or --min-score, not both');
        a.candidates = { mode: 'top', n: numberArg(flag, value(), true) };
        break;
      }
      case '--min-score': {
        if (a.candidates?.mode === 'top') throw new UsageError('give --top or --min-score, not both');
        a.candidates = { mode: 'minScore', score: numberArg(flag, value()) };
        break;
      }
      case '--filter': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new UsageError(`--filter is key=value[,value…], got "${v}"`);
        a.filters[v.slice(0, eq).trim()] = v.slice(eq + 1).split(',').map((s) => s.trim()).filter(Boolean);
        break;
      }
      case '--embedder': a.embedder = value(); break;
      case '--adapter': a.adapter = true; break;
      case '--no-adapter': a.adapter = false; break;
      case '--method': {
        const m = value();
        if (!isAlignMethod(m)) throw new UsageError(`unknown method "${m}"; use one of ${Object.keys(ALIGN_METHODS).join(', ')}`);
        a.method = m;
        break;
      }
      case '--holdout': {
        const f = numberArg(flag, value());
        if (f < 0 || f > MAX_HOLDOUT) throw new UsageError(`--holdout is a share from 0 to ${MAX_HOLDOUT} (0 = evaluate in-sample), got ${f}`);
        a.holdout = f;
        break;
      }
      case '--seed': a.seed = numberArg(flag, value(), true); break;
      case '--out': a.out = value(); break;
      case '--manifest': a.manifest = value(); break;
      case '--json': a.json = true; break;
      case '--help': case '-h': throw new UsageError(USAGE);
      default: throw unknownFlag(arg, 'argument', USAGE);
    }
  }
  if (!a.personas || !a.reference || a.query === undefined || a.size === undefined) throw new UsageError(`--personas, --reference, --query and --size are required\n${USAGE}`);
  if (a.region !== undefined && a.countries !== undefined) throw new UsageError('give --region or --countries, not both');
  return {
    personas: a.personas,
    reference: a.reference,
    query: a.query,
    size: a.size,
    region: a.region,
    countries: a.countries,
    candidates: a.candidates,
    filters: a.filters,
    embedder: a.embedder ?? LEXICAL_MODEL_ID,
    adapter: a.adapter,
    method: a.method ?? DEFAULT_METHOD,
    holdout: a.holdout ?? DEFAULT_HOLDOUT,
    seed: a.seed ?? 1,
    out: a.out,
    manifest: a.manifest,
    json: a.json,
  };
}

export type TargetCliIo = CliIo;

/**
 * The reference CSV, filtered to the group's countries through its `country` column; a file
 * without one is taken as the group's reference as it is (and says so in the notes).
 */
export async function readTargetReference(file: string, countries: readonly string[] | undefined): Promise<TargetReference> {
  const text = readTextFile(file);
  const parsed = parseReferenceCsv(text, { file });
  const notes: string[] = [];
  let cloud = parsed.cloud;
  if (countries && countries.length > 0) {
    if (!parsed.countries) {
      // A reference of the group itself (e.g. `npm run reference -- --builtin east-asia`): used whole; the countries still define the in-group share.
      notes.push(`${basename(file)} has no country column: used whole, as the reference of the target group; the countries only define the personas' in-group share.`);
      return { name: basename(file), cloud, label: null, details: { file: basename(file), sha256: await sha256Hex(text), rows: parsed.cloud.n, kept: cloud.n, countries: null }, notes };
    }
    const keep = new Set(countries);
    const idx: number[] = [];
    parsed.countries.forEach((c, i) => {
      if (keep.has(c.trim().toUpperCase())) idx.push(i);
    });
    if (idx.length === 0) throw new AppError('InputError', `${file} has no rows from ${countries.join(', ')}; check the country codes (ISO alpha-2) or use another reference.`);
    cloud = subsetCloud(parsed.cloud, idx, idx.map((i) => parsed.cloud.weights[i]!));
    notes.push(`${idx.length} of ${parsed.cloud.n} reference rows are from the target's countries.`);
  }
  return { name: basename(file), cloud, label: null, details: { file: basename(file), sha256: await sha256Hex(text), rows: parsed.cloud.n, kept: cloud.n, countries: countries ? [...countries] : null }, notes };
}

/**
 * A local transformers.js model folder (ONNX weights, tokenizer, config) on the CPU through
 * onnxruntime-node. Remote loading is off: nothing is downloaded.
 */
async function folderEmbedder(dir: string): Promise<EmbedderService> {
  try {
    await import('onnxruntime-node');
  } catch {
    throw new AppError('ModelError', `a model folder needs onnxruntime-node, which is not installed here (npm install skips it); use --embedder lexical, or load the model in the app (Target stage → embedder).`);
  }
  const path = resolve(dir);
  const { pipeline, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(path) + '/';
  let extractor: Awaited<ReturnType<typeof pipeline>>;
  try {
    extractor = await pipeline('feature-extraction', basename(path), { device: 'cpu' });
  } catch (e) {
    throw new AppError('ModelError', `cannot load the model folder ${dir}: ${(e as Error).message}. It needs config.json, tokenizer.json and onnx/model*.onnx; or use --embedder lexical.`);
  }
  const modelId = `folder:${basename(path)}`;
  const e5 = /e5/i.test(basename(path));
  let dim = 0;
  const info = (): EmbedderInfo => ({ modelId, backend: 'transformers', dim, normalized: true, needsFit: false, fitted: true });
  return {
    load: async () => info(),
    info: async () => info(),
    fit: async () => info(),
    async embed(texts: string[], options?: EmbedOptions): Promise<Embeddings> {
      const prefix = e5 ? (options?.role === 'query' ? 'query: ' : 'passage: ') : '';
      const out = (await (extractor as (t: string[], o: object) => Promise<{ data: Float32Array; dims: number[] }>)(texts.map((t) => prefix + t), { pooling: 'mean', normalize: true }));
      dim = out.dims[out.dims.length - 1]!;
      return { vectors: Float32Array.from(out.data), n: texts.length, dim, normalized: true, modelId };
    },
    abort: async () => undefined,
    unload: async () => undefined,
  };
}

async function embedderFor(name: string): Promise<EmbedderService> {
  if (name === LEXICAL_MODEL_ID) {
    const e = createLexicalEmbedderService();
    await e.load(LEXICAL_MODEL_ID);
    return e;
  }
  return folderEmbedder(name);
}

/** The adapter in Node: the CPU twin (float64/float32) of the WebGPU trainer. */
async function nodeAdapter(): Promise<TargetServices['adapter']> {
  const { trainAdapterCpu, applyAdapter } = await import('../core/embed/adapter');
  return { train: trainAdapterCpu, apply: applyAdapter };
}

export async function runTargetCli(argv: string[], io: TargetCliIo): Promise<number> {
  return runCommand(io, () => parseTargetArgs(argv), async (args) => {
    const spec = makeTargetSpec({
      query: args.query,
      size: args.size,
      ...(args.region !== undefined ? { region: args.region } : {}),
      ...(args.countries ? { countries: args.countries } : {}),
      ...(args.candidates ? { candidates: args.candidates } : {}),
      filters: args.filters,
      method: args.method,
      seed: args.seed,
      holdout: args.holdout,
    });
    const text = readTextFile(args.personas);
    const records = parsePersonaJsonl(text, args.personas);
    const reference = await readTargetReference(args.reference, spec.group?.countries);
    const useAdapter = args.adapter ?? true;
    const adapter = useAdapter ? await nodeAdapter() : undefined;
    spec.adapter.enabled = useAdapter;
    const embedder = await embedderFor(args.embedder);
    const services: TargetServices = { embedder, ...(adapter ? { adapter } : {}) };
    const progress = (p: { stage: string; text: string }): void => {
      if (!args.json) io.stderr(`[${p.stage}] ${p.text}`);
    };
    const prepared = await prepareTargetPool(undefined, { name: basename(args.personas), sha256: await sha256Hex(text), records }, services, { enabled: useAdapter, options: spec.adapter.options, seed: spec.seed }, progress);
    const result = await buildTarget(undefined, prepared, spec, reference, services, progress);
    const manifest = await buildTargetManifest(prepared, result);
    if (args.out) writeFileSync(args.out, targetCsv(prepared, result));
    if (args.manifest) writeFileSync(args.manifest, targetManifestJson(manifest));
    if (args.json) {
      io.stdout(JSON.stringify({
        manifest,
        selections: Object.fromEntries(SELECTION_KEYS.map((k) => [k, { ids: Array.from(result.selections[k].indices, (i) => prepared.records[i]!.id), diagnostics: result.selections[k].diagnostics, inGroupShare: result.selections[k].inGroupShare, meanScore: result.selections[k].meanScore }])),
        floor: result.floor ?? null,
        out: args.out ?? null,
      }));
    } else {
      const lines: string[] = [];
      lines.push(`target "${spec.query}" · K=${spec.size} · candidates ${candidateRuleText(spec.candidates)} · method ${spec.method} · seed ${spec.seed}`);
      lines.push(`embedder ${prepared.embedder.modelId} (${prepared.dim} dims)${prepared.adapter ? `; adapter recall@${prepared.adapter.report.after.k} ${prepared.adapter.report.before.recallAtK.toFixed(3)} → ${prepared.adapter.report.after.recallAtK.toFixed(3)}` : '; no adapter'}`);
      lines.push(`reference ${reference.name}: ${result.counts.reference} points${spec.group ? ` from ${spec.group.regionId ?? spec.group.countries.join(',')}` : ''}; measured against ${result.counts.heldOut} held out, aligned against ${result.counts.match}`);
      lines.push(countSteps(result).map((s) => `${s.label} ${s.value ?? '—'}`).join(' · '));
      const cols = [...SELECTION_KEYS.map((k) => SELECTION_LABELS[k]), 'Sampling floor'];
      const fmt = (v: number | null): string => (v === null ? '—' : v.toFixed(4));
      lines.push(['metric'.padEnd(34), ...cols.map((c) => c.slice(0, 24).padStart(26))].join(''));
      for (const row of comparisonRows(result)) lines.push([row.label.slice(0, 33).padEnd(34), ...SELECTION_KEYS.map((k) => fmt(row.values[k]).padStart(26)), fmt(row.floor).padStart(26)].join(''));
      if (args.out) lines.push(`wrote ${spec.size} personas (retrieval + re-alignment) to ${args.out}`);
      if (args.manifest) lines.push(`wrote the manifest to ${args.manifest}`);
      io.stdout(lines.join('\n'));
    }
    return 0;
  }, ['InputError', 'FormatError', 'ModelError']);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runTargetCli(process.argv.slice(2), { stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
  process.exitCode = code;
}
