// Partial top-k: each workgroup takes one tile of T = WG · ITEMS (score, index) candidates of one
// query and writes its k best, best first, in the order of src/core/embed/topk.ts (higher score
// first, equal scores: lower index first). Run repeatedly (src/gpu/topk-gpu.ts): first over the
// scores of topk-scores.wgsl (indices implicit: P.base + position), then over its own output until
// one tile is left — a merge tree. Float64 reference: cosineTopK (TopKHeap) in src/core/embed/topk.ts.
//
//   out[q · P.outStride + tile · k + r] = r-th best of in[q · P.inStride + tile · T ..][0 .. T)
//
// Selection is k rounds of a workgroup arg-max (each round removes the winner), so a pass costs
// O(k · (ITEMS + log WG)) barriers: meant for k ≪ T (the host keeps k ≤ T / 4). Slots past the
// input, and removed winners, hold the sentinel (NEG, NONE), which never beats a real candidate.
//
// Bindings (group 0):
//   0 uniform              P      : Params
//   1 storage, read        inS    : array<f32>
//   2 storage, read        inI    : array<u32>   (unused when P.implicitIdx = 1)
//   3 storage, read_write  outS   : array<f32>
//   4 storage, read_write  outI   : array<u32>
// Override constants: WG (a power of two), ITEMS.

override WG: u32 = 256u;
override ITEMS: u32 = 4u;
const NEG: f32 = -3.0e38;
const NONE: u32 = 0xffffffffu;

struct Params {
  len: u32,
  k: u32,
  implicitIdx: u32,
  base: u32,
  inStride: u32,
  outStride: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> inS: array<f32>;
@group(0) @binding(2) var<storage, read> inI: array<u32>;
@group(0) @binding(3) var<storage, read_write> outS: array<f32>;
@group(0) @binding(4) var<storage, read_write> outI: array<u32>;

var<workgroup> ts: array<f32, WG * ITEMS>;
var<workgroup> ti: array<u32, WG * ITEMS>;
var<workgroup> rs: array<f32, WG>;
var<workgroup> ri: array<u32, WG>;
var<workgroup> rp: array<u32, WG>;

fn better(sa: f32, ia: u32, sb: f32, ib: u32) -> bool {
  return sa > sb || (sa == sb && ia < ib);
}

@compute @workgroup_size(WG)
fn topk_select(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tile = wid.x;
  let q = wid.y;
  let T = WG * ITEMS;
  let start = tile * T;
  for (var it = 0u; it < ITEMS; it++) {
    let p = lid + it * WG;
    let g = start + p;
    if (g < P.len) {
      ts[p] = inS[q * P.inStride + g];
      if (P.implicitIdx == 1u) {
        ti[p] = P.base + g;
      } else {
        ti[p] = inI[q * P.inStride + g];
      }
    } else {
      ts[p] = NEG;
      ti[p] = NONE;
    }
  }
  workgroupBarrier();
  for (var r = 0u; r < P.k; r++) {
    var bs = NEG;
    var bi = NONE;
    var bp = 0u;
    for (var it = 0u; it < ITEMS; it++) {
      let p = lid + it * WG;
      if (better(ts[p], ti[p], bs, bi)) {
        bs = ts[p];
        bi = ti[p];
        bp = p;
      }
    }
    rs[lid] = bs;
    ri[lid] = bi;
    rp[lid] = bp;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
      if (lid < stride && better(rs[lid + stride], ri[lid + stride], rs[lid], ri[lid])) {
        rs[lid] = rs[lid + stride];
        ri[lid] = ri[lid + stride];
        rp[lid] = rp[lid + stride];
      }
      workgroupBarrier();
    }
    if (lid == 0u) {
      let o = q * P.outStride + tile * P.k + r;
      outS[o] = rs[0];
      outI[o] = ri[0];
      ts[rp[0]] = NEG;
      ti[rp[0]] = NONE;
    }
    workgroupBarrier();
  }
}
