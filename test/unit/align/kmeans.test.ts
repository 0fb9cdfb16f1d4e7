import { describe, expect, it } from 'vitest';
import { weightedKMeans } from '../../../src/core/align/kmeans';
import { makeCloud } from '../../../src/core/cloud';
import { randomCloud } from './helpers';

describe('weighted k-means', () => {
  it('inertia never increases, mass is preserved and equals the assigned weight', async () => {
    const c = randomCloud(2000, 5, 1, 0, 'random');
    const r = await weightedKMeans(undefined, c, { k: 40, seed: 3, maxIter: 30 });
    for (let t = 1; t < r.inertiaHistory.length; t++) expect(r.inertiaHistory[t]!).toBeLessThanOrEqual(r.inertiaHistory[t - 1]! * (1 + 1e-12));
    expect(r.inertiaHistory.at(-1)!).toBeLessThan(r.inertiaHistory[0]!);
    const mass = new Float64Array(r.centroids.n);
    c.weights.forEach((w, i) => (mass[r.assignment[i]!] = mass[r.assignment[i]!]! + w));
    r.centroids.weights.forEach((w, j) => expect(w).toBeCloseTo(mass[j]!, 12));
    expect(r.centroids.weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 12);
    // inertia far below the one-cluster inertia (total variance ≈ 5)
    expect(r.inertia).toBeLessThan(0.6 * 5);
  });

  it('finds well-separated clusters and weights them by mass', async () => {
    const pts: number[] = [];
    const w: number[] = [];
    const centres = [[0, 0], [10, 0], [0, 10]];
    centres.forEach(([cx, cy], c) => {
      for (let i = 0; i < 50; i++) {
        pts.push(cx! + ((i % 7) - 3) * 0.05, cy! + ((i % 5) - 2) * 0.05);
        w.push(c + 1);
      }
    });
    const r = await weightedKMeans(undefined, makeCloud(pts, 2, w), { k: 3, seed: 1 });
    const byX = Array.from({ length: 3 }, (_, j) => [r.centroids.points[j * 2]!, r.centroids.points[j * 2 + 1]!, r.centroids.weights[j]!]).sort((a, b) => a[0]! + 2 * a[1]! - (b[0]! + 2 * b[1]!));
    expect(byX.map((v) => Math.round(v[0]!) + 0)).toEqual([0, 10, 0]);
    expect(byX.map((v) => v[2]!)).toEqual([1 / 6, 2 / 6, 3 / 6].map((v) => expect.closeTo(v, 12)) as unknown as number[]);
    expect(r.converged).toBe(true);
  });

  it('is deterministic for a seed and validates k', async () => {
    const c = randomCloud(300, 3, 2);
    const a = await weightedKMeans(undefined, c, { k: 10, seed: 5 });
    const b = await weightedKMeans(undefined, c, { k: 10, seed: 5 });
    expect(Array.from(a.centroids.points)).toEqual(Array.from(b.centroids.points));
    await expect(weightedKMeans(undefined, c, { k: 301 })).rejects.toMatchObject({ name: 'InputError' });
  });
});
