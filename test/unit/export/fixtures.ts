// Stored runs for the export, report and replay tests: a real Align run in Node (demo personas vs
// the built-in reference, CPU) stored as the run store would, and a small hand-made run whose
// personas carry hostile content (hostile.ts: no Node imports, the browser tests use it too).
import { readFileSync } from 'node:fs';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { inThreadAlignRunner } from '../../../src/pipeline/align-runner';
import type { InputServices } from '../../../src/pipeline/align-inputs';
import { runAlignStage, toStoredRunResult, type AlignStageInput, type AlignStageServices } from '../../../src/pipeline/align-stage';
import type { StoredRun } from '../../../src/contracts/run';

const publicDir = new URL('../../../public/', import.meta.url);
export const fetchText: InputServices['fetchText'] = async (path) => readFileSync(new URL(path, publicDir), 'utf8');
export const services: AlignStageServices = { fetchText, align: inThreadAlignRunner(cpuKernelFactory()) };

export const demoInput = (method: 'nearest' | 'is' | 'ot' = 'nearest', size = 60): AlignStageInput => ({
  pool: { kind: 'demo' },
  reference: { kind: 'builtin', entryId: 'global', n: 600, seed: 3 },
  options: { method, size, seed: 11, ...(method === 'ot' ? { sinkhorn: { tol: 1e-2, maxIter: 150 } } : {}) },
});

export async function demoRun(method: 'nearest' | 'is' | 'ot' = 'nearest', size = 60): Promise<StoredRun> {
  const input = demoInput(method, size);
  const r = await runAlignStage(undefined, input, services);
  const at = '2026-01-01T00:00:00.000Z';
  return { id: `run-${method}`, kind: 'align', status: 'done', title: `${method} · K=${size}`, createdAt: at, updatedAt: at, request: input, result: toStoredRunResult(r) };
}

export { HOSTILE, hostileRun } from './hostile';
