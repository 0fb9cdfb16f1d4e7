// Second pass of the streaming log-sum-exp (see lse.wgsl): merges the per-split running
// (max, sum) pairs of each row into its log-sum-exp,
//
//   lse_i = M + log Σ_s sum_s · exp(max_s − M),   M = max over splits with sum_s > 0,
//
// and NEG_SENT (−∞ on the host) for a row with no mass. Float64 reference: lseRows in
// src/core/lse.ts, for the two passes together (the parity tests force 1 to 34 splits).
//
// Bindings (group 0):
//   0 uniform              C         : CombineParams
//   1 storage, read        partialIn : array<vec2f>  splits × nTotal, (max, sum)
//   2 storage, read_write  lse       : array<f32>    nTotal
// Override constants: WG (threads per workgroup). The dispatch may be 2-D (rows > 65535·WG):
// row i = gid.x + gid.y · rowsPerLine.

override WG: u32 = 64u;

const NEG_SENT: f32 = -3.0e38;

struct CombineParams {
  nTotal: u32,
  splits: u32,
  rowsPerLine: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> C: CombineParams;
@group(0) @binding(1) var<storage, read> partialIn: array<vec2f>;
@group(0) @binding(2) var<storage, read_write> lse: array<f32>;

@compute @workgroup_size(WG)
fn lse_combine(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * C.rowsPerLine;
  if (i >= C.nTotal) {
    return;
  }
  var mx = NEG_SENT;
  for (var sp = 0u; sp < C.splits; sp++) {
    let p = partialIn[sp * C.nTotal + i];
    if (p.y > 0.0) {
      mx = max(mx, p.x);
    }
  }
  var sm = 0.0;
  for (var sp = 0u; sp < C.splits; sp++) {
    let p = partialIn[sp * C.nTotal + i];
    if (p.y > 0.0) {
      sm += p.y * exp(p.x - mx);
    }
  }
  if (sm > 0.0) {
    lse[i] = mx + log(sm);
  } else {
    lse[i] = NEG_SENT;
  }
}
