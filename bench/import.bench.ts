/**
 * `npm run bench -- import [--scale 0.1] [--form xml|csv|both] [--seed N] [--heap-cap MB]`
 *
 * Imports a synthetic Blog Authorship Corpus of the real size (19,320 bloggers, 681,288 posts,
 * ~140M words; generated in the page, seeded) through the real ImportService → worker → IndexedDB,
 * in Debian's Chromium served by a Vite dev server on 127.0.0.1. Reports throughput, memory and the
 * longest main-thread task. Targets (2 cores, full size): < 120 s, < 1 GB heap, no main-thread task
 * over 100 ms.
 *
 * Memory: the page samples its own JS heap (performance.memory). The worker's heap lives in the
 * same renderer process, so the renderer's peak resident memory (VmHWM, reset after generating the
 * input) and its anonymous part (RssAnon: heaps, without mapped files or shared memory) bound page
 * + worker heaps together. IndexedDB itself runs in the browser process (its CPU is reported). `--heap-cap MB` caps
 * V8's old space per isolate: finishing under a cap proves the live heap stays below it.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession, type Page } from 'playwright';
import type { ViteDevServer } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/chromium';
import { flagValue, root, startDevServer } from './browser-harness';
import type { GenerateSummary, RunSummary } from './pages/import-bench';

const CHROMIUM_BENCH_ARGS = [...CHROMIUM_ARGS, '--enable-precise-memory-info'];
const TARGET = { seconds: 120, heapBytes: 1024 ** 3, longTaskMs: 100 };

interface Options {
  scale: number;
  forms: ('xml' | 'csv')[];
  seed: number;
  /**
   * `--heap-cap MB`: V8 old-space limit per isolate (page and worker alike). An import that finishes
   * under a cap shows its live heap stays below it, whatever the resident peak (which includes
   * garbage V8 has not yet collected).
   */
  heapCapMb: number | undefined;
}

function parseArgs(args: string[]): Options {
  const value = (name: string): string | undefined => flagValue(args, name);
  const scale = Number(value('scale') ?? '1');
  if (!(scale > 0 && scale <= 1)) throw new Error(`--scale must be in (0, 1], got ${value('scale')}`);
  const form = value('form') ?? 'both';
  if (!['xml', 'csv', 'both'].includes(form)) throw new Error(`--form must be xml, csv or both, got ${form}`);
  const forms: Options['forms'] = form === 'both' ? ['xml', 'csv'] : [form as 'xml' | 'csv'];
  const cap = value('heap-cap');
  const heapCapMb = cap === undefined ? undefined : Number(cap);
  if (heapCapMb !== undefined && !(heapCapMb >= 64)) throw new Error(`--heap-cap takes megabytes (>= 64), got ${cap}`);
  return { scale, forms, seed: Number(value('seed') ?? '20250912'), heapCapMb };
}

interface ChromiumProcesses {
  /** The page's renderer(s), where the page and its workers run. */
  renderers: number[];
  /** The browser process, where Chromium's IndexedDB backend runs. */
  browser: number[];
}

/** Processes of the Chromium started with `profile`: its browser process and descendants. */
function chromiumProcesses(profile: string): ChromiumProcesses {
  const procs = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map((d) => {
      try {
        // Child processes rewrite their argv into one string, so match on the joined line.
        const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8').split('\0').join(' ');
        const ppid = Number(/^\d+ \(.*\) \S (\d+)/.exec(readFileSync(`/proc/${d}/stat`, 'utf8'))?.[1] ?? -1);
        return { pid: Number(d), ppid, cmd };
      } catch {
        return undefined;
      }
    })
    .filter((p) => p !== undefined);
  const browserProc = procs.find((p) => p.cmd.includes(`--user-data-dir=${profile}`) && !p.cmd.includes('--type='));
  if (!browserProc) return { renderers: [], browser: [] };
  const family = new Set([browserProc.pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) if (family.has(p.ppid) && !family.has(p.pid)) grew = family.add(p.pid).size > 0;
  }
  const mine = procs.filter((p) => family.has(p.pid));
  return {
    renderers: mine.filter((p) => p.cmd.includes('--type=renderer') && !p.cmd.includes('--top-chrome-webui')).map((p) => p.pid),
    browser: [browserProc.pid],
  };
}

/** User + system CPU seconds of the processes so far. */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15 of stat)
    } catch {
      // exited
    }
  }
  return ticks / 100; // USER_HZ
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process we own. */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not permitted here: the peak then includes input generation, an overestimate.
  }
}

interface Row {
  form: string;
  gen: GenerateSummary;
  run: RunSummary;
  pageHeapPeak: number;
  rendererPeak: number;
  /** Peak anonymous resident memory of the renderer (heaps; excludes mapped files and shared memory), sampled every 250 ms. */
  anonPeak: number;
  parseOnlyMs: number;
  /** CPU seconds during the import: renderer (page + worker) and browser process (IndexedDB). */
  cpu: { renderer: number; browser: number };
}

async function measureOne(page: Page, profile: string, form: 'xml' | 'csv', opts: Options): Promise<Row> {
  const gen = await page.evaluate(([f, s, seed]) => window.importBench.generate(f, s, seed), [form, opts.scale, opts.seed] as const);
  console.log(`  generated ${form}: ${gen.files} files, ${(gen.bytes / 1e6).toFixed(0)} MB, ${gen.posts} posts in ${(gen.ms / 1000).toFixed(1)} s`);
  const cdp: CDPSession = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const procs = chromiumProcesses(profile);
  const pids = procs.renderers;
  if (pids.length === 0) console.warn('  renderer process not found: renderer peak will read 0');
  for (const pid of pids) resetPeak(pid);

  let rssPeak = 0;
  // Only /proc is polled during the import: CDP calls would run on the page's main thread and show
  // up as the very long tasks being measured. The page samples its own heap (performance.memory).
  let anonPeak = 0;
  const sample = async (): Promise<void> => {
    rssPeak = Math.max(rssPeak, ...pids.map((p) => procStatusKb(p, 'VmRSS') * 1024));
    anonPeak = Math.max(anonPeak, ...pids.map((p) => procStatusKb(p, 'RssAnon') * 1024));
  };
  let ticks = 0;
  const timer = setInterval(() => {
    void sample().catch(() => {});
    // A line every 15 s, so a long run shows where it is.
    if (++ticks % 60 === 0) {
      void page
        .evaluate(() => document.getElementById('status')?.textContent ?? '')
        .then((t) => console.log(`  ${(ticks / 4).toFixed(0)} s: ${t}`), () => {});
    }
  }, 250);
  const dbName = `bench-import-${form}-${Date.now()}`;
  try {
    const cpu0 = { renderer: cpuSeconds(procs.renderers), browser: cpuSeconds(procs.browser) };
    // A stalled import (e.g. V8 thrashing under --heap-cap) must not hang the bench.
    const limitMs = 60_000 + 400_000 * opts.scale;
    let timeout: ReturnType<typeof setTimeout> | undefined;
    const run = await Promise.race([
      page.evaluate((name) => window.importBench.run(name), dbName),
      new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new Error(`import did not finish within ${limitMs / 1000} s`)), limitMs);
      }),
    ]).finally(() => clearTimeout(timeout));
    const cpu = {
      renderer: cpuSeconds(procs.renderers) - cpu0.renderer,
      browser: cpuSeconds(procs.browser) - cpu0.browser,
    };
    await sample();
    const hwm = Math.max(...pids.map((p) => procStatusKb(p, 'VmHWM') * 1024));
    clearInterval(timer);
    // After the measured import: the same input parsed without storage, for comparison.
    const parseOnlyMs = await page.evaluate(() => window.importBench.parseOnly());
    return { form, gen, run, pageHeapPeak: run.pageHeapPeak, rendererPeak: Math.max(hwm, rssPeak), anonPeak, parseOnlyMs, cpu };
  } finally {
    clearInterval(timer);
    await page.evaluate((name) => window.importBench.drop(name), dbName).catch(() => {});
    await cdp.detach().catch(() => {});
  }
}

function printTable(rows: Row[], scale: number): void {
  const mb = (b: number): string => (b / 1e6).toFixed(0);
  const header = ['form', 'MB in', 'authors', 'posts', 'words (M)', 'import s', 'MB/s', 'posts/s', 'max task ms', 'long tasks', 'page heap MB', 'renderer peak MB', 'anon peak MB', 'parse-only s', 'CPU s rend/brow'];
  const lines = rows.map((r) => {
    const s = r.run.ms / 1000;
    return [
      r.form,
      mb(r.run.bytes),
      String(r.run.authors),
      String(r.run.posts),
      (r.run.words / 1e6).toFixed(1),
      s.toFixed(1),
      (r.run.bytes / 1e6 / s).toFixed(1),
      Math.round(r.run.posts / s).toString(),
      r.run.maxLongTaskMs.toFixed(0),
      String(r.run.longTasks),
      mb(r.pageHeapPeak),
      mb(r.rendererPeak),
      mb(r.anonPeak),
      (r.parseOnlyMs / 1000).toFixed(1),
      `${r.cpu.renderer.toFixed(0)}/${r.cpu.browser.toFixed(0)}`,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  console.log(`\nimport at scale ${scale} (targets at scale 1: < ${TARGET.seconds} s, < 1 GB heap, no main-thread task > ${TARGET.longTaskMs} ms)`);
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
  for (const r of rows) {
    const checks = [
      scale === 1 ? `time ${r.run.ms / 1000 < TARGET.seconds ? 'OK' : 'OVER'}` : `time (full-size estimate ${((r.run.ms / 1000) / scale).toFixed(0)} s)`,
      `heap ${r.rendererPeak < TARGET.heapBytes ? 'OK' : 'OVER'}`,
      `main thread ${r.run.maxLongTaskMs <= TARGET.longTaskMs ? 'OK' : 'OVER'}`,
    ];
    console.log(`  ${r.form}: ${checks.join(', ')}`);
  }
}

export default async function importBench(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  let server: ViteDevServer | undefined;
  let context: BrowserContext | undefined;
  const profiles: string[] = [];
  try {
    let port: number;
    ({ server, port } = await startDevServer({
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      server: { watch: null },
      optimizeDeps: { entries: ['bench/pages/import.html'], include: ['idb', 'comlink', 'fflate'] },
    }));
    const rows: Row[] = [];
    for (const form of opts.forms) {
      // A persistent profile in a fresh temporary folder per form: IndexedDB on disk as for users
      // (an incognito context, Playwright's newContext(), keeps IndexedDB and Blobs in memory and
      // breaks large Blobs), and nothing left from the previous run.
      const profile = mkdtempSync(join(tmpdir(), 'bench-import-'));
      profiles.push(profile);
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM_PATH,
        args: opts.heapCapMb === undefined ? CHROMIUM_BENCH_ARGS : [...CHROMIUM_BENCH_ARGS, `--js-flags=--max-old-space-size=${opts.heapCapMb}`],
        headless: true,
      });
      const page = context.pages()[0] ?? (await context.newPage());
      page.on('pageerror', (e) => console.error(`  page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') console.error(`  console.${m.type()}: ${m.text()}`);
      });
      await page.goto(`http://127.0.0.1:${port}/bench/pages/import.html`);
      await page.waitForFunction(() => document.getElementById('status')?.textContent === 'ready', undefined, { timeout: 120_000 });
      page.setDefaultTimeout(0);
      rows.push(await measureOne(page, profile, form, opts));
      await context.close();
      context = undefined;
      rmSync(profile, { recursive: true, force: true });
    }
    printTable(rows, opts.scale);
  } finally {
    await context?.close().catch(() => {});
    await server?.close();
    for (const p of profiles) rmSync(p, { recursive: true, force: true });
  }
}
