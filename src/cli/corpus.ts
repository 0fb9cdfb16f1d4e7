/**
 * `npm run corpus -- PATH... [--json] [--format F] [--author-col C --text-col C [--date-col C] [--meta-col C,...]]`
 * Reads files, folders (recursively) and zips with the same parsers the app uses and prints what
 * was found and every skipped item. Exit 0 when something was readable, 1 otherwise.
 */
import { openAsBlob, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnMapping, CorpusFormat, CorpusReadOptions, CorpusSource, CorpusSummary } from '../contracts/corpus';
import { CORPUS_EXTENSIONS, isHiddenPath, nullSink, readCorpus } from '../core/corpus';
import { isAppError } from '../core/errors';
import { UsageError, unknownFlag, walkArgs } from './args';

const FORMATS: CorpusFormat[] = ['blog-xml', 'blog-csv', 'csv', 'tsv', 'jsonl'];
const USAGE = 'usage: npm run corpus -- PATH... [--json] [--format blog-xml|blog-csv|csv|tsv|jsonl] [--author-col C --text-col C [--date-col C] [--meta-col C,C]]';

interface Args {
  paths: string[];
  json: boolean;
  format?: CorpusFormat;
  author?: string;
  text?: string;
  date?: string;
  meta: string[];
}

function parseArgs(argv: string[]): Args {
  const a: Args = { paths: [], json: false, meta: [] };
  for (const { arg, flag, value } of walkArgs(argv)) {
    switch (flag) {
      case '--json': a.json = true; break;
      case '--format': {
        const f = value();
        if (!FORMATS.includes(f as CorpusFormat)) throw new UsageError(`unknown format "${f}"; use one of ${FORMATS.join(', ')}`);
        a.format = f as CorpusFormat;
        break;
      }
      case '--author-col': a.author = value(); break;
      case '--text-col': a.text = value(); break;
      case '--date-col': a.date = value(); break;
      case '--meta-col': a.meta.push(...value().split(',').map((s) => s.trim()).filter(Boolean)); break;
      case '--help': case '-h': throw new UsageError(USAGE);
      default:
        if (arg.startsWith('--')) throw unknownFlag(arg, 'option');
        a.paths.push(arg);
    }
  }
  if (a.paths.length === 0) throw new UsageError('give at least one file, folder or zip');
  if ((a.author === undefined) !== (a.text === undefined)) throw new UsageError('--author-col and --text-col go together');
  return a;
}

/** Files under a path: the file itself, or a folder's corpus files (recursively, sorted, no dot files). */
function collect(path: string): string[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UsageError(`${path}: no such file or folder`);
  }
  if (!st.isDirectory()) return [path];
  const out: string[] = [];
  for (const name of readdirSync(path).sort()) {
    const full = join(path, name);
    if (isHiddenPath(name)) continue;
    if (statSync(full).isDirectory()) out.push(...collect(full));
    else if (CORPUS_EXTENSIONS.some((e) => name.toLowerCase().endsWith(e))) out.push(full);
  }
  return out;
}

async function toSource(path: string): Promise<CorpusSource> {
  const blob = await openAsBlob(path);
  return { name: path, size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> };
}

function printText(s: CorpusSummary): void {
  const rows = Object.entries(s.byFormat).map(([f, t]) => [f, t.files, t.authors, t.posts, t.words]);
  rows.push(['total', s.files, s.authors, s.posts, s.words]);
  const head = ['format', 'files', 'authors', 'posts', 'words'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r: (string | number)[]): string => r.map((v, i) => (i === 0 ? String(v).padEnd(widths[i]!) : String(v).padStart(widths[i]!))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r as (string | number)[]));
  console.log(`dates: ${s.dateMin ?? '-'} to ${s.dateMax ?? '-'}; posts without a date: ${s.undatedPosts ?? 0}`);
  console.log(`bytes: ${s.bytes}`);
  console.log(`skipped: ${s.skippedCount}`);
  for (const k of s.skipped) console.log(`  ${k.file}, line ${k.line}: ${k.reason}`);
}

async function main(): Promise<number> {
  let args: Args;
  let files: string[];
  try {
    args = parseArgs(process.argv.slice(2));
    files = args.paths.flatMap(collect);
    if (files.length === 0) throw new UsageError(`no corpus files (${CORPUS_EXTENSIONS.join(' ')}) under ${args.paths.join(', ')}`);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`corpus: ${e.message}`);
      return e.exitCode;
    }
    throw e;
  }
  const mapping: ColumnMapping | undefined =
    args.author !== undefined && args.text !== undefined
      ? { author: args.author, text: args.text, ...(args.date !== undefined ? { date: args.date } : {}), meta: args.meta }
      : undefined;
  const options: CorpusReadOptions = { maxSkippedListed: Number.POSITIVE_INFINITY };
  if (args.format) options.format = args.format;
  if (mapping) options.mapping = mapping;
  try {
    const sources = await Promise.all(files.map(toSource));
    const summary = await readCorpus(sources, nullSink, options);
    if (args.json) console.log(JSON.stringify(summary));
    else printText(summary);
    return 0;
  } catch (e) {
    if (isAppError(e)) {
      const hint = /column mapping is needed/.test(e.message) ? ' Pass --author-col and --text-col (and optionally --date-col, --meta-col).' : '';
      console.error(`corpus: ${e.message}${hint}`);
      return 1;
    }
    throw e;
  }
}

process.exitCode = await main();
