/**
 * `npm run bench -- gpu [--quick] [--budget PAIRDIMS]`
 *
 * Streaming log-sum-exp and Sinkhorn on WebGPU vs the float64 CPU path, in Debian's Chromium
 * served by a Vite dev server on 127.0.0.1 (bench/pages/gpu.html). Sizes n×m ∈ {1e3², 1e4×1e5,
 * 1e5²} at d = 5 and d = 50. Large sizes run a subset of the rows (about --budget pair·dims per
 * backend, default 1e9 GPU / 2.5e8 CPU) and extrapolate the time of one full pass from the
 * measured throughput; the table says which rows were measured. Full Sinkhorn solves run at 1e3²
 * on both backends; for the large sizes the solve time is estimated as iterations(1e3²) × 2 passes
 * at the measured throughput, and printed as an estimate.
 *
 * "pass" columns are wall time to onSubmittedWorkDone (the ratio uses it); "timestamps" come from
 * GPU timestamp queries when the adapter has them; "call" includes the alpha upload and readback.
 *
 * On this project's CI machine WebGPU is SwiftShader (a CPU rasteriser) on 2 shared cores: the
 * numbers prove the GPU path runs and agrees, not how fast a GPU is. The adapter is printed.
 */
import { flagValue as value, withBenchPage } from './browser-harness';
import type { LseTiming, SinkhornTiming } from './pages/gpu-bench';

const SIZES: Array<[number, number]> = [
  [1e3, 1e3],
  [1e4, 1e5],
  [1e5, 1e5],
];

const fmt = (v: number): string => (v >= 1e9 ? `${(v / 1e9).toFixed(2)}G` : v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : v.toFixed(0));
const secs = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(2)} s`);

export default async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const gpuBudget = Number(value(args, 'budget') ?? (quick ? 1e8 : 1e9));
  const cpuBudget = gpuBudget / 4;
  await withBenchPage('gpu.html', 'gpuBench', async (page) => {
    const info = await page.evaluate(() => window.gpuBench.info());
    console.log(`adapter: ${info.adapter.vendor} / ${info.adapter.architecture} ${info.adapter.description}${info.adapter.software ? ' (SOFTWARE: correctness only, not GPU speed)' : ''}`);
    console.log(`limits: storage binding ${fmt(info.limits.maxStorageBufferBindingSize)}B, buffer ${fmt(info.limits.maxBufferSize)}B, workgroup storage ${info.limits.maxComputeWorkgroupStorageSize} B, invocations ${info.limits.maxComputeInvocationsPerWorkgroup}; ${info.cores} logical cores; ${info.userAgent}`);

    console.log('\nStreaming log-sum-exp, one pass over n×m pairs (row LSE):');
    const header = ['d', 'n×m', 'rows run gpu/cpu', 'GPU pairs/s (timestamps)', 'GPU pairs/s (pass)', 'GPU pairs/s (call)', 'CPU pairs/s', 'GPU/CPU', 'pass GPU', 'pass CPU', 'max rel err'];
    const rows: string[][] = [];
    const lseRates = new Map<string, LseTiming>();
    for (const d of [5, 50]) {
      for (const [n, m] of SIZES) {
        const rowsFor = (budget: number): number => Math.min(n, Math.max(64, Math.floor(budget / (m * d) / 64) * 64));
        const req = { n, m, d, gpuRows: rowsFor(gpuBudget), cpuRows: rowsFor(cpuBudget), reps: n * m <= 1e6 ? 5 : 1 };
        const t = await page.evaluate((r) => window.gpuBench.lse(r), req);
        lseRates.set(`${d}/${n}/${m}`, t);
        const partial = t.gpuRows < n || t.cpuRows < n;
        rows.push([
          String(d),
          `${fmt(n)}×${fmt(m)}`,
          `${t.gpuRows}/${t.cpuRows}${partial ? ' (extrapolated)' : ''}`,
          t.gpuTimestampPairsPerSec === undefined ? 'n/a (none or 0 read)' : fmt(t.gpuTimestampPairsPerSec),
          fmt(t.gpuDevicePairsPerSec),
          fmt(t.gpuCallPairsPerSec),
          fmt(t.cpuPairsPerSec),
          (t.gpuDevicePairsPerSec / t.cpuPairsPerSec).toFixed(2),
          secs((n * m) / t.gpuDevicePairsPerSec),
          secs((n * m) / t.cpuPairsPerSec),
          t.maxRelErr.toExponential(1),
        ]);
        console.log(`  ${rows[rows.length - 1]!.join(' | ')}`);
      }
    }
    printTable(header, rows);

    console.log('\nSinkhorn, balanced, tol 1e-4, default ε (0.01·E‖x−y‖²) with ε-scaling:');
    const solves: SinkhornTiming[] = [];
    for (const d of [5, 50]) {
      const s = await page.evaluate(([n, m, dd]) => window.gpuBench.solve(n, m, dd), [1000, 1000, d] as const);
      solves.push(s);
    }
    const sh = ['d', 'n×m', 'iterations cpu/kernel/loop', 'CPU', 'CPU loop + GPU LSE', 'GPU loop (readbacks)', 'speed-up of GPU loop (CPU time / GPU time)', 'potentials Δ'];
    const sr = solves.map((s) => [
      String(s.d),
      `${fmt(s.n)}×${fmt(s.m)}`,
      `${s.cpu.iterations}/${s.gpuKernel.iterations}/${s.gpuLoop.iterations}`,
      secs(s.cpu.ms / 1000),
      `${secs(s.gpuKernel.ms / 1000)} [${s.gpuKernel.backend}]`,
      `${secs(s.gpuLoop.ms / 1000)} (${s.gpuLoop.readbacks}) [${s.gpuLoop.backend}]`,
      (s.cpu.ms / s.gpuLoop.ms).toFixed(2) + '×',
      s.potentialErr.toExponential(1),
    ]);
    printTable(sh, sr);
    console.log('\nEstimated full solves at the large sizes (iterations of the 1e3² solve × 2 passes at the measured pass throughput; NOT run):');
    for (const s of solves) {
      for (const [n, m] of SIZES.slice(1)) {
        const t = lseRates.get(`${s.d}/${n}/${m}`);
        if (!t) continue;
        const passes = 2 * s.gpuLoop.iterations;
        console.log(`  d=${s.d} ${fmt(n)}×${fmt(m)}: ${passes} passes → GPU ≈ ${secs((passes * n * m) / t.gpuDevicePairsPerSec)}, CPU ≈ ${secs((passes * n * m) / t.cpuPairsPerSec)} (estimate)`);
      }
    }
  });
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
