/**
 * Corpus parse throughput in Node: `npm run bench -- corpus [--scale 0.1]`.
 *
 * Writes a seeded synthetic corpus the size of the Blog Authorship Corpus (19,320 authors,
 * 681,288 posts, ~140M words; times --scale) to a temp folder, as one XML file per author and as
 * one blog CSV, then reads each with readCorpus and a counting sink: MB/s, posts/s, peak heap.
 * A plain read of the same files (no parsing) is shown beside it, to separate I/O from parsing.
 * Target: the browser import of the whole corpus in < 120 s, so ≥ 20 MB/s here.
 */
import { closeSync, mkdirSync, mkdtempSync, openAsBlob, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { CorpusSource, CorpusSummary } from '../src/contracts/corpus';
import { nullSink, readCorpus } from '../src/core/corpus';
import { Rng } from '../src/core/rng';

const REAL = { authors: 19_320, posts: 681_288, words: 140_000_000 };
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const INDUSTRIES = ['indUnk', 'Student', 'Technology', 'Arts', 'Education', 'Communications-Media', 'Internet', 'Non-Profit', 'Engineering', 'Law'];
const SIGNS = ['Aries', 'Taurus', 'Gemini', 'Cancer', 'Leo', 'Virgo', 'Libra', 'Scorpio', 'Sagittarius', 'Capricorn', 'Aquarius', 'Pisces'];

function scaleArg(args: string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--scale=')) return Number(a.slice(8));
    if (a === '--scale') return Number(args[i + 1]);
  }
  return 1;
}

/** Post bodies to draw from: word counts log-normal around the real mean, varied vocabulary. */
function bodyPool(rng: Rng, meanWords: number): string[] {
  const vocab: string[] = [];
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  for (let i = 0; i < 6000; i++) {
    const len = 2 + Math.min(10, Math.floor(-Math.log(1 - rng.next()) * 3));
    let w = '';
    for (let k = 0; k < len; k++) w += letters[Math.min(25, Math.floor(-Math.log(1 - rng.next()) * 5))];
    vocab.push(w);
  }
  vocab.push('café', 'naïve', '—', '&amp;', 'urlLink', "don't", 'I', 'lol', '😀');
  const pool: string[] = [];
  const sigma = 1.0;
  const mu = Math.log(meanWords) - (sigma * sigma) / 2;
  for (let i = 0; i < 3000; i++) {
    const n = Math.max(1, Math.round(Math.exp(mu + sigma * rng.normal())));
    const words: string[] = [];
    for (let k = 0; k < n; k++) {
      words.push(vocab[rng.int(vocab.length)]!);
      if (k % 60 === 59) words.push('\n\n      ');
    }
    pool.push(words.join(' '));
  }
  return pool;
}

interface Plan {
  authors: { id: string; gender: string; age: number; industry: string; sign: string; posts: number }[];
  pool: string[];
}

function plan(scale: number): Plan {
  const rng = new Rng(681288);
  const nAuthors = Math.max(1, Math.round(REAL.authors * scale));
  const nPosts = Math.max(nAuthors, Math.round(REAL.posts * scale));
  // Posts per author: heavy-tailed like the real corpus (many with a few posts, some with hundreds).
  const weights = Array.from({ length: nAuthors }, () => Math.exp(1.2 * rng.normal()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => 1 + Math.floor((w / sum) * (nPosts - nAuthors)));
  let left = nPosts - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % nAuthors, left--) counts[i]!++;
  const authors = counts.map((posts, i) => ({
    id: String(1_000_000 + i * 7),
    gender: rng.next() < 0.5 ? 'female' : 'male',
    age: [13 + rng.int(5), 23 + rng.int(5), 33 + rng.int(16)][rng.int(3)]!,
    industry: INDUSTRIES[rng.int(INDUSTRIES.length)]!,
    sign: SIGNS[rng.int(SIGNS.length)]!,
    posts,
  }));
  return { authors, pool: bodyPool(rng, REAL.words / REAL.posts) };
}

function* posts(p: Plan, rng: Rng): Generator<{ a: Plan['authors'][number]; date: string; text: string }> {
  let serial = 0;
  for (const a of p.authors) {
    for (let k = 0; k < a.posts; k++) {
      const date = `${1 + rng.int(28)},${MONTHS[rng.int(12)]},${2001 + rng.int(4)}`;
      // A serial number keeps posts distinct (otherwise they would be skipped as duplicates).
      yield { a, date, text: `${p.pool[rng.int(p.pool.length)]} n${serial++}` };
    }
  }
}

function writeCorpus(dir: string, p: Plan): { xmlDir: string; csvFile: string } {
  const xmlDir = join(dir, 'blogs');
  mkdirSync(xmlDir);
  let current: Plan['authors'][number] | undefined;
  let buf: string[] = [];
  const flush = (): void => {
    if (!current) return;
    const a = current;
    writeFileSync(join(xmlDir, `${a.id}.${a.gender}.${a.age}.${a.industry}.${a.sign}.xml`), `<Blog>\n\n${buf.join('')}</Blog>\n`);
    buf = [];
  };
  for (const { a, date, text } of posts(p, new Rng(1))) {
    if (a !== current) {
      flush();
      current = a;
    }
    buf.push(`<date>${date}</date>\n<post>\n\n      ${text}\n\n\n</post>\n\n`);
  }
  flush();

  const csvFile = join(dir, 'blogtext.csv');
  const fd = openSync(csvFile, 'w');
  let out: string[] = ['id,gender,age,topic,sign,date,text\n'];
  let size = 0;
  for (const { a, date, text } of posts(p, new Rng(1))) {
    const line = `${a.id},${a.gender},${a.age},${a.industry},${a.sign},"${date}","${text.replace(/"/g, '""')}"\n`;
    out.push(line);
    size += line.length;
    if (size > 4 << 20) {
      writeSync(fd, out.join(''));
      out = [];
      size = 0;
    }
  }
  writeSync(fd, out.join(''));
  closeSync(fd);
  return { xmlDir, csvFile };
}

async function sourcesOf(paths: string[]): Promise<CorpusSource[]> {
  return Promise.all(
    paths.map(async (path) => {
      const blob = await openAsBlob(path);
      return { name: path, size: blob.size, stream: () => blob.stream() as ReadableStream<Uint8Array> };
    }),
  );
}

interface Row {
  input: string;
  files: number;
  mb: number;
  authors: number | string;
  posts: number | string;
  words: number | string;
  seconds: number;
  peakHeapMb: number;
}

function heapMb(): number {
  return getHeapStatistics().used_heap_size / 1048576;
}

async function measure(input: string, sources: CorpusSource[], parse: boolean): Promise<Row> {
  (globalThis as { gc?: () => void }).gc?.();
  let peak = heapMb();
  const sample = setInterval(() => (peak = Math.max(peak, heapMb())), 50);
  const t0 = performance.now();
  let summary: CorpusSummary | undefined;
  const bytes = sources.reduce((s, x) => s + x.size, 0);
  if (parse) {
    summary = await readCorpus(sources, nullSink, {}, undefined, () => (peak = Math.max(peak, heapMb())));
  } else {
    for (const s of sources) {
      const r = s.stream().getReader();
      while (!(await r.read()).done) peak = Math.max(peak, heapMb());
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(sample);
  peak = Math.max(peak, heapMb());
  return {
    input, files: sources.length, mb: bytes / 1048576, seconds, peakHeapMb: peak,
    authors: summary?.authors ?? '-', posts: summary?.posts ?? '-', words: summary?.words ?? '-',
  };
}

function printTable(rows: Row[]): void {
  const head = ['input', 'files', 'MB', 'authors', 'posts', 'words', 's', 'MB/s', 'posts/s', 'peak heap MB'];
  const cells = rows.map((r) => [
    r.input, String(r.files), r.mb.toFixed(0), String(r.authors), String(r.posts), String(r.words), r.seconds.toFixed(1),
    (r.mb / r.seconds).toFixed(1), typeof r.posts === 'number' ? Math.round(r.posts / r.seconds).toLocaleString('en') : '-', r.peakHeapMb.toFixed(0),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]): string => c.map((v, i) => (i === 0 ? v.padEnd(w[i]!) : v.padStart(w[i]!))).join('  ');
  console.log(line(head));
  for (const c of cells) console.log(line(c));
}

export default async function run(args: string[]): Promise<void> {
  const scale = scaleArg(args);
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${scale}`);
  const dir = mkdtempSync(join(tmpdir(), 'corpus-bench-'));
  try {
    const p = plan(scale);
    const tGen = performance.now();
    const { xmlDir, csvFile } = writeCorpus(dir, p);
    console.log(`scale ${scale}: wrote ${p.authors.length} XML files and one CSV in ${((performance.now() - tGen) / 1000).toFixed(1)} s (${dir})`);
    const xml = await sourcesOf(readdirSync(xmlDir).sort().map((f) => join(xmlDir, f)));
    const csv = await sourcesOf([csvFile]);
    const rows = [
      await measure('XML read only', xml, false),
      await measure('XML parse', xml, true),
      await measure('CSV read only', csv, false),
      await measure('CSV parse', csv, true),
    ];
    printTable(rows);
    const slowest = Math.min(...rows.filter((r) => r.input.endsWith('parse')).map((r) => r.mb / r.seconds));
    console.log(`target ≥ 20 MB/s parse in Node: ${slowest >= 20 ? 'met' : 'NOT met'} (slowest ${slowest.toFixed(1)} MB/s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
