// Dot-product scores of a block of queries against a chunk of rows (brute-force retrieval, first
// pass of src/gpu/topk-gpu.ts):
//
//   S[q · P.rows + i] = Σ_j M[j · P.rows + i] · Q[q · P.dim + j]      for q < nq, i < P.rows
//
// The chunk is stored column-major (dimension j of every row, then j + 1): neighbouring threads
// read neighbouring floats, coalesced on a GPU and contiguous SIMD loads on SwiftShader.
// One thread per (row, query): the dispatch's z dimension is the query. Four partial sums over j
// (the same unrolling as the CPU oracle's hot loop); one scalar accumulator per thread keeps the
// loop free of dynamically indexed private arrays (SwiftShader spilled an array of accumulators to
// memory and ran 30× slower). Rows and queries are unit vectors (the host normalises), so a score is
// a cosine; f32 accumulation: |error| ≲ 1e-6 for unit vectors of d ≤ 1024.
// Float64 reference: cosineTopK in src/core/embed/topk.ts (its scores).
//
// Bindings (group 0):
//   0 uniform              P : Params
//   1 storage, read        M : array<f32>   dim × rows (one chunk, transposed)
//   2 storage, read        Q : array<f32>   nq × dim
//   3 storage, read_write  S : array<f32>   nq × rows
// Override constants: WG (threads per workgroup).

override WG: u32 = 64u;

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
  let q = gid.z;
  if (row >= P.rows || q >= P.nq) {
    return;
  }
  let qo = q * P.dim;
  var s0 = 0.0;
  var s1 = 0.0;
  var s2 = 0.0;
  var s3 = 0.0;
  var j = 0u;
  for (; j + 3u < P.dim; j += 4u) {
    s0 += M[j * P.rows + row] * Q[qo + j];
    s1 += M[(j + 1u) * P.rows + row] * Q[qo + j + 1u];
    s2 += M[(j + 2u) * P.rows + row] * Q[qo + j + 2u];
    s3 += M[(j + 3u) * P.rows + row] * Q[qo + j + 3u];
  }
  for (; j < P.dim; j++) {
    s0 += M[j * P.rows + row] * Q[qo + j];
  }
  S[q * P.rows + row] = (s0 + s1) + (s2 + s3);
}
