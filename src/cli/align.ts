/**
 * `npm run align -- --pool pool.csv --reference ref.csv --size K [--method M] [--seed N]
 *   [--out aligned.csv] [--json] [--epsilon E] [--tol T] [--max-iter N] [--no-eps-scaling]
 *   [--backend cpu|gpu] [--threads N] [--traits a,b,c] [--centroids N] [--standardize|--no-standardize] [--holdout F]`
 *
 * A thin shell over src/core/align: reads two CSVs (papaparse), matches trait columns by header
 * (case-insensitive), runs one registry method and prints diagnostics before (pool, random subset)
 * and after, beside the sampling floor. Evaluation is held out (METHOD.md §5): a seeded share F of
 * the reference (--holdout, default 0.2) is set aside; the method aligns against the rest, and every
 * diagnostic, and the floor (a same-size subsample of the rest), is measured against the held-out
 * points. --holdout 0 is the old in-sample evaluation. Diagnostics are always computed in the
 * judged reference's standardised units (z-scores), so errors read as "reference SDs" whatever
 * --standardize says.
 * Exit codes: 0 done, 2 bad input or usage, 1 anything else.
 */
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import Papa from 'papaparse';
import { makeCloud, subsetCloud, type WeightedCloud } from '../core/cloud';
import { AppError } from '../core/errors';
import { TRAITS } from '../core/traits';
import { parsePersonaJsonl } from '../core/persona-jsonl';
import { cpuKernelFactory } from '../core/align/cpu-kernel';
import type { PairKernelFactory } from '../core/align/kernel';
import { ALIGN_METHODS, DEFAULT_METHOD, align, isAlignMethod, type AlignMethodName, type AlignOptions } from '../core/align/methods';
import { diagnose, randomSubset, type Diagnostics } from '../core/align/diagnostics';
import { DEFAULT_HOLDOUT, MAX_HOLDOUT, evaluationFloor, evaluationReference, type EvaluationInfo } from '../core/align/holdout';
import { applyStandardizer, standardizerOf } from '../core/align/stats';
import { numberArg, UsageError, unknownFlag, walkArgs } from './args';
import { readTextFile, runCommand, type CliIo } from './command';

const USAGE = `usage: npm run align -- --pool pool.csv --reference ref.csv --size K [--method ${Object.keys(ALIGN_METHODS).join('|')}]
  [--seed N] [--out aligned.csv] [--json] [--epsilon E] [--tol T] [--max-iter N] [--no-eps-scaling]
  [--backend cpu|gpu] [--threads N] [--traits a,b,c] [--centroids N] [--standardize|--no-standardize]
  [--holdout F]   share of the reference held out for evaluation (default ${DEFAULT_HOLDOUT}; 0 = in-sample)`;

export interface AlignCliArgs {
  pool: string;
  reference: string;
  size: number;
  method: AlignMethodName;
  seed: number;
  out: string | undefined;
  json: boolean;
  epsilon: number | undefined;
  tol: number | undefined;
  maxIter: number | undefined;
  epsScaling: boolean;
  backend: 'cpu' | 'gpu';
  threads: number;
  traits: string[] | undefined;
  /** Quantise a reference larger than this into this many weighted k-means centroids. */
  centroids: number | undefined;
  standardize: boolean;
  /** Share of the reference held out for evaluation; 0 = in-sample (the old behaviour). */
  holdout: number;
}

export function parseAlignArgs(argv: string[]): AlignCliArgs {
  const a: Partial<AlignCliArgs> & { json: boolean; epsScaling: boolean; standardize: boolean } = { json: false, epsScaling: true, standardize: true };
  for (const { arg, flag, value } of walkArgs(argv)) {
    switch (flag) {
      case '--pool': a.pool = value(); break;
      case '--reference': a.reference = value(); break;
      case '--size': a.size = numberArg(flag, value(), true); break;
      case '--method': {
        const m = value();
        if (!isAlignMethod(m)) throw new UsageError(`unknown method "${m}"; use one of ${Object.keys(ALIGN_METHODS).join(', ')}`);
        a.method = m;
        break;
      }
      case '--seed': a.seed = numberArg(flag, value(), true); break;
      case '--out': a.out = value(); break;
      case '--json': a.json = true; break;
      case '--epsilon': a.epsilon = numberArg(flag, value()); break;
      case '--tol': a.tol = numberArg(flag, value()); break;
      case '--max-iter': a.maxIter = numberArg(flag, value(), true); break;
      case '--no-eps-scaling': a.epsScaling = false; break;
      case '--backend': {
        const b = value();
        if (b !== 'cpu' && b !== 'gpu') throw new UsageError(`--backend is cpu or gpu, got "${b}"`);
        a.backend = b;
        break;
      }
      case '--threads': a.threads = numberArg(flag, value(), true); break;
      case '--traits': a.traits = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--centroids': a.centroids = numberArg(flag, value(), true); break;
      case '--standardize': a.standardize = true; break;
      case '--no-standardize': a.standardize = false; break;
      case '--holdout': {
        const f = numberArg(flag, value());
        if (f < 0 || f > MAX_HOLDOUT) throw new UsageError(`--holdout is a share from 0 to ${MAX_HOLDOUT} (e.g. ${DEFAULT_HOLDOUT}; 0 = evaluate in-sample), got ${f}`);
        a.holdout = f;
        break;
      }
      case '--help': case '-h': throw new UsageError(USAGE);
      default: throw unknownFlag(arg, 'argument', USAGE);
    }
  }
  if (!a.pool || !a.reference || a.size === undefined) throw new UsageError(`--pool, --reference and --size are required\n${USAGE}`);
  if (a.size < 1) throw new UsageError(`--size must be at least 1, got ${a.size}`);
  return {
    pool: a.pool,
    reference: a.reference,
    size: a.size,
    method: a.method ?? DEFAULT_METHOD,
    seed: a.seed ?? 1,
    out: a.out,
    json: a.json,
    epsilon: a.epsilon,
    tol: a.tol,
    maxIter: a.maxIter,
    epsScaling: a.epsScaling,
    backend: a.backend ?? 'cpu',
    threads: a.threads ?? 1,
    traits: a.traits,
    centroids: a.centroids,
    standardize: a.standardize,
    holdout: a.holdout ?? DEFAULT_HOLDOUT,
  };
}

export interface CsvTable {
  file: string;
  header: string[];
  rows: string[][];
}

/**
 * A pool file as a table: CSV as it is, or persona JSONL (`npm run pipeline` output, the app's
 * export, the demo set) as `id` + the five trait columns of every persona that has trait scores.
 */
export function readPoolTable(file: string, warn: (line: string) => void = () => {}): CsvTable {
  if (!/\.jsonl$/i.test(file)) return readCsv(file);
  const text = readTextFile(file);
  const all = parsePersonaJsonl(text, file);
  const scored = all.filter((p) => p.traits !== undefined);
  if (scored.length === 0) throw new AppError('InputError', 'no persona has trait scores yet; run the profile stage first (npm run pipeline -- --stages profile).', { file });
  if (scored.length < all.length) warn(`${file}: ${all.length - scored.length} of ${all.length} personas have no trait scores and are left out.`);
  return { file, header: ['id', ...TRAITS], rows: scored.map((p) => [p.id, ...TRAITS.map((t) => String(p.traits![t]))]) };
}

export function readCsv(file: string): CsvTable {
  const text = readTextFile(file);
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { skipEmptyLines: 'greedy' });
  const [header, ...rows] = parsed.data;
  if (!header || header.length === 0) throw new AppError('InputError', 'the file is empty: it needs a header row and at least one data row.', { file });
  if (rows.length === 0) throw new AppError('InputError', 'the file has a header but no data rows.', { file });
  return { file, header: header.map((h) => h.trim()), rows };
}

/** Trait columns: --traits, else the five canonical traits when both files have them, else every shared numeric column. */
export function pickTraits(pool: CsvTable, ref: CsvTable, wanted?: string[]): string[] {
  const lower = (t: CsvTable) => new Set(t.header.map((h) => h.toLowerCase()));
  const lp = lower(pool);
  const lr = lower(ref);
  if (wanted) {
    for (const w of wanted) {
      for (const t of [pool, ref]) {
        if (!lower(t).has(w.toLowerCase())) throw new AppError('InputError', `no column "${w}" (columns: ${t.header.join(', ')}).`, { file: t.file });
      }
    }
    return wanted.map((w) => w.toLowerCase());
  }
  if (TRAITS.every((t) => lp.has(t) && lr.has(t))) return [...TRAITS];
  const numericFirst = (t: CsvTable, name: string) => {
    const k = t.header.findIndex((h) => h.toLowerCase() === name);
    const v = t.rows[0]?.[k];
    return v !== undefined && v.trim() !== '' && Number.isFinite(Number(v));
  };
  const shared = pool.header.map((h) => h.toLowerCase()).filter((h) => lr.has(h) && h !== 'weight' && h !== 'id' && numericFirst(pool, h) && numericFirst(ref, h));
  if (shared.length === 0) {
    throw new AppError('InputError', `the files share no numeric trait column: pool has ${pool.header.join(', ')}; reference has ${ref.header.join(', ')}. Rename the columns or pass --traits.`);
  }
  return [...new Set(shared)];
}

/** Builds a cloud from the trait columns (and a `weight` column when present); names line and column of bad values. */
export function tableToCloud(t: CsvTable, traits: string[]): WeightedCloud {
  const idx = traits.map((name) => {
    const k = t.header.findIndex((h) => h.toLowerCase() === name);
    if (k < 0) throw new AppError('InputError', `no column "${name}".`, { file: t.file });
    return k;
  });
  const wk = t.header.findIndex((h) => h.toLowerCase() === 'weight');
  const d = traits.length;
  const pts = new Float32Array(t.rows.length * d);
  const w = wk >= 0 ? new Float64Array(t.rows.length) : undefined;
  t.rows.forEach((row, r) => {
    const line = r + 2; // 1-based, after the header
    idx.forEach((k, c) => {
      const raw = row[k];
      const v = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(v)) throw new AppError('InputError', `"${raw ?? ''}" is not a finite number; fix or drop that row.`, { file: t.file, line, column: t.header[k] });
      pts[r * d + c] = v;
    });
    if (w) {
      const raw = row[wk];
      const v = raw === undefined ? NaN : Number(raw);
      if (!Number.isFinite(v) || v < 0) throw new AppError('InputError', `weight "${raw ?? ''}" must be a finite non-negative number.`, { file: t.file, line, column: 'weight' });
      w[r] = v;
    }
  });
  return makeCloud(pts, d, w, t.file);
}

async function kernelFactory(args: AlignCliArgs): Promise<{ factory: PairKernelFactory; close: () => Promise<void> }> {
  if (args.backend === 'gpu') {
    // Dawn for Node (npm `webgpu`) is not a dependency: on machines without a usable adapter it
    // finds none (see BROWSER-TESTS.md). The app's WebGPU path runs in the browser.
    throw new AppError('GpuError', 'no GPU adapter reachable from Node; use --backend cpu or the app.');
  }
  if (args.threads > 1) {
    const { NodeLsePool } = await import('../node/lse-pool');
    const { pooledKernelFactory } = await import('../core/align/cpu-kernel');
    const pool = new NodeLsePool(args.threads);
    return { factory: pooledKernelFactory(pool), close: () => pool.close() };
  }
  return { factory: cpuKernelFactory(), close: async () => undefined };
}

export type AlignCliIo = CliIo;

/** Runs the command; returns the exit code. */
export async function runAlignCli(argv: string[], io: AlignCliIo): Promise<number> {
  return runCommand(io, () => parseAlignArgs(argv), async (args) => {
    const t0 = performance.now();
    const poolT = readPoolTable(args.pool, io.stderr);
    const refT = readCsv(args.reference);
    const traits = pickTraits(poolT, refT, args.traits);
    const pool = tableToCloud(poolT, traits);
    const ref = tableToCloud(refT, traits);
    if (args.size > pool.n) throw new AppError('InputError', `--size ${args.size} is larger than the pool (${pool.n} rows); pick at most ${pool.n}.`);
    // Align against `match`; judge against `heldOut` (the whole reference on both sides with --holdout 0).
    const ev = evaluationReference(ref, args.holdout, args.seed);
    const readMs = performance.now() - t0;

    const { factory, close } = await kernelFactory(args);
    const options: AlignOptions = {
      size: args.size,
      seed: args.seed,
      standardize: args.standardize,
      ...(args.centroids !== undefined && { referenceCentroids: args.centroids }),
      sinkhorn: {
        ...(args.epsilon !== undefined && { epsilon: args.epsilon }),
        ...(args.tol !== undefined && { tol: args.tol }),
        ...(args.maxIter !== undefined && { maxIter: args.maxIter }),
        epsScaling: args.epsScaling,
      },
    };
    let result;
    try {
      result = await align(undefined, pool, ev.match, { ...options, method: args.method }, factory, (p) => {
        if (!args.json) io.stderr(`[${p.stage}] ${p.text}`);
      });
    } finally {
      await close();
    }

    const td = performance.now();
    const z = standardizerOf(ev.heldOut);
    const refZ = applyStandardizer(ev.heldOut, z);
    const matchZ = ev.inSample ? refZ : applyStandardizer(ev.match, z);
    const poolZ = applyStandardizer(pool, z);
    const random = randomSubset(pool, args.size, args.seed);
    const before = { pool: diagnose(poolZ, refZ, { seed: args.seed }), random: diagnose(subsetCloud(poolZ, random), refZ, { seed: args.seed }) };
    const after = diagnose(subsetCloud(poolZ, result.selected), refZ, { seed: args.seed });
    const floor = evaluationFloor(matchZ, refZ, ev.inSample, args.size, args.seed);
    const diagMs = performance.now() - td;

    if (args.out) {
      const rows = Array.from(result.selected, (i) => poolT.rows[i]!);
      writeFileSync(args.out, Papa.unparse({ fields: poolT.header, data: rows }) + '\n');
    }
    const timings = { read: readMs, ...result.timings, diagnostics: diagMs };
    if (args.json) {
      io.stdout(JSON.stringify({
        method: result.method,
        size: result.size,
        traits,
        backend: result.backend,
        standardized: result.standardized,
        selected: Array.from(result.selected),
        before,
        after,
        samplingFloor: floor ?? null,
        evaluation: ev.evaluation,
        ot: result.ot ?? null,
        ess: result.ess,
        designEffect: result.designEffect,
        maxOverMean: result.maxOverMean,
        bandwidth: result.bandwidth ?? null,
        timings,
        out: args.out ?? null,
      }));
    } else {
      io.stdout(report(args, traits, result.method, before, after, floor, result.ot, result.ess, pool.n, timings, ev.evaluation));
    }
    return 0;
  }, ['InputError', 'FormatError', 'GpuError']);
}

function report(
  args: AlignCliArgs,
  traits: string[],
  method: string,
  before: { pool: Diagnostics; random: Diagnostics },
  after: Diagnostics,
  floor: Diagnostics | undefined,
  ot: { iterations: number; marginalError: number; converged: boolean; epsilon: number; cost: number } | undefined,
  ess: number,
  n: number,
  timings: Record<string, number>,
  evaluation: EvaluationInfo,
): string {
  const cols: Array<[string, Diagnostics | undefined]> = [['pool', before.pool], ['random', before.random], [method, after], ['floor', floor]];
  const lines: string[] = [];
  const fmt = (v: number | undefined) => (v === undefined ? '—' : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(4));
  const row = (label: string, get: (d: Diagnostics) => number) => lines.push([label.padEnd(30), ...cols.map(([, d]) => fmt(d && get(d)).padStart(10))].join(''));
  lines.push(`method ${method}, size ${args.size} of ${n}, seed ${args.seed}; diagnostics in reference-SD units`);
  lines.push(evaluationText(evaluation));
  lines.push(['metric'.padEnd(30), ...cols.map(([c]) => c.padStart(10))].join(''));
  row('energy distance', (d) => d.energy);
  row('sliced W1', (d) => d.slicedW1);
  row('corr. Frobenius error', (d) => d.corrFrobenius);
  traits.forEach((t, k) => {
    row(`${t} mean error`, (d) => d.perTrait[k]!.meanError);
    row(`${t} SD error`, (d) => d.perTrait[k]!.sdError);
    row(`${t} W1`, (d) => d.perTrait[k]!.w1);
    row(`${t} KS`, (d) => d.perTrait[k]!.ks);
  });
  const rel = (after.energy / before.random.energy - 1) * 100;
  lines.push(`energy distance vs random subset: ${rel >= 0 ? '+' : ''}${rel.toFixed(1)}%${floor ? `; ${(after.energy / floor.energy).toFixed(2)}× the sampling floor` : ''}`);
  lines.push(`pool-marginal ESS ${ess.toFixed(1)} of ${n}`);
  if (ot) lines.push(`OT: ${ot.iterations} iterations, marginal error ${ot.marginalError.toExponential(2)}, ${ot.converged ? 'converged' : 'NOT converged'}, ε ${ot.epsilon.toPrecision(3)}, cost ${ot.cost.toPrecision(4)}`);
  lines.push(`timings (ms): ${Object.entries(timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
  if (args.out) lines.push(`wrote ${args.size} rows to ${args.out}`);
  return lines.join('\n');
}

/** One line saying what the diagnostics were measured against (shared wording with the app). */
export function evaluationText(e: EvaluationInfo): string {
  return e.holdout > 0
    ? `measured against ${e.heldOut} held-out reference points (${Math.round(e.holdout * 100)}% held out, seed ${e.seed}); aligned against the other ${e.match}; floor: a same-size subsample of those ${e.match} vs the held-out points`
    : `in-sample evaluation (--holdout 0): measured against the same ${e.heldOut} reference points the selection was matched to, so it is optimistic; floor: a same-size reference subsample vs the rest`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runAlignCli(process.argv.slice(2), { stdout: (s) => console.log(s), stderr: (s) => console.error(s) });
  process.exitCode = code;
}
