/**
 * The built-in approximate reference (public/reference/builtin-reference.json): per population a
 * parametric description — means, SDs and a correlation matrix on the IPIP-50 1–5 mean-score
 * scale, TRAITS order — with the source of every number. Values an entry could not source are
 * listed in its `assumed` field so the UI can say so. Sampling draws a seeded multivariate normal
 * (Cholesky of Σ = D R D) and clamps to [1, 5], reporting how many values were clamped.
 */
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { makeCloud, type WeightedCloud } from '../cloud';
import { AppError } from '../errors';
import { Rng } from '../rng';
import { TRAITS } from '../traits';

/** Path of the JSON under the app's public root (fetch it relative to the base URL). */
export const BUILTIN_REFERENCE_PATH = 'reference/builtin-reference.json';

export interface BuiltinEntry {
  id: string;
  name: string;
  /** ISO alpha-2 codes of the population, or null for the global entry. */
  countries: string[] | null;
  mean: number[];
  sd: number[];
  correlation: number[][];
  /** One line the UI shows next to the entry. */
  source: string;
  citations: string[];
  /** Which of mean / sd / correlation are assumptions rather than sourced numbers. */
  assumed: ('mean' | 'sd' | 'correlation')[];
}

export interface BuiltinReference {
  label: 'approximate';
  scale: string;
  traits: string[];
  howToUseRealData: string;
  entries: BuiltinEntry[];
}

const D = TRAITS.length;

/** Checks the JSON shape and numbers (PD correlation, positive SDs); FormatError says what is wrong. */
export function validateBuiltinReference(json: unknown, file = BUILTIN_REFERENCE_PATH): BuiltinReference {
  const bad = (msg: string): never => {
    throw new AppError('FormatError', `${file}: ${msg}`);
  };
  if (typeof json !== 'object' || json === null) return bad('expected a JSON object.');
  const o = json as Record<string, unknown>;
  if (o.label !== 'approximate') bad('"label" must be "approximate".');
  if (typeof o.howToUseRealData !== 'string' || typeof o.scale !== 'string') bad('"scale" and "howToUseRealData" must be strings.');
  if (!Array.isArray(o.traits) || o.traits.join() !== TRAITS.join()) bad(`"traits" must be ${JSON.stringify(TRAITS)} (canonical order).`);
  if (!Array.isArray(o.entries) || o.entries.length === 0) bad('"entries" must be a non-empty array.');
  const ids = new Set<string>();
  for (const e of o.entries as unknown[]) {
    const x = e as Record<string, unknown>;
    const id = typeof x.id === 'string' ? x.id : bad('an entry lacks a string "id".');
    const where = `entry "${id}"`;
    if (ids.has(id)) bad(`${where} appears twice.`);
    ids.add(id);
    if (typeof x.name !== 'string' || typeof x.source !== 'string') bad(`${where} needs string "name" and "source".`);
    if (!Array.isArray(x.citations) || x.citations.length === 0 || !x.citations.every((c) => typeof c === 'string')) bad(`${where} needs at least one citation string.`);
    if (!(x.countries === null || (Array.isArray(x.countries) && x.countries.every((c) => typeof c === 'string')))) bad(`${where}: "countries" must be null or a list of codes.`);
    if (!Array.isArray(x.assumed) || !x.assumed.every((a) => a === 'mean' || a === 'sd' || a === 'correlation')) bad(`${where}: "assumed" must list mean / sd / correlation.`);
    const vec = (k: string): number[] => {
      const v = x[k];
      if (!Array.isArray(v) || v.length !== D || !v.every((n) => typeof n === 'number' && Number.isFinite(n))) return bad(`${where}: "${k}" must be ${D} finite numbers.`);
      return v as number[];
    };
    const mean = vec('mean');
    const sd = vec('sd');
    if (mean.some((m) => m < 1 || m > 5)) bad(`${where}: means must lie on the 1–5 scale.`);
    if (sd.some((s) => !(s > 0))) bad(`${where}: SDs must be positive.`);
    const R = x.correlation;
    if (!Array.isArray(R) || R.length !== D || !R.every((r) => Array.isArray(r) && r.length === D && r.every((n) => typeof n === 'number' && Number.isFinite(n)))) {
      bad(`${where}: "correlation" must be a ${D}×${D} matrix.`);
    }
    const Rm = R as number[][];
    for (let a = 0; a < D; a++) {
      if (Math.abs(Rm[a]![a]! - 1) > 1e-9) bad(`${where}: correlation diagonal must be 1.`);
      for (let b = 0; b < D; b++) if (Math.abs(Rm[a]![b]! - Rm[b]![a]!) > 1e-9) bad(`${where}: correlation must be symmetric.`);
    }
    if (!new CholeskyDecomposition(new Matrix(Rm)).isPositiveDefinite()) bad(`${where}: correlation matrix is not positive definite.`);
  }
  return json as BuiltinReference;
}

export function builtinEntry(ref: BuiltinReference, id: string): BuiltinEntry {
  const e = ref.entries.find((x) => x.id === id.toLowerCase());
  if (!e) throw new AppError('InputError', `No built-in reference "${id}". Available: ${ref.entries.map((x) => x.id).join(', ')}.`);
  return e;
}

export interface BuiltinSample {
  cloud: WeightedCloud;
  /** How many of the n × 5 drawn values fell outside [1, 5] and were clamped. */
  clampedValues: number;
  note: string;
}

/** A seeded sample of n points: x = μ + D L z, L Lᵀ = R, z ~ N(0, I); clamped to [1, 5]. */
export function sampleBuiltin(entry: BuiltinEntry, n: number, seed: number): BuiltinSample {
  if (!Number.isInteger(n) || n < 1) throw new AppError('InputError', `Sample size must be a positive integer, got ${n}.`);
  const chol = new CholeskyDecomposition(new Matrix(entry.correlation));
  if (!chol.isPositiveDefinite()) throw new AppError('NumericError', `The correlation matrix of "${entry.id}" is not positive definite.`);
  const Lm = chol.lowerTriangularMatrix;
  const L = Float64Array.from({ length: D * D }, (_, k) => Lm.get(Math.floor(k / D), k % D));
  const rng = new Rng(seed);
  const pts = new Float32Array(n * D);
  const z = new Float64Array(D);
  let clamped = 0;
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < D; t++) z[t] = rng.normal();
    for (let t = 0; t < D; t++) {
      let s = 0;
      for (let k = 0; k <= t; k++) s += L[t * D + k]! * z[k]!;
      let v = entry.mean[t]! + entry.sd[t]! * s;
      if (v < 1 || v > 5) {
        clamped++;
        v = Math.min(5, Math.max(1, v));
      }
      pts[i * D + t] = v;
    }
  }
  const note = `Sampled ${n} points from a multivariate normal fitted to "${entry.name}" (approximate; ${entry.source}); ${clamped} of ${n * D} values fell outside the 1–5 scale and were clamped to it.`;
  return { cloud: makeCloud(pts, D, undefined, `builtin:${entry.id}`), clampedValues: clamped, note };
}
