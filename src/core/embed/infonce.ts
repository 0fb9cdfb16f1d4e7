/**
 * InfoNCE over a masked similarity block, in the log domain (float64): the CPU reference of
 * shaders/adapter-logits.wgsl.
 *
 * Rows b = queries of a batch, columns c = candidate personas (the batch's positives and mined
 * negatives). For row b with positive column p_b and the set V_b of valid columns (p_b and the
 * negatives the semantic filter kept):
 *   ℓ_bc  = s_bc / τ
 *   L_b   = −ℓ_{b,p_b} + log Σ_{c∈V_b} exp ℓ_bc        (log-sum-exp with the row max subtracted)
 *   L     = (1/B) Σ_b L_b
 *   ∂L/∂s_bc = (softmax_{V_b}(ℓ_b)_c − [c = p_b]) / (τ·B)   for c ∈ V_b, 0 otherwise.
 */
import { AppError } from '../errors';

export interface InfoNceBlock {
  /** B × C similarities (cosines), row-major. */
  sims: Float64Array;
  rows: number;
  cols: number;
  /** B × C: 1 where the column is valid for the row (its positive or a kept negative). */
  valid: Uint8Array;
  /** Positive column of each row. */
  posCol: Int32Array;
  temperature: number;
}

export interface InfoNceResult {
  /** Per-row loss L_b. */
  rowLoss: Float64Array;
  /** Mean loss L. */
  loss: number;
  /** ∂L/∂s (B × C). */
  grad: Float64Array;
}

export function infoNce(block: InfoNceBlock): InfoNceResult {
  const { sims, rows, cols, valid, posCol, temperature } = block;
  if (!(temperature > 0)) throw new AppError('InputError', `The InfoNCE temperature must be positive (got ${temperature}).`);
  const inv = 1 / temperature;
  const rowLoss = new Float64Array(rows);
  const grad = new Float64Array(rows * cols);
  const scale = inv / rows;
  let total = 0;
  for (let b = 0; b < rows; b++) {
    const o = b * cols;
    const p = posCol[b] as number;
    if (!valid[o + p]) throw new AppError('InputError', `Row ${b}'s positive column ${p} is masked out.`);
    let max = -Infinity;
    for (let c = 0; c < cols; c++) if (valid[o + c]) max = Math.max(max, (sims[o + c] as number) * inv);
    let sum = 0;
    for (let c = 0; c < cols; c++) if (valid[o + c]) sum += Math.exp((sims[o + c] as number) * inv - max);
    const lse = max + Math.log(sum);
    const l = lse - (sims[o + p] as number) * inv;
    if (!Number.isFinite(l)) throw new AppError('NumericError', `The InfoNCE loss of row ${b} is ${l}; check the vectors for NaN or use a larger temperature.`);
    rowLoss[b] = l;
    total += l;
    for (let c = 0; c < cols; c++) {
      if (!valid[o + c]) continue;
      grad[o + c] = (Math.exp((sims[o + c] as number) * inv - lse) - (c === p ? 1 : 0)) * scale;
    }
  }
  return { rowLoss, loss: rows > 0 ? total / rows : 0, grad };
}
