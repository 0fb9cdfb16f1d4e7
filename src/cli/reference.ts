/**
 * `npm run reference -- --ffm data-final.csv [--countries JP,KR,CN | --region east-asia]
 *    [--ipc-one | --no-ipc-one] [--missing drop|min:K] [--min-test-time S] [--out ref.csv] [--json]`
 * `npm run reference -- --builtin global|east-asia|… --n N --seed S [--out ref.csv] [--json]`
 *
 * Streams the IPIP-FFM file through the same push importer the app uses and writes one CSV row per
 * kept respondent: `openness,conscientiousness,extraversion,agreeableness,neuroticism,country` —
 * the reference format of `npm run align -- --reference ref.csv`. Prints kept/dropped counts and
 * per-trait mean, SD and α. Exit 0 on success, 1 on a data error (named by line and column),
 * 2 on a usage error.
 */
import { createReadStream, createWriteStream, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isAppError } from '../core/errors';
import { columnMeanSd, formatMissingPolicy, parseMissingPolicy, type MissingPolicy } from '../core/psychometrics/scoring';
import { builtinEntry, sampleBuiltin, validateBuiltinReference } from '../core/reference/builtin';
import { countryOf, FfmImporter, type FfmImportResult } from '../core/reference/ffm-import';
import { REGION_PRESETS, parseCountryList, regionById } from '../core/reference/regions';
import { TRAITS } from '../core/traits';
import { UsageError, unknownFlag, walkArgs } from './args';

const USAGE = `usage:
  npm run reference -- --ffm data-final.csv [--countries JP,KR,CN | --region ID] [--ipc-one | --no-ipc-one]
                       [--missing drop|min:K] [--min-test-time SECONDS] [--out ref.csv] [--json]
  npm run reference -- --builtin ID --n N [--seed S] [--out ref.csv] [--json]
regions: ${REGION_PRESETS.map((r) => r.id).join(', ')}`;

export { UsageError };

export interface CliArgs {
  ffm?: string;
  builtin?: string;
  builtinFile?: string;
  countries?: string[];
  region?: string;
  ipcOne: boolean;
  missing: MissingPolicy;
  minTestTime?: number;
  out?: string;
  json: boolean;
  n?: number;
  seed: number;
  quiet: boolean;
}

export function parseArgs(argv: string[]): CliArgs {
  const a: CliArgs = { ipcOne: true, missing: { kind: 'drop' }, json: false, seed: 1, quiet: false };
  for (const { arg, flag, value } of walkArgs(argv)) {
    const num = (what: string): number => {
      const v = Number(value());
      if (!Number.isFinite(v)) throw new UsageError(`${what} must be a number`);
      return v;
    };
    switch (flag) {
      case '--ffm': a.ffm = value(); break;
      case '--builtin': a.builtin = value(); break;
      case '--builtin-file': a.builtinFile = value(); break;
      case '--countries': a.countries = parseCountryList(value()); break;
      case '--region': {
        const id = value();
        if (!regionById(id)) throw new UsageError(`unknown region "${id}"; use one of ${REGION_PRESETS.map((r) => r.id).join(', ')}`);
        a.region = id;
        break;
      }
      case '--ipc-one': a.ipcOne = true; break;
      case '--no-ipc-one': a.ipcOne = false; break;
      case '--missing': a.missing = parseMissingPolicy(value()); break;
      case '--min-test-time': a.minTestTime = num('--min-test-time'); break;
      case '--out': a.out = value(); break;
      case '--json': a.json = true; break;
      case '--quiet': a.quiet = true; break;
      case '--n': a.n = num('--n'); break;
      case '--seed': a.seed = num('--seed'); break;
      case '--help': case '-h': throw new UsageError(USAGE);
      default: throw unknownFlag(arg, 'argument', USAGE);
    }
  }
  if ((a.ffm === undefined) === (a.builtin === undefined)) throw new UsageError(`give exactly one of --ffm FILE or --builtin ID\n${USAGE}`);
  if (a.countries && a.region) throw new UsageError('--countries and --region exclude each other');
  if (a.builtin !== undefined && (a.n === undefined || !Number.isInteger(a.n) || a.n < 1)) throw new UsageError('--builtin needs --n N (a positive integer)');
  return a;
}

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY?: boolean;
}

/** Runs the command; returns the exit code. */
export async function runReferenceCli(argv: string[], io: Io): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.builtin !== undefined) return await runBuiltin(args, io);
    return await runFfm(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${e.message}\n`);
      return e.exitCode;
    }
    if (isAppError(e)) {
      io.stderr(`error (${e.name}): ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

const fmt = (v: number): string => String(Math.round(v * 10000) / 10000);

/** Writes CSV lines in ~64 KB pieces to a file (or through `io.stdout`). */
async function writeCsv(path: string | undefined, io: Io, header: string, rows: number, line: (i: number) => string): Promise<void> {
  const stream = path ? createWriteStream(path) : undefined;
  const write = async (s: string): Promise<void> => {
    if (!stream) return io.stdout(s);
    if (!stream.write(s)) await new Promise<void>((res) => stream.once('drain', () => res()));
  };
  let buf = header + '\n';
  for (let i = 0; i < rows; i++) {
    buf += line(i) + '\n';
    if (buf.length > 65536) {
      await write(buf);
      buf = '';
    }
  }
  await write(buf);
  if (stream) await new Promise<void>((res, rej) => stream.end((err?: Error | null) => (err ? rej(err) : res())));
}

function traitSummary(points: Float32Array, alpha?: number[]): Record<string, { mean: number; sd: number; alpha?: number }> {
  const { mean, sd } = columnMeanSd(points, TRAITS.length);
  return Object.fromEntries(
    TRAITS.map((t, k) => {
      const s: { mean: number; sd: number; alpha?: number } = { mean: mean[k]!, sd: sd[k]! };
      if (alpha) s.alpha = alpha[k]!;
      return [t, s];
    }),
  );
}

async function runFfm(args: CliArgs, io: Io): Promise<number> {
  const path = args.ffm!;
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new UsageError(`${path}: no such file`);
  }
  const countries = args.region ? regionById(args.region)!.countries : args.countries;
  const imp = new FfmImporter({
    file: path,
    totalBytes: size,
    ipcOne: args.ipcOne,
    missing: args.missing,
    ...(args.minTestTime !== undefined ? { minTestTime: args.minTestTime } : {}),
    ...(countries ? { countries } : {}),
    progressIntervalMs: 1000,
    onProgress: args.quiet || !io.isTTY ? undefined : (p) => io.stderr(`\r${p.text}   `),
  });
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) imp.push(chunk as Buffer);
  const r = imp.finish();
  if (!args.quiet && io.isTTY) io.stderr('\n');
  const header = [...TRAITS, 'country'].join(',');
  const D = TRAITS.length;
  const toStdout = args.out === undefined;
  await writeCsv(args.out, io, header, r.n, (i) => {
    let s = '';
    for (let t = 0; t < D; t++) s += fmt(r.scores[i * D + t]!) + ',';
    return s + countryOf(r, i);
  });
  const summary = ffmSummary(r, args, countries);
  const report = args.json ? JSON.stringify(summary, null, 2) + '\n' : ffmText(summary);
  (toStdout ? io.stderr : io.stdout)(report);
  return r.n > 0 ? 0 : 1;
}

function ffmSummary(r: FfmImportResult, args: CliArgs, countries: string[] | undefined) {
  return {
    file: args.ffm,
    out: args.out ?? null,
    filters: { ipcOne: args.ipcOne, missing: formatMissingPolicy(args.missing), minTestTime: args.minTestTime ?? null, region: args.region ?? null, countries: countries ?? null },
    rowsRead: r.rowsRead,
    kept: r.kept,
    dropped: r.dropped,
    keptWithMissing: r.keptWithMissing,
    emptyLines: r.emptyLines,
    traits: r.n > 0 ? traitSummary(r.scores, r.alpha) : null,
    perCountryTop: Object.entries(r.perCountry).sort((a, b) => b[1] - a[1]).slice(0, 15),
    bytes: r.bytes,
    seconds: r.elapsedMs / 1000,
  };
}

function ffmText(s: ReturnType<typeof ffmSummary>): string {
  const lines = [
    `${s.file}: ${s.rowsRead} rows read, ${s.kept} kept${s.out ? ` → ${s.out}` : ''}`,
    `dropped: ${Object.entries(s.dropped).map(([k, v]) => `${k} ${v}`).join(', ')}${s.keptWithMissing ? `; kept with some answers missing: ${s.keptWithMissing}` : ''}`,
    `filters: IPC==1 ${s.filters.ipcOne ? 'on' : 'off'}, missing ${s.filters.missing}, min test time ${s.filters.minTestTime ?? 'off'}, countries ${s.filters.region ?? s.filters.countries?.join(',') ?? 'all'}`,
  ];
  if (s.traits) {
    lines.push('trait               mean     sd   alpha');
    for (const [t, v] of Object.entries(s.traits)) lines.push(`${t.padEnd(18)} ${v.mean.toFixed(3).padStart(6)} ${v.sd.toFixed(3).padStart(6)} ${(v.alpha ?? NaN).toFixed(3).padStart(7)}`);
  }
  lines.push(`top countries: ${s.perCountryTop.map(([c, n]) => `${c} ${n}`).join(', ')}`);
  lines.push(`${(s.bytes / 1e6).toFixed(1)} MB in ${s.seconds.toFixed(1)} s`);
  return lines.join('\n') + '\n';
}

async function runBuiltin(args: CliArgs, io: Io): Promise<number> {
  const file = args.builtinFile ?? join(dirname(fileURLToPath(import.meta.url)), '../../public/reference/builtin-reference.json');
  const ref = validateBuiltinReference(JSON.parse(readFileSync(file, 'utf8')) as unknown, file);
  const entry = builtinEntry(ref, args.builtin!);
  const s = sampleBuiltin(entry, args.n!, args.seed);
  const D = TRAITS.length;
  await writeCsv(args.out, io, TRAITS.join(','), s.cloud.n, (i) => Array.from(s.cloud.points.subarray(i * D, i * D + D), fmt).join(','));
  const summary = { builtin: entry.id, label: ref.label, n: s.cloud.n, seed: args.seed, out: args.out ?? null, source: entry.source, assumed: entry.assumed, clampedValues: s.clampedValues, note: s.note, traits: traitSummary(s.cloud.points) };
  const text = args.json
    ? JSON.stringify(summary, null, 2) + '\n'
    : `${s.note}\nassumed (not sourced): ${entry.assumed.join(', ') || 'nothing'}\n${Object.entries(summary.traits).map(([t, v]) => `${t.padEnd(18)} mean ${v.mean.toFixed(3)} sd ${v.sd.toFixed(3)}`).join('\n')}\n`;
  (args.out === undefined ? io.stderr : io.stdout)(text);
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const code = await runReferenceCli(process.argv.slice(2), {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: process.stderr.isTTY,
  });
  process.exitCode = code;
}
