// Marginal error of a Sinkhorn iterate (METHOD.md §5), first pass: per-workgroup partial sums of
//
//   err = Σ_i | exp(logw_i + pot_i/ε + lse_i) − w_i |  =  Σ_i w_i · |exp(Δ_i) − 1|,
//   Δ_i = pot_i/ε + lse_i,  w_i = exp(logw_i),
//
// the CPU's ‖P1 − a‖₁ (pot = f, lse = row LSE of g/ε + log b, logw = log a) or ‖Pᵀ1 − b‖₁ (pot = g,
// lse = column LSE, logw = log b) in src/core/align/sinkhorn.ts. exp(Δ) − 1 uses Δ + Δ²/2 for
// |Δ| < 1e-3 (no cancellation). A zero-mass row (logw ≤ NEG_CUT) adds 0; a row whose LSE had no
// mass adds w_i (its plan row is empty). Overflow gives +∞, which the host reports as divergence.
// The per-workgroup sums are added by reduce.wgsl. Float64 reference: marginalL1Error in
// src/core/align/marginal.ts (the CPU Sinkhorn's check).
//
// Bindings (group 0):
//   0 uniform              P    : Params   (dynamic offset)
//   1 storage, read        pot  : array<f32>
//   2 storage, read        lse  : array<f32>
//   3 storage, read        logw : array<f32>
//   4 storage, read_write  sums : array<f32>  one per workgroup
// Override constants: WG (a power of two: tree reduction in workgroup memory).

override WG: u32 = 64u;

const NEG_CUT: f32 = -1.0e30;

struct Params {
  len: u32,
  invEps: f32,
  perLine: u32, // workgroups per dispatch line (2-D dispatch)
  _pad: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> pot: array<f32>;
@group(0) @binding(2) var<storage, read> lse: array<f32>;
@group(0) @binding(3) var<storage, read> logw: array<f32>;
@group(0) @binding(4) var<storage, read_write> sums: array<f32>;

var<workgroup> acc: array<f32, WG>;

@compute @workgroup_size(WG)
fn marginal_partial(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let group = wid.x + wid.y * P.perLine;
  let i = group * WG + lid;
  var term = 0.0;
  if (i < P.len) {
    let lw = logw[i];
    if (lw > NEG_CUT) {
      let w = exp(lw);
      let l = lse[i];
      if (l <= NEG_CUT) {
        term = w;
      } else {
        let delta = pot[i] * P.invEps + l;
        var em1 = exp(delta) - 1.0;
        if (abs(delta) < 1.0e-3) {
          em1 = delta + 0.5 * delta * delta;
        }
        term = w * abs(em1);
      }
    }
  }
  acc[lid] = term;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      acc[lid] += acc[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    sums[group] = acc[0];
  }
}
