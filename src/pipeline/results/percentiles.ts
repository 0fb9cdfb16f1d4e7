/**
 * A persona's trait scores as percentiles of the reference: the weighted share of reference
 * people at or below the score (mid-rank for ties, so a score equal to everyone's is the 50th).
 */
import type { WeightedCloud } from '../../core/cloud';
import { TRAITS, type Trait, type TraitVector } from '../../core/traits';

export interface TraitPercentile {
  trait: Trait;
  score: number;
  /** 0–100. */
  percentile: number;
  /** The reference's weighted mean of the trait, for the bar's marker. */
  referenceMean: number;
}

/** Sorted columns with cumulative weights, built once per reference. */
export interface PercentileIndex {
  sorted: Float64Array[];
  cum: Float64Array[];
  means: number[];
}

export function percentileIndex(ref: WeightedCloud): PercentileIndex {
  const sorted: Float64Array[] = [];
  const cum: Float64Array[] = [];
  const means: number[] = [];
  for (let k = 0; k < ref.d; k++) {
    const idx = Array.from({ length: ref.n }, (_, i) => i).sort((a, b) => ref.points[a * ref.d + k]! - ref.points[b * ref.d + k]!);
    const s = new Float64Array(ref.n);
    const c = new Float64Array(ref.n);
    let acc = 0;
    let m = 0;
    idx.forEach((i, r) => {
      s[r] = ref.points[i * ref.d + k]!;
      acc += ref.weights[i]!;
      c[r] = acc;
      m += ref.weights[i]! * s[r]!;
    });
    sorted.push(s);
    cum.push(c);
    means.push(m / acc);
  }
  return { sorted, cum, means };
}

/** Weighted mid-rank percentile of x in column k. */
export function percentileOf(index: PercentileIndex, k: number, x: number): number {
  const s = index.sorted[k]!;
  const c = index.cum[k]!;
  const total = c[c.length - 1]!;
  // below: weight strictly below x; upTo: weight at or below x (binary searches).
  const lowerBound = (v: number, strict: boolean): number => {
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (strict ? s[mid]! < v : s[mid]! <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const a = lowerBound(x, true);
  const b = lowerBound(x, false);
  const below = a > 0 ? c[a - 1]! : 0;
  const upTo = b > 0 ? c[b - 1]! : 0;
  return (100 * (below + upTo)) / 2 / total;
}

export function traitPercentiles(index: PercentileIndex, traits: TraitVector): TraitPercentile[] {
  return TRAITS.map((trait, k) => ({ trait, score: traits[trait], percentile: percentileOf(index, k, traits[trait]), referenceMean: index.means[k]! }));
}
