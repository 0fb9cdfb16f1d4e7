/**
 * The seam between the alignment algorithms (KDE, Sinkhorn) and the hardware that evaluates the
 * streaming log-sum-exp. One algorithm, several backends: the float64 CPU reference
 * (src/core/lse.ts), a worker pool over it, and WebGPU (src/gpu). A PairKernel is bound to two
 * clouds' points once, so a GPU backend uploads them once per problem, not once per iteration.
 */
export interface PairKernel {
  readonly backend: string;
  readonly n: number;
  readonly m: number;
  readonly d: number;
  /** out_i = log Σ_j exp(alphaCols_j − s‖x_i − y_j‖²), i < n. */
  rowLse(alphaCols: Float64Array, s: number): Promise<Float64Array>;
  /** out_j = log Σ_i exp(alphaRows_i − s‖x_i − y_j‖²), j < m. */
  colLse(alphaRows: Float64Array, s: number): Promise<Float64Array>;
  /** Frees buffers or workers held for this problem. */
  dispose(): void;
}

export interface PairKernelFactory {
  readonly backend: string;
  /** Binds x (n×d) and y (m×d). */
  create(x: Float32Array, y: Float32Array, d: number): Promise<PairKernel>;
}
