/**
 * The Align form's raw values (strings, as inputs hold them) → a checked AlignStageInput, or the
 * list of fields to fix. Empty optional fields mean "the core's default", so the app and the CLI
 * share one set of defaults (src/core/align/methods.ts, sinkhorn.ts).
 */
import { DEFAULT_METHOD, isAlignMethod, type AlignMethodName, type AlignOptions } from '../core/align/methods';
import { DEFAULT_HOLDOUT, MAX_HOLDOUT } from '../core/align/holdout';
import type { AlignStageInput } from './align-stage';
import type { PoolInput, ReferenceInput } from './align-inputs';

export interface AlignFormValues {
  pool: 'demo' | 'file' | 'stored';
  poolFile: File | undefined;
  /** 'stored' pool: the owner id (persona set or corpus) and its name. */
  poolStored: string;
  poolStoredName: string;
  /** The database the stored pools were listed from (default: the app's). */
  poolDbName?: string;
  reference: 'builtin' | 'stored';
  builtinId: string;
  builtinN: string;
  builtinSeed: string;
  storedId: string;
  /** Comma- or space-separated ISO codes; empty = all rows. */
  storedCountries: string;
  method: string;
  size: string;
  seed: string;
  epsilon: string;
  tol: string;
  maxIter: string;
  /** '' = the core's default (on, except semi-relaxed and warm starts); 'on' / 'off' force it. */
  epsScaling: '' | 'on' | 'off';
  standardize: boolean;
  /** '' = the worker's default; 'gpu' = WebGPU (CPU if it fails); 'cpu' = CPU only. */
  backend: '' | 'gpu' | 'cpu';
  /** The [ours] choices of the registry; '' = the core's default (see AlignOptions). */
  selection: '' | 'matching' | 'systematic';
  targets: '' | 'quota' | 'kmeans';
  isSelection: '' | 'systematic' | 'top';
  /** KDE bandwidth in standardised units; empty = Scott's rule. */
  bandwidth: string;
  /** Cap IS weights at k × mean; empty = the core's default (k = 20). */
  trimK: string;
  /** Quantise a reference larger than this into this many k-means centroids (the CLI's --centroids); empty = off. */
  centroids: string;
  /** Share of the reference held out for evaluation (the CLI's --holdout), 0 to 0.9; empty = the default (DEFAULT_HOLDOUT); 0 = in-sample. */
  holdout: string;
}

/** [ours] K = 300 as in METHOD.md's measurement; the built-in sample's n = 2,000, seeds 1. */
export const DEFAULT_FORM: AlignFormValues = {
  pool: 'demo',
  poolFile: undefined,
  poolStored: '',
  poolStoredName: '',
  reference: 'builtin',
  builtinId: 'global',
  builtinN: '2000',
  builtinSeed: '1',
  storedId: '',
  storedCountries: '',
  method: DEFAULT_METHOD,
  size: '300',
  seed: '1',
  epsilon: '',
  tol: '',
  maxIter: '',
  epsScaling: '',
  standardize: true,
  backend: '',
  selection: '',
  targets: '',
  isSelection: '',
  bandwidth: '',
  trimK: '',
  centroids: '',
  holdout: '',
};

export interface FieldProblem {
  field: keyof AlignFormValues;
  message: string;
}

export type AlignRequestCheck = { ok: true; input: AlignStageInput } | { ok: false; problems: FieldProblem[] };

export function alignRequestOf(v: AlignFormValues): AlignRequestCheck {
  const problems: FieldProblem[] = [];
  const int = (field: keyof AlignFormValues, raw: string, min: number, what: string): number => {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(n) || n < min) problems.push({ field, message: `${what} must be a whole number ≥ ${min}.` });
    return n;
  };
  const optionalPositive = (field: keyof AlignFormValues, raw: string, what: string, integer = false): number | undefined => {
    if (raw.trim() === '') return undefined;
    const n = Number(raw.trim());
    if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
      problems.push({ field, message: `${what} must be a positive ${integer ? 'whole ' : ''}number, or empty for the default.` });
    }
    return n;
  };

  let pool: PoolInput = { kind: 'demo' };
  if (v.pool === 'file') {
    const f = v.poolFile;
    if (!f) problems.push({ field: 'poolFile', message: 'Choose a persona file (CSV with trait columns, or persona JSONL).' });
    else pool = { kind: /\.jsonl?$/i.test(f.name) ? 'jsonl' : 'csv', name: f.name, data: f };
  } else if (v.pool === 'stored') {
    if (v.poolStored === '') problems.push({ field: 'poolStored', message: 'Choose stored personas: an imported set or a corpus with profiled personas.' });
    else pool = { kind: 'stored', ownerId: v.poolStored, name: v.poolStoredName || v.poolStored, ...(v.poolDbName ? { dbName: v.poolDbName } : {}) };
  }
  let reference: ReferenceInput;
  if (v.reference === 'builtin') {
    reference = { kind: 'builtin', entryId: v.builtinId, n: int('builtinN', v.builtinN, 2, 'Reference sample size'), seed: int('builtinSeed', v.builtinSeed, 0, 'Reference seed') };
  } else {
    if (v.storedId === '') problems.push({ field: 'storedId', message: 'Choose a stored reference, or use the built-in one.' });
    const countries = v.storedCountries.split(/[\s,;]+/).map((c) => c.trim().toUpperCase()).filter((c) => c !== '');
    reference = { kind: 'stored', id: v.storedId, ...(countries.length > 0 ? { countries } : {}) };
  }
  let method: AlignMethodName = DEFAULT_METHOD;
  if (isAlignMethod(v.method)) method = v.method;
  else problems.push({ field: 'method', message: `Unknown method "${v.method}".` });
  const size = int('size', v.size, 1, 'Set size K');
  const seed = int('seed', v.seed, 0, 'Seed');
  const epsilon = optionalPositive('epsilon', v.epsilon, 'ε');
  const tol = optionalPositive('tol', v.tol, 'Tolerance');
  const maxIter = optionalPositive('maxIter', v.maxIter, 'Max iterations', true);
  const bandwidth = optionalPositive('bandwidth', v.bandwidth, 'KDE bandwidth');
  const trimK = optionalPositive('trimK', v.trimK, 'Weight cap');
  const centroids = optionalPositive('centroids', v.centroids, 'Reference centroids', true);
  let holdout: number | undefined;
  if (v.holdout.trim() !== '') {
    holdout = Number(v.holdout.trim());
    if (!Number.isFinite(holdout) || holdout < 0 || holdout > MAX_HOLDOUT) {
      problems.push({ field: 'holdout', message: `Held-out share must be a number from 0 to ${MAX_HOLDOUT} (0 = evaluate in-sample), or empty for the default ${DEFAULT_HOLDOUT}.` });
    }
  }
  if (trimK !== undefined && trimK < 1) problems.push({ field: 'trimK', message: 'Weight cap must be at least 1 (× the mean weight).' });
  if (problems.length > 0) return { ok: false, problems };

  // Only the keys the user set travel: unset ones take the core's defaults and the manifest shows that.
  const sinkhorn: NonNullable<AlignOptions['sinkhorn']> = {};
  if (epsilon !== undefined) sinkhorn.epsilon = epsilon;
  if (tol !== undefined) sinkhorn.tol = tol;
  if (maxIter !== undefined) sinkhorn.maxIter = maxIter;
  if (v.epsScaling !== '') sinkhorn.epsScaling = v.epsScaling === 'on';
  const importance: NonNullable<AlignOptions['importance']> = {};
  if (bandwidth !== undefined) importance.bandwidth = bandwidth;
  if (trimK !== undefined) importance.trim = { kind: 'mean-multiple', k: trimK };
  return {
    ok: true,
    input: {
      pool,
      reference,
      options: {
        method,
        size,
        seed,
        standardize: v.standardize,
        ...(Object.keys(sinkhorn).length > 0 ? { sinkhorn } : {}),
        ...(Object.keys(importance).length > 0 ? { importance } : {}),
        ...(v.selection !== '' ? { selection: v.selection } : {}),
        ...(centroids !== undefined ? { referenceCentroids: centroids } : {}),
        ...(v.targets !== '' ? { targets: v.targets } : {}),
        ...(v.isSelection !== '' ? { isSelection: v.isSelection } : {}),
        ...(v.backend !== '' ? { prefer: v.backend } : {}),
        ...(holdout !== undefined ? { holdout } : {}),
      },
    },
  };
}
