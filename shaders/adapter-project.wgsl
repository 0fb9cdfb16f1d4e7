// Adapter forward for the rows of one training batch (src/gpu/adapter-gpu.ts): queries then
// candidate personas, gathered by the host into X. One workgroup per row:
//
//   u = A·x (rank values),  z = x + B·u,  y = z / ‖z‖  (y = 0 and invN = 0 when z = 0)
//
// theta holds A (rank × dim, row-major) then B (dim × rank). u is kept in workgroup memory and in U
// (the update kernel needs it). Float64 reference: projectRows in src/core/embed/adapter.ts.
//
// Bindings (group 0):
//   0 uniform              P     : Params (adapter-common.wgsl)
//   1 storage, read        X     : array<f32>   rows × dim
//   2 storage, read        theta : array<f32>   2 · rank · dim
//   3 storage, read_write  U     : array<f32>   rows × rank
//   4 storage, read_write  Y     : array<f32>   rows × dim
//   5 storage, read_write  invN  : array<f32>   rows
// Override constants: WG (a power of two). rank ≤ 64. WG, P (binding 0), red and reduceSum come
// from adapter-common.wgsl, prepended by src/gpu/adapter-gpu.ts.

const MAXR: u32 = 64u;

@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> theta: array<f32>;
@group(0) @binding(3) var<storage, read_write> U: array<f32>;
@group(0) @binding(4) var<storage, read_write> Y: array<f32>;
@group(0) @binding(5) var<storage, read_write> invN: array<f32>;

var<workgroup> uSh: array<f32, MAXR>;

@compute @workgroup_size(WG)
fn adapter_project(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.x;
  let d = P.dim;
  let r = P.rank;
  let xo = row * d;
  for (var k = 0u; k < r; k++) {
    var s = 0.0;
    for (var j = lid; j < d; j += WG) {
      s += theta[k * d + j] * X[xo + j];
    }
    red[lid] = s;
    let u = reduceSum(lid);
    if (lid == 0u) {
      uSh[k] = u;
      U[row * r + k] = u;
    }
    workgroupBarrier();
  }
  let bo = r * d;
  var nn = 0.0;
  for (var j = lid; j < d; j += WG) {
    var z = X[xo + j];
    for (var k = 0u; k < r; k++) {
      z += theta[bo + j * r + k] * uSh[k];
    }
    Y[xo + j] = z;
    nn += z * z;
  }
  red[lid] = nn;
  let total = reduceSum(lid);
  var inv = 0.0;
  if (total > 0.0) {
    inv = 1.0 / sqrt(total);
  }
  for (var j = lid; j < d; j += WG) {
    Y[xo + j] = Y[xo + j] * inv;
  }
  if (lid == 0u) {
    invN[row] = inv;
  }
}
