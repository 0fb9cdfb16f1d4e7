import { describe, expect, test } from 'vitest';
import { makeCloud } from '../../../src/core/cloud';
import { Rng } from '../../../src/core/rng';
import { gaussianCloud, syntheticBigFive, SYNTH_CORR } from '../../../src/core/align/synthetic';
import { trimWeights } from '../../../src/core/align/weights';
import { bandwidth1d, kde1d, linearGrid, traitDensities, trapezoid } from '../../../src/pipeline/results/density';
import { correlationView } from '../../../src/pipeline/results/correlation';
import { fitPca, project2d } from '../../../src/pipeline/results/pca';
import { weightView } from '../../../src/pipeline/results/weights-view';
import { percentileIndex, percentileOf } from '../../../src/pipeline/results/percentiles';

describe('densities', () => {
  test('every trait density of every series integrates to 1 on its grid', () => {
    const ref = syntheticBigFive({ n: 800, seed: 1 });
    const pool = syntheticBigFive({ n: 300, seed: 2, tiltSd: [0.5, 0.3, 0.6, 0.8, -0.8] });
    const w = Float64Array.from({ length: 300 }, (_, i) => 1 + (i % 4));
    const weighted = makeCloud(pool.points, 5, w);
    const dens = traitDensities([
      { key: 'reference', label: 'Reference', cloud: ref },
      { key: 'pool', label: 'Pool', cloud: pool },
      { key: 'weighted', label: 'Weighted', cloud: weighted },
    ]);
    expect(dens.map((d) => d.trait)).toEqual(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);
    for (const t of dens) {
      for (const c of t.curves) {
        expect(trapezoid(t.grid, c.y)).toBeCloseTo(1, 3);
        expect(c.y.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
      }
    }
  });

  test('KDE of a large normal sample matches its expectation N(0, 1 + h²); Scott h = σ n^(−1/5)', () => {
    const rng = new Rng(4);
    const x = Float64Array.from({ length: 4000 }, () => rng.normal());
    const w = new Float64Array(4000).fill(1);
    const h = bandwidth1d(x, w);
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let s2 = 0;
    for (const v of x) s2 += (v - m) ** 2;
    expect(h).toBeCloseTo(Math.sqrt(s2 / x.length) * 4000 ** -0.2, 6);
    const grid = linearGrid(-2, 2, 9);
    const f = kde1d(x, w, grid, h);
    const v = 1 + h * h; // E[KDE] = N(0,1) convolved with N(0,h²)
    grid.forEach((t, i) => {
      const expected = Math.exp(-t * t / (2 * v)) / Math.sqrt(2 * Math.PI * v);
      const se = Math.sqrt(expected / (2 * Math.sqrt(Math.PI) * x.length * h)); // KDE standard error
      expect(Math.abs(f[i]! - expected)).toBeLessThan(4 * se);
    });
  });

  test('weights move the density: all mass on one point gives a normal bump of width h there', () => {
    const x = Float64Array.from([1, 2, 3]);
    const grid = linearGrid(0, 4, 401);
    const f = kde1d(x, [0, 0, 1], grid, 0.1);
    const peak = grid[f.indexOf(Math.max(...f))]!;
    expect(peak).toBeCloseTo(3, 6);
    expect(Math.max(...f)).toBeCloseTo(1 / (0.1 * Math.sqrt(2 * Math.PI)), 6);
    expect(() => kde1d(x, [1, 1, 1], grid, 0)).toThrow(/bandwidth/);
  });
});

describe('correlation', () => {
  test('correlation of known data: y = 2x → 1, z = −x → −1, independent → ≈ 0; difference = selected − reference', () => {
    const rng = new Rng(9);
    const n = 5000;
    const pts = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      pts.set([x, 2 * x + 1, -x, rng.normal(), rng.normal()], i * 5);
    }
    const c = makeCloud(pts, 5);
    const ind = gaussianCloud(n, 5, 10);
    const v = correlationView(ind, c);
    expect(v.selected[0 * 5 + 1]).toBeCloseTo(1, 5);
    expect(v.selected[0 * 5 + 2]).toBeCloseTo(-1, 5);
    expect(Math.abs(v.selected[0 * 5 + 3]!)).toBeLessThan(0.05);
    expect(Math.abs(v.reference[1]!)).toBeLessThan(0.05);
    for (let i = 0; i < 25; i++) expect(v.difference[i]).toBeCloseTo(v.selected[i]! - v.reference[i]!, 12);
    expect(v.cells.length).toBe(75);
    expect(v.cells.find((x) => x.panel === 'Selected' && x.row === 'Openness' && x.col === 'Conscientiousness')!.value).toBeCloseTo(1, 5);
    let f = 0;
    for (const d of v.difference) f += d * d;
    expect(v.frobenius).toBeCloseTo(Math.sqrt(f), 12);
  });

  test('the synthetic generator correlation is recovered', () => {
    const c = syntheticBigFive({ n: 20000, seed: 3 });
    const v = correlationView(c, c);
    // Clipping to 1–5 shrinks correlations a little.
    for (let i = 0; i < 25; i++) expect(Math.abs(v.reference[i]! - SYNTH_CORR[i]!)).toBeLessThan(0.04);
  });
});

describe('PCA', () => {
  test('a known case: points on the line (t, t, 0, 0, 0) and three independent traits → PC1 = (1,1,0,0,0)/√2 with 2/5 of the z-variance', () => {
    const rng = new Rng(11);
    const n = 4000;
    const pts = new Float32Array(n * 5);
    for (let i = 0; i < n; i++) {
      const t = rng.normal();
      pts.set([t, t, rng.normal(), rng.normal(), rng.normal()], i * 5);
    }
    const pca = fitPca(makeCloud(pts, 5));
    const [v1] = pca.components;
    expect(v1[0]).toBeCloseTo(Math.SQRT1_2, 3);
    expect(v1[1]).toBeCloseTo(Math.SQRT1_2, 3);
    for (const k of [2, 3, 4]) expect(Math.abs(v1[k]!)).toBeLessThan(0.03); // sampling noise ≈ 1/√n
    // z-scored: the correlation matrix has eigenvalues 2, ≈1, ≈1, ≈1, 0 → PC1 explains 2/5.
    expect(pca.variances[0]).toBeCloseTo(2, 2);
    expect(pca.explained[0]).toBeCloseTo(0.4, 2);
    // Projection of the mean is the origin; of mean + sd on both first traits is √2 on PC1.
    const mean = pca.standardizer.mean;
    const sd = pca.standardizer.sd;
    const probe = makeCloud([mean[0]! + sd[0]!, mean[1]! + sd[1]!, mean[2]!, mean[3]!, mean[4]!], 5);
    const [[a, b]] = project2d(pca, probe) as [[number, number]];
    expect(a).toBeCloseTo(v1[0]! + v1[1]!, 5); // float32 probe: 5 digits
    expect(a).toBeCloseTo(Math.SQRT2, 2);
    expect(Math.abs(b)).toBeLessThan(0.05);
  });

  test('projected reference has the PCs as variances and zero mean', () => {
    const ref = syntheticBigFive({ n: 3000, seed: 5 });
    const pca = fitPca(ref);
    const xy = project2d(pca, ref);
    const m = xy.reduce((s, [a, b]) => [s[0]! + a / xy.length, s[1]! + b / xy.length], [0, 0]);
    expect(Math.abs(m[0]!)).toBeLessThan(1e-5);
    const v1 = xy.reduce((s, [a]) => s + (a - m[0]!) ** 2, 0) / xy.length;
    expect(v1).toBeCloseTo(pca.variances[0], 4);
    expect(pca.explained[0]).toBeGreaterThan(pca.explained[1]);
  });
});

describe('weights view', () => {
  test('ESS, cap and bins of trimmed weights', () => {
    const rng = new Rng(2);
    const raw = Float64Array.from({ length: 1000 }, () => Math.exp(3 * rng.normal()));
    const { weights, trimmed } = trimWeights(raw, { kind: 'mean-multiple', k: 20 });
    const v = weightView(weights, 20);
    expect(trimmed).toBeGreaterThan(0);
    expect(v.atCap).toBe(trimmed);
    expect(v.maxOverMean).toBeCloseTo(20, 9);
    expect(v.bins.reduce((s, b) => s + b.count, 0)).toBe(1000 - v.zeros);
    let s = 0;
    let s2 = 0;
    for (const w of weights) (s += w), (s2 += w * w);
    expect(v.ess).toBeCloseTo((s * s) / s2, 9);
    expect(v.bins[0]!.x0).toBeLessThan(1);
    expect(v.bins.at(-1)!.x1).toBeCloseTo(20, 6);
    expect(() => weightView([1, NaN])).toThrow(/finite/);
  });
});

describe('percentiles', () => {
  test('weighted mid-rank percentiles of a known reference', () => {
    const ref = makeCloud(new Float32Array([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4]), 5, [1, 1, 1, 1]);
    const idx = percentileIndex(ref);
    expect(percentileOf(idx, 0, 0)).toBe(0);
    expect(percentileOf(idx, 0, 5)).toBe(100);
    expect(percentileOf(idx, 0, 2.5)).toBe(50);
    expect(percentileOf(idx, 0, 2)).toBe(37.5); // below 25% + at-or-below 50%, halved
    const weighted = makeCloud(ref.points, 5, [3, 1, 0, 0]);
    expect(percentileOf(percentileIndex(weighted), 2, 2.5)).toBe(100);
    expect(percentileOf(percentileIndex(weighted), 2, 1.5)).toBe(75);
  });
});

describe('gap to the reference before alignment', () => {
  test('a pool shifted by +0.5 reference SD on every trait and narrowed to 0.8× shows exactly that', async () => {
    const { referenceGap } = await import('../../../src/pipeline/results/gap');
    const ref = gaussianCloud(3000, 5, 21, 3, 0.7);
    const pts = Float32Array.from(ref.points, (v) => 3 + 0.8 * (v - 3) + 0.5 * 0.7);
    const gap = referenceGap(makeCloud(pts, 5), ref);
    for (const t of gap.traits) {
      // Same points up to an affine map: exact up to the sample's own mean/SD.
      expect(t.meanErrorSd).toBeCloseTo((t.personaMean - t.referenceMean) / t.referenceSd, 9);
      expect(t.sdErrorSd).toBeCloseTo(-0.2, 3);
      expect(t.meanErrorSd).toBeGreaterThan(0.4);
      expect(t.meanErrorSd).toBeLessThan(0.6);
      expect(t.w1Sd).toBeGreaterThan(0.4);
      expect(t.ks).toBeGreaterThan(0.15);
    }
    expect(gap.corrFrobenius).toBeLessThan(1e-4); // an affine map per trait keeps the correlations
    const same = referenceGap(ref, ref);
    for (const t of same.traits) expect([t.meanErrorSd, t.w1Sd, t.ks]).toEqual([0, 0, 0]);
  });
});

describe('binned KDE', () => {
  test('linear binning matches the exact kernel sum to 1e-4 of the peak (10,000 points, Scott h)', async () => {
    const { kde1dBinned } = await import('../../../src/pipeline/results/density');
    const ref = syntheticBigFive({ n: 10000, seed: 6 });
    for (let k = 0; k < 5; k++) {
      const x = Float64Array.from({ length: ref.n }, (_, i) => ref.points[i * 5 + k]!);
      const h = bandwidth1d(x, ref.weights);
      const grid = linearGrid(1 - 3 * h, 5 + 3 * h, 128);
      const exact = kde1d(x, ref.weights, grid, h);
      const binned = kde1dBinned(x, ref.weights, grid, h);
      const peak = Math.max(...exact);
      for (let g = 0; g < grid.length; g++) expect(Math.abs(binned[g]! - exact[g]!)).toBeLessThan(1e-4 * peak);
      expect(trapezoid(grid, binned)).toBeCloseTo(1, 3);
    }
  });
});
