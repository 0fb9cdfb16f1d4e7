// Sum of an f32 array by one workgroup (the second pass of marginal.wgsl and of any other
// per-workgroup partial sums):
//
//   out[P.outIndex] = Σ_{k < P.count} values[k]
//
// Each thread adds a strided slice, then a tree reduction in workgroup memory. NaN and ±∞ propagate
// (the host checks the scalar it reads back). Float64 reference: a plain loop (sumF64 in
// src/core/align/marginal.ts).
// The tree reduction is the same as the end of marginal.wgsl: WGSL has no imports, and sharing it
// would mean concatenating shader sources, so each file keeps its own nine lines.
//
// Bindings (group 0):
//   0 uniform              P      : Params
//   1 storage, read        values : array<f32>
//   2 storage, read_write  out    : array<f32>
// Override constants: WG (a power of two).

override WG: u32 = 256u;

struct Params {
  count: u32,
  outIndex: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> values: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

var<workgroup> acc: array<f32, WG>;

@compute @workgroup_size(WG)
fn reduce_sum(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var k = lid; k < P.count; k += WG) {
    s += values[k];
  }
  acc[lid] = s;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      acc[lid] += acc[lid + stride];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[P.outIndex] = acc[0];
  }
}
