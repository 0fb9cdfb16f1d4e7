// Parameter gradients and the Adam step (src/gpu/adapter-gpu.ts). One thread per parameter:
//
//   i < rank·dim (A[k,j]):  g = Σ_rows GU[row,k] · X[row,j]
//   otherwise    (B[j,k]):  g = Σ_rows GZ[row,j] · U[row,k]
//   m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,  θ ← θ − lr · (m / bc1) / (√(v / bc2) + eps)
//
// bc1 = 1 − β1^t and bc2 = 1 − β2^t come from the host. Float64 reference: paramGradients and
// adamUpdate in src/core/embed/adapter.ts.
//
// Bindings (group 0):
//   0 uniform              P     : Params
//   1 storage, read        X     : array<f32>   rows × dim (the batch's frozen vectors)
//   2 storage, read        U     : array<f32>   rows × rank
//   3 storage, read        GZ    : array<f32>   rows × dim
//   4 storage, read        GU    : array<f32>   rows × rank
//   5 storage, read_write  theta : array<f32>   A (rank × dim) then B (dim × rank)
//   6 storage, read_write  mom   : array<f32>   m (2·rank·dim) then v (2·rank·dim)
// Override constants: WG. WG and P (binding 0) come from adapter-common.wgsl, prepended by
// src/gpu/adapter-gpu.ts.

@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> U: array<f32>;
@group(0) @binding(3) var<storage, read> GZ: array<f32>;
@group(0) @binding(4) var<storage, read> GU: array<f32>;
@group(0) @binding(5) var<storage, read_write> theta: array<f32>;
@group(0) @binding(6) var<storage, read_write> mom: array<f32>;

@compute @workgroup_size(WG)
fn adapter_update(@builtin(global_invocation_id) gid: vec3u) {
  let d = P.dim;
  let r = P.rank;
  let rd = r * d;
  let i = gid.x;
  if (i >= 2u * rd) {
    return;
  }
  let rows = P.B + P.C;
  var g = 0.0;
  if (i < rd) {
    let k = i / d;
    let j = i % d;
    for (var row = 0u; row < rows; row++) {
      g += GU[row * r + k] * X[row * d + j];
    }
  } else {
    let e = i - rd;
    let j = e / r;
    let k = e % r;
    for (var row = 0u; row < rows; row++) {
      g += GZ[row * d + j] * U[row * r + k];
    }
  }
  let m = P.beta1 * mom[i] + (1.0 - P.beta1) * g;
  let v = P.beta2 * mom[2u * rd + i] + (1.0 - P.beta2) * g * g;
  mom[i] = m;
  mom[2u * rd + i] = v;
  theta[i] = theta[i] - P.lr * (m / P.bc1) / (sqrt(v / P.bc2) + P.eps);
}
