// Adapter backward through the similarities and the normalisation (src/gpu/adapter-gpu.ts). One
// workgroup per row of the batch (queries b < B, then personas c):
//
//   gy_b = Σ_c G[b,c] · y_{B+c}      (a query row)      gy_c = Σ_b G[b,c] · y_b   (a persona row)
//   gz   = (gy − y (y·gy)) · invN                         (∂L/∂z through y = z/‖z‖)
//   gu_k = Σ_j B[j,k] · gz_j                              (∂L/∂u)
//
// Float64 reference: batchLossAndGrad / backRows in src/core/embed/adapter.ts.
//
// Bindings (group 0):
//   0 uniform              P     : Params
//   1 storage, read        G     : array<f32>   B × C
//   2 storage, read        Y     : array<f32>   rows × dim
//   3 storage, read        invN  : array<f32>   rows
//   4 storage, read        theta : array<f32>   A then B
//   5 storage, read_write  GZ    : array<f32>   rows × dim
//   6 storage, read_write  GU    : array<f32>   rows × rank
// Override constants: WG (a power of two). WG, P (binding 0), red and reduceSum come from
// adapter-common.wgsl, prepended by src/gpu/adapter-gpu.ts.

@group(0) @binding(1) var<storage, read> G: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
@group(0) @binding(3) var<storage, read> invN: array<f32>;
@group(0) @binding(4) var<storage, read> theta: array<f32>;
@group(0) @binding(5) var<storage, read_write> GZ: array<f32>;
@group(0) @binding(6) var<storage, read_write> GU: array<f32>;

@compute @workgroup_size(WG)
fn adapter_backrow(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x;
  let d = P.dim;
  let r = P.rank;
  let B = P.B;
  let C = P.C;
  let yo = row * d;
  var dot = 0.0;
  for (var j = lid; j < d; j += WG) {
    var gy = 0.0;
    if (row < B) {
      for (var c = 0u; c < C; c++) {
        gy += G[row * C + c] * Y[(B + c) * d + j];
      }
    } else {
      let c = row - B;
      for (var b = 0u; b < B; b++) {
        gy += G[b * C + c] * Y[b * d + j];
      }
    }
    GZ[yo + j] = gy;
    dot += Y[yo + j] * gy;
  }
  red[lid] = dot;
  let total = reduceSum(lid);
  let inv = invN[row];
  for (var j = lid; j < d; j += WG) {
    GZ[yo + j] = (GZ[yo + j] - Y[yo + j] * total) * inv;
  }
  let bo = r * d;
  for (var k = 0u; k < r; k++) {
    var s = 0.0;
    for (var j = lid; j < d; j += WG) {
      s += theta[bo + j * r + k] * GZ[yo + j];
    }
    red[lid] = s;
    let gu = reduceSum(lid);
    if (lid == 0u) {
      GU[row * r + k] = gu;
    }
  }
}
