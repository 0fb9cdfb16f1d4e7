import { Matrix } from 'ml-matrix';
import { describe, expect, it } from 'vitest';
import { fiveFactorCongruence, keyTargetLoadings, matchFactors, referenceStructure, tuckerCongruence, varimax, varimaxCriterion } from '../../../src/core/psychometrics/factor';
import { ITEM_KEYING, ITEM_TRAIT_INDEX, TRAIT_ITEMS } from '../../../src/core/psychometrics/ipip50';
import { Rng } from '../../../src/core/rng';

function rotation2(theta: number): Matrix {
  return new Matrix([[Math.cos(theta), -Math.sin(theta)], [Math.sin(theta), Math.cos(theta)]]);
}

describe('varimax', () => {
  // A simple structure: items 1–3 on factor 1, items 4–6 on factor 2.
  const S = new Matrix([[0.8, 0], [0.7, 0], [0.6, 0], [0, 0.8], [0, 0.7], [0, 0.6]]);

  it('recovers a simple structure hidden by a rotation, up to order and sign', () => {
    const hidden = S.mmul(rotation2(0.6));
    const { loadings, rotation } = varimax(hidden);
    const m = matchFactors(loadings, S);
    expect(m.congruence[0]!).toBeCloseTo(1, 6);
    expect(m.congruence[1]!).toBeCloseTo(1, 6);
    // rotation is orthogonal: TᵀT = I
    const I = rotation.transpose().mmul(rotation);
    expect(I.get(0, 0)).toBeCloseTo(1, 10);
    expect(I.get(0, 1)).toBeCloseTo(0, 10);
    expect(I.get(1, 1)).toBeCloseTo(1, 10);
    // the rotated loadings are the input times the returned rotation
    const LT = hidden.mmul(rotation);
    for (let i = 0; i < 6; i++) for (let j = 0; j < 2; j++) expect(loadings.get(i, j)).toBeCloseTo(LT.get(i, j), 10);
    // communalities (row sums of squares) are unchanged by an orthogonal rotation
    for (let i = 0; i < 6; i++) expect(loadings.getRow(i).reduce((s, v) => s + v * v, 0)).toBeCloseTo(hidden.getRow(i).reduce((s, v) => s + v * v, 0), 10);
  });

  it('maximises the varimax criterion against nearby and random rotations (raw, normalize=false)', () => {
    const rng = new Rng(5);
    const L = new Matrix(Array.from({ length: 12 }, () => [rng.normal() * 0.5, rng.normal() * 0.5, rng.normal() * 0.5]));
    const { loadings } = varimax(L, { normalize: false, eps: 1e-12 });
    const best = varimaxCriterion(loadings);
    for (let k = 0; k < 200; k++) {
      // random orthogonal 3×3 from QR-like Gram–Schmidt of a Gaussian matrix
      const G = new Matrix(Array.from({ length: 3 }, () => [rng.normal(), rng.normal(), rng.normal()]));
      const Q = gramSchmidt(G);
      expect(varimaxCriterion(L.mmul(Q))).toBeLessThanOrEqual(best + 1e-9);
    }
    for (const eps of [1e-3, -1e-3]) {
      const R = new Matrix([[Math.cos(eps), -Math.sin(eps), 0], [Math.sin(eps), Math.cos(eps), 0], [0, 0, 1]]);
      expect(varimaxCriterion(loadings.mmul(R))).toBeLessThanOrEqual(best + 1e-12);
    }
  });
});

function gramSchmidt(G: Matrix): Matrix {
  const cols: number[][] = [];
  for (let j = 0; j < G.columns; j++) {
    let v = G.getColumn(j);
    for (const u of cols) {
      const d = v.reduce((s, x, i) => s + x * u[i]!, 0);
      v = v.map((x, i) => x - d * u[i]!);
    }
    const nrm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    cols.push(v.map((x) => x / nrm));
  }
  return new Matrix(cols).transpose();
}

describe('Tucker congruence and factor matching', () => {
  it('is 1 for a structure with itself and invariant to scale', () => {
    const K = keyTargetLoadings();
    for (let k = 0; k < 5; k++) expect(tuckerCongruence(K.getColumn(k), K.getColumn(k))).toBeCloseTo(1, 12);
    expect(tuckerCongruence([1, 2, 3], [2, 4, 6])).toBeCloseTo(1, 12);
    expect(tuckerCongruence([1, 0], [0, 1])).toBe(0);
  });

  it('finds the permutation and signs of a shuffled, sign-flipped structure', () => {
    const K = keyTargetLoadings();
    const perm = [3, 0, 4, 1, 2];
    const signs = [1, -1, 1, -1, -1];
    const shuffled = new Matrix(50, 5);
    for (let k = 0; k < 5; k++) for (let i = 0; i < 50; i++) shuffled.set(i, perm[k]!, signs[k]! * K.get(i, k));
    const m = matchFactors(shuffled, K);
    expect(m.perm).toEqual(perm);
    expect(m.signs).toEqual(signs);
    m.congruence.forEach((c) => expect(c).toBeCloseTo(1, 12));
    expect(m.mean).toBeCloseTo(1, 12);
  });
});

describe('five-factor congruence of response sets', () => {
  function simulate(n: number, seed: number, flip: (j: number) => boolean = () => false): number[][] {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => {
      const f = Array.from({ length: 5 }, () => rng.normal());
      return Array.from({ length: 50 }, (_, j) => {
        const key = (flip(j) ? -1 : 1) * ITEM_KEYING[j]!;
        const z = 0.7 * key * f[ITEM_TRAIT_INDEX[j]!]! + 0.71 * rng.normal();
        return Math.min(5, Math.max(1, Math.round(3 + 1.2 * z)));
      });
    });
  }

  it('is near 1 between two samples of the same structure and drops when items are mis-keyed', () => {
    const ref = referenceStructure(simulate(2000, 1));
    const same = fiveFactorCongruence(simulate(1500, 2), ref);
    for (const phi of Object.values(same.congruenceByTrait)) expect(phi).toBeGreaterThan(0.95);
    // flip the keying of 5 of the 10 neuroticism items in the "sample" population
    const nItems = TRAIT_ITEMS[4]!.slice(0, 5);
    const broken = fiveFactorCongruence(simulate(1500, 3, (j) => nItems.includes(j)), ref);
    expect(broken.congruenceByTrait.neuroticism).toBeLessThan(0.7);
    expect(broken.congruenceByTrait.openness).toBeGreaterThan(0.95);
  });
});
