/**
 * `npm run bench -- align-cpu [--quick] [--methods]`: the CPU path of the alignment engine
 * (sections 1–2; `--methods` runs section 3 only).
 *
 * 1. Streaming LSE throughput (pairs/s = n·m per rowLse / seconds) at d = 5 and d = 50, single
 *    thread vs the worker_threads pool, for n×m ∈ {1e3×1e3, 1e4×1e5, 1e5×1e5}. The two big shapes
 *    are PARTIAL: only the first R rows of x are bound (R·m pairs per call), which measures the
 *    same inner loop; a full pass is extrapolated as n·m / (pairs/s) and labelled so.
 * 2. Sinkhorn to tol 1e-3 at 1e3×1e3, with and without ε-scaling (iterations, time).
 *    1e4×1e5: NOT run; per-iteration time = 2·n·m / (section 1's pool rate at that shape), times
 *    the 1e3² iteration count (labelled "extrapolated"; iteration counts depend on the data).
 * 3. --methods: the method comparison behind DEFAULT_METHOD (synthetic, see methods.ts):
 *    a pool of 2000 tilted like LLM personas (METHOD.md §5), reference 1000 synthetic humans,
 *    K = 300, judged by energy distance to 3000 held-out synthetic humans, relative to a random
 *    subset of the pool; mean over 3 seeds. Synthetic, NOT human data.
 * Target: ≥ 1e8 pairs/s on the 2-core box (d = 5, pool). Other jobs share the CPUs: numbers are noisy.
 */
import { cpuKernelFactory, pooledKernelFactory } from '../src/core/align/cpu-kernel';
import type { PairKernelFactory } from '../src/core/align/kernel';
import { sinkhorn } from '../src/core/align/sinkhorn';
import { gaussianCloud, PERSONA_TILT, syntheticBigFive } from '../src/core/align/synthetic';
import { align, ALIGN_METHODS, type AlignMethodName } from '../src/core/align/methods';
import { diagnose, randomSubset, samplingFloor, selectedCloud } from '../src/core/align/diagnostics';
import { applyStandardizer, standardizerOf } from '../src/core/align/stats';
import { NodeLsePool } from '../src/node/lse-pool';
import { availableParallelism } from 'node:os';

const fmt = (x: number) => x.toExponential(2);

async function lsePairsPerSecond(factory: PairKernelFactory, n: number, m: number, d: number, rows: number, reps: number): Promise<number> {
  const x = gaussianCloud(rows, d, 1).points;
  const y = gaussianCloud(m, d, 2, 0.3).points;
  const k = await factory.create(x, y, d);
  const alpha = new Float64Array(m).map((_, j) => Math.sin(j));
  await k.rowLse(alpha, 1); // warm-up (JIT, worker boot)
  const t = performance.now();
  for (let r = 0; r < reps; r++) await k.rowLse(alpha, 1);
  const sec = (performance.now() - t) / 1000;
  k.dispose();
  void n;
  return (rows * m * reps) / sec;
}

export default async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const threads = availableParallelism();
  const pool = new NodeLsePool(threads);
  const cpu = cpuKernelFactory();
  const pooled = pooledKernelFactory(pool);
  console.log(`CPUs: ${threads}; pool: ${pool.threads} worker_threads. Load average now: ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  if (!args.includes('--methods')) await throughput(quick, threads, cpu, pooled);
  else await methods(pooled);
  await pool.close();
}

async function throughput(quick: boolean, threads: number, cpu: PairKernelFactory, pooled: PairKernelFactory): Promise<void> {
  const poolRate: Record<string, number> = {};
  console.log('\n1. Streaming LSE (one rowLse call), pairs/s');
  console.log('shape            d   rows bound        1 thread      pool   ratio   full pass (1 thr / pool)');
  const shapes: Array<[number, number, string]> = [[1e3, 1e3, '1e3 x 1e3'], [1e4, 1e5, '1e4 x 1e5'], [1e5, 1e5, '1e5 x 1e5']];
  for (const d of [5, 50]) {
    for (const [n, m, label] of shapes) {
      const budgetPairs = d === 5 ? 2e7 : 4e6; // per call, keeps each measurement ≈ 0.5 s
      const rows = Math.min(n, Math.max(threads * 8, Math.floor(budgetPairs / m)));
      if (quick && n > 1e3) continue;
      const reps = n === 1e3 ? (d === 5 ? 20 : 4) : 2;
      const single = await lsePairsPerSecond(cpu, n, m, d, rows, reps);
      const par = await lsePairsPerSecond(pooled, n, m, d, rows, reps);
      poolRate[`${d}-${label}`] = par;
      const partial = rows < n ? `${rows} of ${n} (partial)` : `${rows} (all)`;
      const full = `${((n * m) / single).toFixed(1)} s / ${((n * m) / par).toFixed(1)} s${rows < n ? ' extrapolated' : ''}`;
      console.log(`${label.padEnd(16)} ${String(d).padEnd(3)} ${partial.padEnd(20)} ${fmt(single).padStart(9)} ${fmt(par).padStart(9)} ${(par / single).toFixed(2).padStart(6)}   ${full}`);
    }
  }

  console.log('\n2. Sinkhorn (balanced, default ε = 0.01·E‖x−y‖², tol 1e-3 on ‖P1 − a‖₁), standard normal vs shifted normal');
  console.log('shape        d   ε-scaling  backend   iterations  converged   time s   pairs/s (LSE calls only)');
  const its: Record<string, number> = {};
  for (const d of quick ? [5] : [5, 50]) {
    const a = gaussianCloud(1000, d, 3);
    const b = gaussianCloud(1000, d, 4, 0.5);
    for (const scaling of [false, true]) {
      for (const [name, f] of [['1 thread', cpu], ['pool', pooled]] as Array<[string, PairKernelFactory]>) {
        const t = performance.now();
        const r = await sinkhorn(undefined, a, b, { tol: 1e-3, epsScaling: scaling, skipPlanSummary: true, maxIter: 20000 }, f);
        const sec = (performance.now() - t) / 1000;
        its[`${d}-${scaling}`] = r.iterations;
        const calls = 2 * r.iterations - r.epsilonSchedule.length; // see sinkhorn.ts: a step ends before its g half-step
        console.log(`1e3 x 1e3    ${String(d).padEnd(3)} ${String(scaling).padEnd(10)} ${name.padEnd(9)} ${String(r.iterations).padStart(10)}  ${String(r.converged).padEnd(9)} ${sec.toFixed(2).padStart(7)}   ${fmt((calls * 1e6) / sec)}`);
      }
    }
  }
  // 1e4×1e5: one iteration is 2·n·m pairs (a row and a column pass); timing it here would repeat
  // section 1's measurement at 2e9 pairs, so the solve is extrapolated from those rates instead.
  for (const d of quick ? [] : [5, 50]) {
    const rate = poolRate[`${d}-1e4 x 1e5`];
    const its1 = its[`${d}-true`];
    if (rate === undefined || its1 === undefined) continue;
    const per = (2 * 1e4 * 1e5) / rate;
    console.log(`1e4 x 1e5    ${d}   extrapolated, not run: ${per.toFixed(0)} s per iteration on the pool; ${its1} iterations (the 1e3² count with ε-scaling) ≈ ${((per * its1) / 3600).toFixed(1)} h`);
  }
}

async function methods(pooled: PairKernelFactory): Promise<void> {
  {
    console.log('\n3. Method comparison (synthetic; energy distance to held-out synthetic humans, relative to a random subset of the pool)');
    const names = Object.keys(ALIGN_METHODS) as AlignMethodName[];
    const rel: Record<string, number[]> = {};
    const secs: Record<string, number[]> = {};
    for (const seed of [1, 2, 3]) {
      const ref = syntheticBigFive({ n: 1000, seed: 100 + seed });
      const held = syntheticBigFive({ n: 3000, seed: 200 + seed });
      const personas = syntheticBigFive({ n: 2000, seed: 300 + seed, tiltSd: PERSONA_TILT, spread: 0.85 });
      const z = standardizerOf(ref);
      const hz = applyStandardizer(held, z);
      const ed = (idx: Int32Array) => diagnose(applyStandardizer(selectedCloud(personas, idx), z), hz, { seed }).energy;
      const base = ed(randomSubset(personas, 300, seed));
      (rel['sampling floor'] ??= []).push(samplingFloor(hz, 300, seed).energy / base - 1);
      const variants: Array<[string, AlignMethodName, 'quota' | 'kmeans']> = [
        ...names.map((m): [string, AlignMethodName, 'quota'] => [m, m, 'quota']),
        ['nearest, k-means targets', 'nearest', 'kmeans'],
        ['semi-relaxed, k-means targets', 'semi-relaxed', 'kmeans'],
      ];
      for (const [label, m, targets] of variants) {
        const t = performance.now();
        const r = await align(undefined, personas, ref, { method: m, size: 300, seed, targets, sinkhorn: { tol: 1e-3 } }, pooled);
        (secs[label] ??= []).push((performance.now() - t) / 1000);
        (rel[label] ??= []).push(ed(r.selected) / base - 1);
      }
    }
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    console.log(`${'method'.padEnd(30)} energy vs random (mean of 3 seeds; each seed)      time s`);
    for (const [m, v] of Object.entries(rel)) {
      console.log(`${m.padEnd(30)} ${(mean(v) * 100).toFixed(1).padStart(6)}%   (${v.map((x) => (x * 100).toFixed(1) + '%').join(', ')})   ${secs[m] ? mean(secs[m]).toFixed(1) : ''}`);
    }
  }
}
