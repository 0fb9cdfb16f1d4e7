// Elementwise steps of the on-device log-domain Sinkhorn loop (METHOD.md §5), between two
// log-sum-exp passes (lse.wgsl):
//
//   mode 0, to alpha:   dst_i = src_i · a + logw_i        e.g. alpha_j = g_j/ε + log b_j   (a = 1/ε)
//                       dst_i = NEG_SENT when logw_i is zero mass (≤ NEG_CUT)
//   mode 1, update:     dst_i = −a · src_i                e.g. f_i = −λε · LSE_i           (a = λε)
//                       dst_i = POS_SENT when src_i is NEG_SENT (a row with no mass: the CPU gets
//                       +∞ there, and the next marginal check reports the divergence)
//   mode 2, fill:       dst_i = a                         (f ≡ 0 for semi-relaxed)
//
// Float64 reference: potentialToAlpha (mode 0) and potentialFromLse (mode 1) in
// src/core/align/potential.ts, the functions the CPU Sinkhorn runs.
//
// Bindings (group 0):
//   0 uniform              P    : Params   (dynamic offset: one slot per use in a command buffer)
//   1 storage, read        src  : array<f32>
//   2 storage, read        logw : array<f32>
//   3 storage, read_write  dst  : array<f32>
// Override constants: WG. Element i = gid.x + gid.y · perLine (2-D dispatch past 65535 workgroups).

override WG: u32 = 64u;

const NEG_CUT: f32 = -1.0e30;
const NEG_SENT: f32 = -3.0e38;
const POS_SENT: f32 = 3.0e38;

struct Params {
  len: u32,
  mode: u32,
  a: f32,
  perLine: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read> logw: array<f32>;
@group(0) @binding(3) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(WG)
fn potential_step(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x + gid.y * P.perLine;
  if (i >= P.len) {
    return;
  }
  if (P.mode == 0u) {
    let lw = logw[i];
    dst[i] = select(src[i] * P.a + lw, NEG_SENT, lw <= NEG_CUT);
  } else if (P.mode == 1u) {
    let s = src[i];
    dst[i] = select(-P.a * s, POS_SENT, s <= NEG_CUT);
  } else {
    dst[i] = P.a;
  }
}
