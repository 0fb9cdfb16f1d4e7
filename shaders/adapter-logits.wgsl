// InfoNCE of one batch in the log domain (src/gpu/adapter-gpu.ts). One workgroup per query row b:
//
//   ℓ_bc = (y_b · y_{B+c}) / τ                      for every column c
//   lse_b = max_V ℓ + log Σ_{c∈V_b} exp(ℓ_bc − max)  over the valid columns V_b (mask ≠ 0)
//   loss[b] = lse_b − ℓ_{b,pos_b}
//   G[b,c] = (exp(ℓ_bc − lse_b) − [c = pos_b]) / (τ·B) for c ∈ V_b, else 0   (= ∂L/∂s_bc)
//
// G holds ℓ between the passes; each thread reads back only the columns it wrote. Float64
// reference: infoNce in src/core/embed/infonce.ts.
//
// Bindings (group 0):
//   0 uniform              P       : Params
//   1 storage, read        Y       : array<f32>   (B + C) × dim, queries first
//   2 storage, read        maskPos : array<u32>   B × C mask, then B positive columns
//   3 storage, read_write  G       : array<f32>   B × C
//   4 storage, read_write  loss    : array<f32>   B
// Override constants: WG (a power of two). WG, P (binding 0), red and reduceSum come from
// adapter-common.wgsl, prepended by src/gpu/adapter-gpu.ts.

const NEG: f32 = -3.0e38;

@group(0) @binding(1) var<storage, read> Y: array<f32>;
@group(0) @binding(2) var<storage, read> maskPos: array<u32>;
@group(0) @binding(3) var<storage, read_write> G: array<f32>;
@group(0) @binding(4) var<storage, read_write> loss: array<f32>;

@compute @workgroup_size(WG)
fn adapter_logits(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = wid.x;
  let d = P.dim;
  let C = P.C;
  let qo = b * d;
  var mx = NEG;
  for (var c = lid; c < C; c += WG) {
    let po = (P.B + c) * d;
    var s = 0.0;
    for (var j = 0u; j < d; j++) {
      s += Y[qo + j] * Y[po + j];
    }
    let l = s * P.invTau;
    G[b * C + c] = l;
    if (maskPos[b * C + c] != 0u) {
      mx = max(mx, l);
    }
  }
  red[lid] = mx;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      red[lid] = max(red[lid], red[lid + stride]);
    }
    workgroupBarrier();
  }
  let m = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var c = lid; c < C; c += WG) {
    if (maskPos[b * C + c] != 0u) {
      sum += exp(G[b * C + c] - m);
    }
  }
  red[lid] = sum;
  let lse = m + log(reduceSum(lid));
  let pos = maskPos[P.B * C + b];
  for (var c = lid; c < C; c += WG) {
    let l = G[b * C + c];
    var g = 0.0;
    if (maskPos[b * C + c] != 0u) {
      g = exp(l - lse);
    }
    if (c == pos) {
      g -= 1.0;
      loss[b] = lse - l;
    }
    G[b * C + c] = g * P.scale;
  }
}
