// Partial top-k: each workgroup takes one tile of T = WG · ITEMS (score, index) candidates of one
// query and writes its k best, best first, in the order of src/core/embed/topk.ts (higher score
// first, equal scores: lower index first). Run repeatedly (src/gpu/topk-gpu.ts): first over the
// scores of topk-scores.wgsl (indices implicit: P.base + position), then over its own output until
// one tile is left — a merge tree. Float64 reference: cosineTopK (TopKHeap) in src/core/embed/topk.ts.
//
//   out[q · P.outStride + tile · k + r] = r-th best of in[q · P.inStride + tile · T ..][0 .. T)
//
// Two entry points, the host picks the one with fewer barriers for its k:
// - topk_select: k rounds of a workgroup arg-max (each round removes the winner): k · (log2 WG + 2)
//   barriers, best for very small k;
// - topk_sort: a bitonic sort of the whole tile in workgroup memory, then its first k:
//   log2 T · (log2 T + 1) / 2 barriers whatever k (55 for T = 1,024).
// T must be a power of two (the host keeps WG and ITEMS powers of two) and k ≤ T. Slots past the
// input, and removed winners, hold the sentinel (NEG, NONE), which never beats a real candidate.
//
// Bindings (group 0):
//   0 uniform              P      : Params
//   1 storage, read        inS    : array<f32>
//   2 storage, read        inI    : array<u32>   (unused when P.implicitIdx = 1)
//   3 storage, read_write  outS   : array<f32>
//   4 storage, read_write  outI   : array<u32>
// Override constants: WG (a power of two), ITEMS (a power of two).

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

fn loadTile(tile: u32, q: u32, lid: u32) {
  let start = tile * WG * ITEMS;
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
}

@compute @workgroup_size(WG)
fn topk_select(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tile = wid.x;
  let q = wid.y;
  loadTile(tile, q, lid);
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

@compute @workgroup_size(WG)
fn topk_sort(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let tile = wid.x;
  let q = wid.y;
  loadTile(tile, q, lid);
  let T = WG * ITEMS;
  // Bitonic sort, best first: in each merge of `size`, blocks with (i & size) = 0 sort best-first.
  for (var size = 2u; size <= T; size *= 2u) {
    for (var stride = size / 2u; stride > 0u; stride /= 2u) {
      for (var t = lid; t < T / 2u; t += WG) {
        let i = 2u * stride * (t / stride) + (t % stride);
        let j = i + stride;
        let bestFirst = (i & size) == 0u;
        if (better(ts[j], ti[j], ts[i], ti[i]) == bestFirst) {
          let s = ts[i];
          let x = ti[i];
          ts[i] = ts[j];
          ti[i] = ti[j];
          ts[j] = s;
          ti[j] = x;
        }
      }
      workgroupBarrier();
    }
  }
  for (var r = lid; r < P.k; r += WG) {
    let o = q * P.outStride + tile * P.k + r;
    outS[o] = ts[r];
    outI[o] = ti[r];
  }
}
