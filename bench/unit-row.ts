/** Seeded random unit vectors for the Node retrieval benches (topk, embed). */
import type { Rng } from '../src/core/rng';

/** Fills out[off .. off+dim) with a standard normal draw scaled to unit length. */
export function unitRow(out: Float32Array, off: number, dim: number, rng: Rng): void {
  let ss = 0;
  for (let j = 0; j < dim; j++) {
    const v = rng.normal();
    out[off + j] = v;
    ss += v * v;
  }
  const inv = 1 / Math.sqrt(ss);
  for (let j = 0; j < dim; j++) out[off + j] = (out[off + j] as number) * inv;
}
