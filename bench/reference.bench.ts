/**
 * `npm run bench -- reference [--scale 1] [--seed N] [--keep-items]`
 *
 * Writes a seeded synthetic IPIP-FFM `data-final.csv` of the real size and layout (~1,015,000 rows,
 * ~400 MB at scale 1; 110 TAB-separated columns) to a temp dir, then streams it from disk through
 * the push importer the app uses (fs.createReadStream → FfmImporter, 1 MB chunks). Reports
 * throughput (wall clock, and per CPU-second of this process, since other jobs may share the
 * cores), peak JS heap (sampled at every chunk) and peak RSS. Target: ≥ 50 MB/s on a 2-core
 * box with the heap bounded by the compact output (n × 5 float32 + n × 2 country bytes), not by
 * the file size. The temp file is deleted afterwards.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FfmImporter } from '../src/core/reference/ffm-import';
import { synthFfmLines } from '../src/core/reference/ffm-synth';

const FULL_ROWS = 1_015_000;
const TARGET_MBPS = 50;

function opt(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  const v = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number`);
  return v;
}

async function writeSynthetic(path: string, rows: number, seed: number): Promise<void> {
  const out = createWriteStream(path);
  let buf = '';
  for (const line of synthFfmLines(rows, { seed, countries: ['US', 'GB', 'CA', 'AU', 'PH', 'IN', 'DE', 'NONE', 'JP', 'KR', 'CN', 'BR', 'FR', 'SE', 'NL'] })) {
    buf += line;
    if (buf.length >= 1 << 20) {
      if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
      buf = '';
    }
  }
  out.write(buf);
  await new Promise<void>((res, rej) => out.end((e?: Error | null) => (e ? rej(e) : res())));
}

export default async function bench(args: string[]): Promise<void> {
  const scale = opt(args, '--scale', 1);
  const seed = opt(args, '--seed', 1);
  const keepItems = args.includes('--keep-items');
  const rows = Math.round(FULL_ROWS * scale);
  const dir = mkdtempSync(join(tmpdir(), 'ffm-bench-'));
  const path = join(dir, 'data-final.csv');
  try {
    let t0 = performance.now();
    await writeSynthetic(path, rows, seed);
    const size = statSync(path).size;
    console.log(`generated ${rows.toLocaleString('en')} rows, ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s (${path})`);

    global.gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    let peakHeap = heapBefore;
    let peakRss = process.memoryUsage().rss;
    const abBefore = process.memoryUsage().arrayBuffers;
    let peakAb = abBefore;
    const imp = new FfmImporter({ file: path, totalBytes: size, keepItems });
    const cpu0 = process.cpuUsage();
    t0 = performance.now();
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
      imp.push(chunk as Buffer);
      const m = process.memoryUsage();
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (m.rss > peakRss) peakRss = m.rss;
      if (m.arrayBuffers > peakAb) peakAb = m.arrayBuffers;
    }
    const r = imp.finish();
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const mbps = size / 1e6 / seconds;
    const outputBytes = r.scores.byteLength + r.countryIndex.byteLength + (r.items?.byteLength ?? 0);
    console.log(`imported ${r.rowsRead.toLocaleString('en')} rows in ${seconds.toFixed(2)} s: ${mbps.toFixed(1)} MB/s (target ≥ ${TARGET_MBPS} MB/s: ${mbps >= TARGET_MBPS ? 'met' : 'NOT met'})`);
    // Other jobs share the 2 cores: CPU time of this process shows the importer's own speed.
    console.log(`process CPU time ${cpuSeconds.toFixed(2)} s (user+sys, includes file reads): ${(size / 1e6 / cpuSeconds).toFixed(1)} MB per CPU-second; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`);
    console.log(`kept ${r.kept.toLocaleString('en')}; dropped ${JSON.stringify(r.dropped)}; α ${r.alpha.map((a) => a.toFixed(3)).join(' ')}`);
    console.log(`heap: before ${(heapBefore / 1e6).toFixed(0)} MB, peak ${(peakHeap / 1e6).toFixed(0)} MB (+${((peakHeap - heapBefore) / 1e6).toFixed(0)} MB); typed-array buffers (outside the JS heap) peak ${(peakAb / 1e6).toFixed(0)} MB (+${((peakAb - abBefore) / 1e6).toFixed(0)} MB, incl. the 1 MB read chunks); peak RSS ${(peakRss / 1e6).toFixed(0)} MB; compact output ${(outputBytes / 1e6).toFixed(1)} MB; file ${(size / 1e6).toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
