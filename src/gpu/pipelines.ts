/** Helpers shared by the kernels' pipeline builders (adapter-gpu.ts, sinkhorn-gpu.ts, topk-gpu.ts). */
import type { GpuContext } from './device';

/**
 * The pipelines of `ctx.device` from `cache`, built by `build` on first use. A failed build is
 * forgotten, so the next call tries again (e.g. after a transient validation or out-of-memory error).
 */
export function perDevice<T>(cache: WeakMap<GPUDevice, Promise<T>>, ctx: GpuContext, build: () => Promise<T>): Promise<T> {
  let p = cache.get(ctx.device);
  if (!p) {
    p = build();
    cache.set(ctx.device, p);
    p.catch(() => cache.delete(ctx.device));
  }
  return p;
}

/** The largest power of two ≤ v (1 when v < 2): workgroup sizes for the tree reductions. */
export function pow2AtMost(v: number): number {
  let p = 1;
  while (p * 2 <= v) p *= 2;
  return p;
}
