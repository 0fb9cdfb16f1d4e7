// Declarations shared by the four adapter kernels (adapter-project, -logits, -backrow, -update).
// WGSL has no #include: src/gpu/adapter-gpu.ts prepends this file to each kernel's source.
//
//   WG          workgroup size (override; a power of two for the kernels that reduce)
//   P           the step's uniforms at group 0, binding 0, written by GpuStepper.step
//   red         workgroup scratch for reduceSum (unused by adapter-update, so not allocated there)

override WG: u32 = 64u;

struct Params {
  B: u32,
  C: u32,
  dim: u32,
  rank: u32,
  invTau: f32,
  // ∂L/∂s scale: 1 / (τ·B)
  scale: f32,
  lr: f32,
  bc1: f32,
  bc2: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
}

@group(0) @binding(0) var<uniform> P: Params;

var<workgroup> red: array<f32, WG>;

// Sum of red[0..WG) after every thread has written its red[lid]; every thread gets the total, and
// red is free for reuse on return.
fn reduceSum(lid: u32) -> f32 {
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (lid < stride) {
      red[lid] += red[lid + stride];
    }
    workgroupBarrier();
  }
  let v = red[0];
  workgroupBarrier(); // everyone has read it before red is reused
  return v;
}
