/**
 * The run manifest: everything needed to repeat or judge an Align run — the inputs (names, sizes,
 * SHA-256 where there is a file), the method and the options as given plus the values the solver
 * actually used, the seed, the backend (WebGPU adapter, or the CPU with its reason), the package
 * version and the timings. Plain JSON; the selected rows go in the CSV beside it.
 */
import { APP_INFO, PACKAGE_VERSIONS } from '../core/package-info';
import type { AlignMethodName, AlignResult } from '../core/align/methods';
import type { BackendReport } from './align-runner';
import type { LoadedPool, LoadedReference } from './align-inputs';
import type { AlignDiagnostics, AlignStageOptions } from './align-stage';

export const MANIFEST_FORMAT = 'persona-align/align-run@1';

export interface RunManifest {
  format: typeof MANIFEST_FORMAT;
  app: { name: string; version: string };
  /** Declared versions of the runtime libraries (package.json `dependencies`). */
  packages: Record<string, string>;
  createdAt: string;
  method: AlignMethodName;
  seed: number;
  /** The options as the user gave them (unset keys take the core's documented defaults). */
  options: AlignStageOptions;
  /** What the solver actually used. */
  resolved: {
    standardized: boolean;
    targets: number;
    bandwidth: number | null;
    epsilon: number | null;
    targetEpsilon: number | null;
    epsilonSteps: number | null;
    iterations: number | null;
    marginalError: number | null;
    converged: boolean | null;
  };
  inputs: {
    pool: { kind: string; name: string; n: number; d: number; bytes: number; sha256: string; notes: string[] };
    reference: { kind: string; name: string; n: number; label: 'approximate' | null; details: LoadedReference['details']; notes: string[] };
  };
  /** What ran; `adapter` is null when no WebGPU adapter was used (JSON has no undefined). */
  backend: Omit<BackendReport, 'adapter'> & { adapter: NonNullable<BackendReport['adapter']> | null };
  result: {
    selected: number;
    /** SHA-256 of the selected indices joined by commas: equal across runs ⇔ same selection. */
    selectedSha256: string;
    ess: number;
    designEffect: number;
    maxOverMean: number;
    energy: { pool: number; random: number; selected: number; floor: number | null; unit: string };
    /** Size of the seeded reference subsample the diagnostics used; null = the whole reference. */
    diagnosticsReferenceSubsample: number | null;
    /** Held-out evaluation: share held out (0 = in-sample), points judged against, points aligned against, split seed. */
    evaluation: AlignDiagnostics['evaluation'];
  };
  /** Milliseconds: load, align, diagnostics, total, and the method's own steps under `method.*`. */
  timings: Record<string, number>;
}

export interface ManifestParts {
  method: AlignMethodName;
  options: AlignStageOptions;
  seed: number;
  pool: LoadedPool;
  reference: LoadedReference;
  result: AlignResult;
  backend: BackendReport;
  diagnostics: AlignDiagnostics;
  timings: Record<string, number>;
  selectedSha256: string;
  /** Fixed in tests; default now. */
  createdAt?: Date;
}

export function buildManifest(p: ManifestParts): RunManifest {
  const r = p.result;
  const sk = r.sinkhorn;
  const timings: Record<string, number> = { ...p.timings };
  for (const [k, v] of Object.entries(r.timings)) timings[`method.${k}`] = v;
  return {
    format: MANIFEST_FORMAT,
    app: { ...APP_INFO },
    packages: { ...PACKAGE_VERSIONS },
    createdAt: (p.createdAt ?? new Date()).toISOString(),
    method: p.method,
    seed: p.seed,
    options: p.options,
    resolved: {
      standardized: r.standardized,
      targets: r.targets,
      bandwidth: r.bandwidth ?? null,
      epsilon: sk?.epsilon ?? null,
      targetEpsilon: sk?.targetEpsilon ?? null,
      epsilonSteps: sk?.epsilonSchedule.length ?? null,
      iterations: sk?.iterations ?? null,
      marginalError: sk?.marginalError ?? null,
      converged: sk?.converged ?? null,
    },
    inputs: {
      pool: { kind: p.pool.kind, name: p.pool.name, n: p.pool.cloud.n, d: p.pool.cloud.d, bytes: p.pool.bytes, sha256: p.pool.sha256, notes: p.pool.notes },
      reference: { kind: p.reference.kind, name: p.reference.name, n: p.reference.cloud.n, label: p.reference.label, details: p.reference.details, notes: p.reference.notes },
    },
    backend: { ...p.backend, adapter: p.backend.adapter ?? null },
    result: {
      selected: r.selected.length,
      selectedSha256: p.selectedSha256,
      ess: r.ess,
      designEffect: r.designEffect,
      maxOverMean: r.maxOverMean,
      energy: {
        pool: p.diagnostics.pool.energy,
        random: p.diagnostics.random.energy,
        selected: p.diagnostics.selected.energy,
        floor: p.diagnostics.floor?.energy ?? null,
        unit: p.diagnostics.unit,
      },
      diagnosticsReferenceSubsample: p.diagnostics.referenceSubsample ?? null,
      evaluation: { ...p.diagnostics.evaluation },
    },
    timings,
  };
}

/** The manifest as pretty JSON (what the download holds). */
export function manifestJson(m: RunManifest): string {
  return JSON.stringify(m, null, 2) + '\n';
}
