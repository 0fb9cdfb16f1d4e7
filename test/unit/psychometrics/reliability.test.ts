import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { principalAxis } from '../../../src/core/psychometrics/factor';
import { ITEM_INDEX, ITEM_KEYING, ITEM_TRAIT_INDEX } from '../../../src/core/psychometrics/ipip50';
import {
  acquiescenceIndex,
  correctedItemTotal,
  cronbachAlpha,
  longestRun,
  mcdonaldOmega,
  responseStyleReport,
  reverseKeyInconsistentTraits,
} from '../../../src/core/psychometrics/reliability';
import { Rng } from '../../../src/core/rng';

/** α by the covariance-matrix form k/(k−1)·(1 − tr C / ΣC), written independently of the library. */
function alphaByCov(rows: number[][]): number {
  const n = rows.length;
  const k = rows[0]!.length;
  const mean = Array.from({ length: k }, (_, j) => rows.reduce((s, r) => s + r[j]!, 0) / n);
  let tr = 0;
  let all = 0;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const c = rows.reduce((s, r) => s + (r[a]! - mean[a]!) * (r[b]! - mean[b]!), 0) / (n - 1);
      all += c;
      if (a === b) tr += c;
    }
  }
  return (k / (k - 1)) * (1 - tr / all);
}

/** Likert answers from a one-factor model: x = round(3 + 1.1(λ f + √(1−λ²) e)) clamped to 1…5. */
function oneFactorData(n: number, lambdas: number[], rng: Rng): number[][] {
  return Array.from({ length: n }, () => {
    const f = rng.normal();
    return lambdas.map((l) => l * f + Math.sqrt(1 - l * l) * rng.normal());
  });
}

describe('Cronbach α', () => {
  it('matches a hand-worked 4×3 example: α = 27/28', () => {
    // item variances 5/3, 19/12, 11/12 (Σ = 25/6); total variance 35/3 → α = 1.5(1 − 5/14) = 27/28
    const rows = [[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 5, 5]];
    expect(cronbachAlpha(rows.flat(), 4, 3)).toBeCloseTo(27 / 28, 12);
    expect(alphaByCov(rows)).toBeCloseTo(27 / 28, 12);
  });

  it('agrees with the covariance form on random data and equals 1 for identical items', () => {
    const rng = new Rng(7);
    const rows = Array.from({ length: 50 }, () => Array.from({ length: 6 }, () => 1 + rng.int(5)));
    expect(cronbachAlpha(rows.flat(), 50, 6)).toBeCloseTo(alphaByCov(rows), 10);
    const same = Array.from({ length: 20 }, (_, i) => [i % 5, i % 5, i % 5]);
    expect(cronbachAlpha(same.flat(), 20, 3)).toBeCloseTo(1, 12);
  });

  it('gives the Spearman–Brown value kr/(1+(k−1)r) for parallel items (large n)', () => {
    // 10 items, λ = 0.6 each: inter-item r = 0.36, so α → 10·0.36/(1+9·0.36) = 0.8491
    const rng = new Rng(11);
    const rows = oneFactorData(40000, new Array(10).fill(0.6), rng);
    expect(cronbachAlpha(rows.flat(), rows.length, 10)).toBeCloseTo(3.6 / 4.24, 2);
  });
});

describe('McDonald ω and one-factor PAF', () => {
  it('recovers loadings exactly from a one-factor correlation matrix', () => {
    const lam = [0.8, 0.7, 0.6, 0.5, 0.4];
    const R = new Matrix(5, 5);
    for (let a = 0; a < 5; a++) for (let b = 0; b < 5; b++) R.set(a, b, a === b ? 1 : lam[a]! * lam[b]!);
    const L = principalAxis(R, 1, { tol: 1e-12, maxIter: 5000 }).loadings;
    lam.forEach((l, i) => expect(L.get(i, 0)).toBeCloseTo(l, 5));
  });

  it('approaches (Σλ)²/((Σλ)² + Σ(1−λ²)) on data from a one-factor model', () => {
    const lam = [0.8, 0.7, 0.6, 0.5, 0.4, 0.7];
    const s = lam.reduce((a, b) => a + b, 0);
    const u = lam.reduce((a, l) => a + 1 - l * l, 0);
    const rows = oneFactorData(30000, lam, new Rng(3));
    const { omega, loadings } = mcdonaldOmega(rows.flat(), rows.length, lam.length);
    expect(omega).toBeCloseTo((s * s) / (s * s + u), 2);
    lam.forEach((l, i) => expect(loadings[i]!).toBeCloseTo(l, 1));
    // ω ≥ α when loadings are unequal (α is a lower bound under congeneric items)
    expect(omega).toBeGreaterThanOrEqual(cronbachAlpha(rows.flat(), rows.length, lam.length) - 1e-9);
  });
});

describe('item–total and response style', () => {
  it('corrected item–total equals r(item, sum of the others)', () => {
    const rows = [[1, 2, 3], [2, 3, 3], [3, 3, 4], [4, 5, 5], [2, 1, 2]];
    const r = correctedItemTotal(rows.flat(), 5, 3);
    const x = rows.map((q) => q[0]!);
    const y = rows.map((q) => q[1]! + q[2]!);
    const mx = x.reduce((a, b) => a + b) / 5;
    const my = y.reduce((a, b) => a + b) / 5;
    const sxy = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
    const sxx = x.reduce((s, v) => s + (v - mx) ** 2, 0);
    const syy = y.reduce((s, v) => s + (v - my) ** 2, 0);
    expect(r[0]!).toBeCloseTo(sxy / Math.sqrt(sxx * syy), 12);
  });

  it('flags straight-lining, acquiescence and reverse-key inconsistency', () => {
    const straight = new Array<number>(50).fill(5);
    expect(longestRun(straight)).toBe(50);
    expect(acquiescenceIndex(straight)).toBe(5);
    expect(reverseKeyInconsistentTraits(straight)).toBe(5);
    // a perfectly consistent respondent: agree with + keyed, disagree with − keyed items
    const consistent = Array.from({ length: 50 }, (_, j) => (ITEM_KEYING[j]! > 0 ? 5 : 1));
    expect(reverseKeyInconsistentTraits(consistent)).toBe(0);
    const rep = responseStyleReport([straight, consistent, new Array<number>(50).fill(3)], { congruenceMinRows: 0 });
    expect(Array.from(rep.straightLining.flags)).toEqual([1, 0, 1]);
    expect(rep.straightLining.zeroVariance).toBe(2);
    expect(Array.from(rep.reverseKey.flags)).toEqual([1, 0, 0]);
    expect(rep.acquiescence.mean).toBeCloseTo((5 + acquiescenceIndex(consistent) + 3) / 3, 12);
    expect(rep.congruence).toBeUndefined();
  });

  it('reports high α per trait and a recovered five-factor structure on simulated IPIP data', () => {
    const rng = new Rng(2024);
    const rows: number[][] = [];
    for (let i = 0; i < 3000; i++) {
      const f = Array.from({ length: 5 }, () => rng.normal());
      rows.push(Array.from({ length: 50 }, (_, j) => {
        const z = 0.7 * ITEM_KEYING[j]! * f[ITEM_TRAIT_INDEX[j]!]! + 0.71 * rng.normal();
        return Math.min(5, Math.max(1, Math.round(3 + 1.2 * z)));
      }));
    }
    const rep = responseStyleReport(rows);
    for (const t of rep.reliability) {
      expect(t.nComplete).toBe(3000);
      expect(t.alpha).toBeGreaterThan(0.8);
      expect(t.omega).toBeGreaterThan(0.8);
      for (const it of t.itemTotal) expect(it.r).toBeGreaterThan(0.4);
    }
    expect(rep.congruence).toBeDefined();
    for (const phi of Object.values(rep.congruence!.congruenceByTrait)) expect(phi).toBeGreaterThan(0.9);
    // EST1 ("stressed out") must load positively on the neuroticism column
    expect(rep.congruence!.loadings.get(ITEM_INDEX.get('EST1')!, 4)).toBeGreaterThan(0.4);
  });
});
