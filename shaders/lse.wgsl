// Streaming log-sum-exp over pairs (METHOD.md §5), the WGSL twin of lseRows in src/core/lse.ts:
//
//   out_i = log Σ_j exp(alpha_j − s · ‖x_i − y_j‖²)
//
// The cost ‖x_i − y_j‖² is recomputed per pair and never stored (memory O(n + m)). Row LSE binds
// x as `rows` and y as `cols`; column LSE is the same kernel with the two swapped.
//
// Two passes, so that long rows are split across workgroups and big clouds across buffers:
//   lse_partial (this file): workgroup (bx, by) takes WG rows of one row chunk and column split `by` of one
//                column chunk; each thread keeps a running (max, sum) for its row and writes it to
//                partial[(splitBase + by) · nTotal + rowBase + r].
//   lse_combine (lse-combine.wgsl): out_i = M + log Σ_s sum_s · exp(max_s − M), M = max_s max_s.
//
// Zero mass: alpha_j ≤ NEG_CUT (the host writes NEG_SENT for −∞) is skipped; a row with no mass
// gets out_i = NEG_SENT, which the host turns back into −∞. No ±∞ is ever computed in here,
// because WGSL lets implementations assume finite math.
//
// Precision: f32 throughout. Differences are taken before squaring; terms are exp(v − running max)
// ≤ 1 and are summed per tile, then the tile sums are added (two-level summation: error grows with
// TILE + m/TILE, not m, and a fast-math compiler cannot undo it the way it can undo Kahan).
//
// Bindings, lse_partial (group 0):
//   0 uniform              P       : PartialParams (dynamic offset, one slot per dispatch)
//   1 storage, read        rows    : array<f32>    rowsInChunk × D, row-major
//   2 storage, read        cols    : array<f32>    colsInChunk × D, row-major
//   3 storage, read        alpha   : array<f32>    colsInChunk (a range of the full alpha)
//   4 storage, read_write  partial : array<vec2f>  splits × nTotal, (max, sum)
//
// Override constants: WG (threads per workgroup = rows per workgroup), D (dimension),
// TILE (columns staged in workgroup memory per step; TILE·(D+1)·4 bytes must fit the limit).

override WG: u32 = 64u;
override D: u32 = 5u;
override TILE: u32 = 64u;

const XCACHE: u32 = 64u; // dimensions of x_i kept in registers; larger D reads x_i from memory
const NEG_CUT: f32 = -1.0e30;
const NEG_SENT: f32 = -3.0e38;

struct PartialParams {
  rowsInChunk: u32,
  rowBlockOffset: u32, // first row block of this dispatch (dispatches are ≤ maxComputeWorkgroupsPerDimension)
  rowBase: u32, // global index of the chunk's first row
  nTotal: u32, // stride of one split in `partial`
  colsInChunk: u32,
  colsPerSplit: u32,
  splitBase: u32,
  s: f32,
}

@group(0) @binding(0) var<uniform> P: PartialParams;
@group(0) @binding(1) var<storage, read> rows: array<f32>;
@group(0) @binding(2) var<storage, read> cols: array<f32>;
@group(0) @binding(3) var<storage, read> alpha: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial: array<vec2f>;

var<workgroup> ytile: array<f32, TILE * D>;
var<workgroup> atile: array<f32, TILE>;

@compute @workgroup_size(WG)
fn lse_partial(@builtin(local_invocation_index) lid: u32, @builtin(workgroup_id) wid: vec3u) {
  let r = (wid.x + P.rowBlockOffset) * WG + lid;
  let inRange = r < P.rowsInChunk;
  let c0 = wid.y * P.colsPerSplit;
  let c1 = min(c0 + P.colsPerSplit, P.colsInChunk);

  var xi: array<f32, XCACHE>;
  if (inRange && D <= XCACHE) {
    for (var k = 0u; k < D; k++) {
      xi[k] = rows[r * D + k];
    }
  }

  var mx = NEG_SENT;
  var sm = 0.0;
  for (var t0 = c0; t0 < c1; t0 += TILE) {
    let cnt = min(TILE, c1 - t0);
    workgroupBarrier(); // the previous tile is no longer read
    for (var e = lid; e < cnt * D; e += WG) {
      ytile[e] = cols[t0 * D + e];
    }
    for (var e = lid; e < cnt; e += WG) {
      atile[e] = alpha[t0 + e];
    }
    workgroupBarrier();
    if (inRange) {
      var tileSum = 0.0;
      for (var t = 0u; t < cnt; t++) {
        let a = atile[t];
        if (a <= NEG_CUT) {
          continue;
        }
        var dist = 0.0;
        for (var k = 0u; k < D; k++) {
          var xk: f32;
          if (D <= XCACHE) {
            xk = xi[k];
          } else {
            xk = rows[r * D + k];
          }
          let df = xk - ytile[t * D + k];
          dist = fma(df, df, dist);
        }
        let v = a - P.s * dist;
        if (v <= mx) {
          tileSum += exp(v - mx);
        } else {
          // New running max: rescale what was summed so far, then this term is exp(0) = 1.
          let scale = exp(mx - v);
          sm *= scale;
          tileSum = tileSum * scale + 1.0;
          mx = v;
        }
      }
      sm += tileSum;
    }
  }
  if (inRange) {
    partial[(P.splitBase + wid.y) * P.nTotal + P.rowBase + r] = vec2f(mx, sm);
  }
}
