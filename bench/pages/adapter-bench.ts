/**
 * In-page half of bench/adapter.bench.ts: adapter training steps per second on WebGPU and on the
 * CPU twin in the same page, with the per-step loss parity. Driven from Node through `window.adapterBench`.
 */
import { cpuStepper } from '../../src/core/embed/adapter';
import { trainAdapterWith } from '../../src/core/embed/adapter-train';
import { trainAdapterGpuWith } from '../../src/gpu/adapter-gpu';
import { acquireGpu, type GpuAdapterSummary } from '../../src/gpu/device';
import { benchProblem, stepRate, type AdapterBenchRequest } from './adapter-problem';

export interface AdapterBenchResult {
  adapter: GpuAdapterSummary;
  gpuStepsPerSec: number;
  cpuStepsPerSec: number;
  backend: string;
  /** max |Δloss| / max(1, |loss|) over the steps both ran. */
  lossMaxRelErr: number;
}

async function run(req: AdapterBenchRequest): Promise<AdapterBenchResult> {
  const ctx = await acquireGpu();
  const input = benchProblem(req);
  const gpuT: number[] = [];
  const gpuL: number[] = [];
  const g = await trainAdapterGpuWith(input, { fallback: false, hooks: { maxSteps: req.steps, onStep: (_, l) => (gpuT.push(performance.now()), gpuL.push(l)) } });
  const cpuT: number[] = [];
  const cpuL: number[] = [];
  await trainAdapterWith(input, (init, o) => cpuStepper(init, o), undefined, undefined, { maxSteps: req.steps, onStep: (_, l) => (cpuT.push(performance.now()), cpuL.push(l)) });
  let err = 0;
  cpuL.forEach((l, i) => (err = Math.max(err, Math.abs((gpuL[i] as number) - l) / Math.max(1, Math.abs(l)))));
  return { adapter: ctx.adapter, gpuStepsPerSec: stepRate(gpuT), cpuStepsPerSec: stepRate(cpuT), backend: g.report.backend, lossMaxRelErr: err };
}

declare global {
  interface Window {
    adapterBench: { run: (req: AdapterBenchRequest) => Promise<AdapterBenchResult> };
  }
}

window.adapterBench = { run };
document.getElementById('status')!.textContent = 'Adapter bench ready.';
