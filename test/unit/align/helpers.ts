/** Dense, deliberately naive references for the streaming code (test-only). */
import { makeCloud, type WeightedCloud } from '../../../src/core/cloud';
import { Rng } from '../../../src/core/rng';

export function randomCloud(n: number, d: number, seed: number, shift = 0, weights?: 'random'): WeightedCloud {
  const rng = new Rng(seed);
  const pts = Float32Array.from({ length: n * d }, () => shift + rng.normal());
  return makeCloud(pts, d, weights === 'random' ? Array.from({ length: n }, () => 0.2 + rng.next()) : undefined);
}

export function costMatrix(a: WeightedCloud, b: WeightedCloud): number[][] {
  const C: number[][] = [];
  for (let i = 0; i < a.n; i++) {
    const row: number[] = [];
    for (let j = 0; j < b.n; j++) {
      let c = 0;
      for (let k = 0; k < a.d; k++) c += (a.points[i * a.d + k]! - b.points[j * b.d + k]!) ** 2;
      row.push(c);
    }
    C.push(row);
  }
  return C;
}

export function naiveLse(v: number[]): number {
  return Math.log(v.reduce((s, x) => s + Math.exp(x), 0));
}

/** POT's `sinkhorn_log` written densely: returns the plan after `iters` full iterations. */
export function denseSinkhornLog(a: Float64Array, b: Float64Array, C: number[][], eps: number, iters: number): number[][] {
  const n = a.length;
  const m = b.length;
  const f = new Array<number>(n).fill(0);
  const g = new Array<number>(m).fill(0);
  const lse = (v: number[]): number => {
    const mx = Math.max(...v);
    return mx + Math.log(v.reduce((s, x) => s + Math.exp(x - mx), 0));
  };
  for (let it = 0; it < iters; it++) {
    for (let i = 0; i < n; i++) f[i] = -eps * lse(g.map((gj, j) => (gj - C[i]![j]!) / eps + Math.log(b[j]!)));
    for (let j = 0; j < m; j++) g[j] = -eps * lse(f.map((fi, i) => (fi - C[i]![j]!) / eps + Math.log(a[i]!)));
  }
  return f.map((fi, i) => g.map((gj, j) => a[i]! * b[j]! * Math.exp((fi + gj - C[i]![j]!) / eps)));
}

export function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const p of permutations(n - 1)) for (let k = 0; k <= p.length; k++) out.push([...p.slice(0, k), n - 1, ...p.slice(k)]);
  return out;
}
