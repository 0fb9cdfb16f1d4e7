// Dot-product scores of a block of queries against a chunk of rows (brute-force retrieval, first
// pass of src/gpu/topk-gpu.ts):
//
//   S[q · P.rows + i] = Σ_j M[i · P.dim + j] · Q[q · P.dim + j]      for q < P.nq, i < P.rows
//
// One thread per row; it walks its row once per block of QB queries and keeps QB accumulators, so
// the matrix is read ⌈nq / QB⌉ times. Rows and queries are unit vectors (the host normalises), so a
// score is a cosine. f32 accumulation: |error| ≲ 1e-6 for unit vectors of d ≤ 1024.
// Float64 reference: cosineTopK in src/core/embed/topk.ts (its scores).
//
// Bindings (group 0):
//   0 uniform              P : Params
//   1 storage, read        M : array<f32>   rows × dim (one chunk)
//   2 storage, read        Q : array<f32>   nq × dim
//   3 storage, read_write  S : array<f32>   nq × rows
// Override constants: WG (threads per workgroup).

override WG: u32 = 64u;
const QB: u32 = 8u;

struct Params {
  rows: u32,
  dim: u32,
  nq: u32,
  // Rows covered by one line of workgroups in x (gx · WG): the dispatch is 2-D past 65,535 workgroups.
  rowsPerLine: u32,
}

@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> M: array<f32>;
@group(0) @binding(2) var<storage, read> Q: array<f32>;
@group(0) @binding(3) var<storage, read_write> S: array<f32>;

@compute @workgroup_size(WG)
fn topk_scores(@builtin(global_invocation_id) gid: vec3u) {
  let row = gid.x + gid.y * P.rowsPerLine;
  if (row >= P.rows) {
    return;
  }
  let base = row * P.dim;
  for (var q0 = 0u; q0 < P.nq; q0 += QB) {
    let nb = min(QB, P.nq - q0);
    var acc: array<f32, QB>;
    for (var t = 0u; t < QB; t++) {
      acc[t] = 0.0; // explicit: the block loop must not carry sums over
    }
    for (var j = 0u; j < P.dim; j++) {
      let m = M[base + j];
      for (var t = 0u; t < nb; t++) {
        acc[t] += m * Q[(q0 + t) * P.dim + j];
      }
    }
    for (var t = 0u; t < nb; t++) {
      S[(q0 + t) * P.rows + row] = acc[t];
    }
  }
}
