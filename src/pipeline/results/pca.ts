/**
 * A 2-D projection (PCA) of pool, reference and selected set for the scatter plot. The axes are the
 * two leading principal components of the reference after z-scoring by the reference's weighted
 * mean/SD (the diagnostics' unit), so the picture is "where the personas fall in the human space".
 * Eigen-decomposition by ml-matrix (as src/core/psychometrics/factor.ts), not hand-written.
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { AppError } from '../../core/errors';
import type { WeightedCloud } from '../../core/cloud';
import { standardizerOf, type Standardizer } from '../../core/align/stats';

export interface Pca {
  standardizer: Standardizer;
  /** The two leading unit eigenvectors (length d each), sign fixed so the largest loading is positive. */
  components: [Float64Array, Float64Array];
  /** Their eigenvalues (variances along them, in reference SD²). */
  variances: [number, number];
  /** Share of the total variance each explains. */
  explained: [number, number];
}

/** PCA of a weighted cloud in its own z-scores (the correlation matrix's eigenvectors). */
export function fitPca(reference: WeightedCloud): Pca {
  if (reference.d < 2) throw new AppError('InputError', `PCA needs at least 2 dimensions, got ${reference.d}.`);
  const z = standardizerOf(reference);
  const mean = z.mean;
  const d = reference.d;
  const cov = Matrix.zeros(d, d);
  for (let i = 0; i < reference.n; i++) {
    const w = reference.weights[i]!;
    for (let k = 0; k < d; k++) {
      const ek = (reference.points[i * d + k]! - mean[k]!) / z.sd[k]!;
      for (let l = k; l < d; l++) cov.set(k, l, cov.get(k, l) + w * ek * ((reference.points[i * d + l]! - mean[l]!) / z.sd[l]!));
    }
  }
  for (let k = 0; k < d; k++) for (let l = 0; l < k; l++) cov.set(k, l, cov.get(l, k));
  const eig = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = eig.realEigenvalues;
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const vec = (c: number): Float64Array => {
    const v = Float64Array.from(eig.eigenvectorMatrix.getColumn(order[c]!));
    let big = 0;
    for (let k = 1; k < d; k++) if (Math.abs(v[k]!) > Math.abs(v[big]!)) big = k;
    if (v[big]! < 0) for (let k = 0; k < d; k++) v[k] = -v[k]!;
    return v;
  };
  const total = values.reduce((s, v) => s + Math.max(0, v), 0);
  const v0 = Math.max(0, values[order[0]!]!);
  const v1 = Math.max(0, values[order[1]!]!);
  if (!(total > 0)) throw new AppError('NumericError', 'the reference has no variance; PCA needs spread in at least one trait.');
  return { standardizer: z, components: [vec(0), vec(1)], variances: [v0, v1], explained: [v0 / total, v1 / total] };
}

/** Projects the rows `rows` (all when undefined) of a cloud onto the two components: [pc1, pc2] pairs. */
export function project2d(pca: Pca, c: WeightedCloud, rows?: ArrayLike<number>): Array<[number, number]> {
  const d = c.d;
  const idx = rows ?? Array.from({ length: c.n }, (_, i) => i);
  const out: Array<[number, number]> = [];
  for (let r = 0; r < idx.length; r++) {
    const i = idx[r]!;
    let a = 0;
    let b = 0;
    for (let k = 0; k < d; k++) {
      const z = (c.points[i * d + k]! - pca.standardizer.mean[k]!) / pca.standardizer.sd[k]!;
      a += z * pca.components[0][k]!;
      b += z * pca.components[1][k]!;
    }
    out.push([a, b]);
  }
  return out;
}
