/**
 * Percentiles of persona trait scores among a weighted reference: the mid-rank definition
 * (weight strictly below + half the weight equal, over the total, × 100), so a value equal to every
 * reference point is the 50th percentile and ties on the Likert grid do not bias it upward.
 */
import { TRAITS } from '../traits';

/** Returns pct(traitIndex, value) → 0–100; NaN when the reference is empty or has no positive weight. */
export function referencePercentiles(points: ArrayLike<number>, weights: ArrayLike<number>, n: number): (k: number, v: number) => number {
  const d = TRAITS.length;
  const cols = TRAITS.map((_, k) => {
    const idx = Array.from({ length: n }, (_, i) => i).filter((i) => Number.isFinite(points[i * d + k]!) && (weights[i] ?? 0) > 0);
    idx.sort((a, b) => points[a * d + k]! - points[b * d + k]!);
    const vals = Float64Array.from(idx, (i) => points[i * d + k]!);
    // cum[j] = total weight of the first j sorted values
    const cum = new Float64Array(idx.length + 1);
    idx.forEach((i, j) => (cum[j + 1] = cum[j]! + weights[i]!));
    return { vals, cum };
  });
  return (k, v) => {
    const c = cols[k]!;
    const total = c.cum[c.vals.length]!;
    if (!(total > 0) || !Number.isFinite(v)) return NaN;
    const lo = lowerBound(c.vals, v);
    const hi = upperBound(c.vals, v);
    return ((c.cum[lo]! + (c.cum[hi]! - c.cum[lo]!) / 2) / total) * 100;
  };
}

function lowerBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! < v) lo = m + 1;
    else hi = m;
  }
  return lo;
}

function upperBound(a: Float64Array, v: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (a[m]! <= v) lo = m + 1;
    else hi = m;
  }
  return lo;
}
