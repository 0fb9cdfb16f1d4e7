/**
 * Backend choice for the pair kernels: WebGPU when it works, the float64 CPU kernel otherwise, and a
 * wrapper that survives losing the GPU mid-computation. A PairKernel call is a pure function of its
 * inputs (alpha, s) and the points bound at create(), so a call that fails with a GpuError is
 * simply repeated on the CPU kernel: the caller (Sinkhorn, KDE) gets the same result, only later.
 * From then on that kernel stays on the CPU; the next create() asks for a device again
 * (acquireGpu() replaces a lost one), so the next run is back on the GPU.
 */
import { cpuKernelFactory } from '../core/align/cpu-kernel';
import type { PairKernel, PairKernelFactory } from '../core/align/kernel';
import { AppError, isAppError } from '../core/errors';
import { acquireGpu, errorText, type GpuAdapterSummary, type GpuContext } from './device';
import { GpuLseKernel, type GpuLseOptions } from './lse-kernel';

export type BackendName = 'webgpu' | 'cpu';
export type BackendPreference = 'auto' | 'gpu' | 'cpu';

export interface FallbackEvent {
  /** What failed: acquiring the device, building the kernel, a call in flight, or the on-device Sinkhorn loop. */
  during: 'acquire' | 'create' | 'rowLse' | 'colLse' | 'sinkhorn';
  error: AppError;
}

export interface PairKernelFactoryOptions {
  /**
   * 'auto' (default): WebGPU on a hardware adapter, the CPU on a software one (SwiftShader, WARP:
   * bench/align-gpu.bench.ts measured it 3–5× slower than the float64 CPU kernel, and less exact).
   * 'gpu': WebGPU whenever it works, software or not (tests, benches). 'cpu': never the GPU.
   */
  prefer?: BackendPreference;
  /** Options of the GPU kernel (limits override, workgroup size...). */
  gpu?: GpuLseOptions;
  /** The CPU factory to fall back to. Default: the single-threaded float64 kernel. */
  cpu?: PairKernelFactory;
  /** Called once per fallback, with why. */
  onFallback?: (event: FallbackEvent) => void;
  /** Device source; default the shared acquireGpu() of this context. */
  context?: () => Promise<GpuContext>;
}

/**
 * A PairKernelFactory that prefers WebGPU and falls back to the CPU. `backend` is what the next
 * create() will try; `backendUsed` is what actually ran since the last resetReport(), and
 * `fallbacks` lists every fallback with its reason.
 */
export class FallbackPairKernelFactory implements PairKernelFactory {
  readonly fallbacks: FallbackEvent[] = [];
  private usedGpu = false;
  private usedCpu = false;
  private readonly cpu: PairKernelFactory;
  private readonly context: () => Promise<GpuContext>;
  /** The adapter of the last successful acquisition, for reports. */
  adapter: GpuAdapterSummary | undefined;

  constructor(private readonly options: PairKernelFactoryOptions = {}) {
    this.cpu = options.cpu ?? cpuKernelFactory();
    this.context = options.context ?? acquireGpu;
  }

  get backend(): BackendName {
    return this.options.prefer === 'cpu' ? 'cpu' : 'webgpu';
  }

  /** 'webgpu', 'cpu', or 'webgpu+cpu' when part of the work fell back. */
  get backendUsed(): string {
    if (this.usedGpu && this.usedCpu) return 'webgpu+cpu';
    return this.usedGpu ? 'webgpu' : this.usedCpu ? 'cpu' : 'none';
  }

  get fellBack(): boolean {
    return this.fallbacks.length > 0;
  }

  resetReport(): void {
    this.fallbacks.length = 0;
    this.usedGpu = false;
    this.usedCpu = false;
  }

  async create(x: Float32Array, y: Float32Array, d: number): Promise<PairKernel> {
    if (this.options.prefer === 'cpu') {
      this.usedCpu = true;
      return this.cpu.create(x, y, d);
    }
    let ctx: GpuContext;
    try {
      ctx = await this.context();
      this.adapter = ctx.adapter;
    } catch (e) {
      this.fallBack('acquire', e);
      return this.cpu.create(x, y, d);
    }
    if (ctx.adapter.software && (this.options.prefer ?? 'auto') === 'auto') {
      this.fallBack('acquire', softwareAdapter(ctx));
      return this.cpu.create(x, y, d);
    }
    let gpu: GpuLseKernel;
    try {
      gpu = await GpuLseKernel.create(ctx, x, y, d, this.options.gpu);
    } catch (e) {
      if (!isAppError(e, 'GpuError')) throw e;
      this.fallBack('create', e);
      return this.cpu.create(x, y, d);
    }
    return new FallbackPairKernel(gpu, () => this.cpu.create(x, y, d), {
      onGpu: () => (this.usedGpu = true),
      onFallback: (during, err) => this.fallBack(during, err),
    });
  }

  private fallBack(during: FallbackEvent['during'], e: unknown): void {
    const error = isAppError(e) ? e : new AppError('GpuError', errorText(e));
    const ev = { during, error };
    this.fallbacks.push(ev);
    this.usedCpu = true;
    this.options.onFallback?.(ev);
  }
}

/** One problem: runs on the GPU kernel until it throws a GpuError, then repeats the call and continues on the CPU. */
class FallbackPairKernel implements PairKernel {
  readonly n: number;
  readonly m: number;
  readonly d: number;
  private cpu: Promise<PairKernel> | undefined;
  private gpu: GpuLseKernel | undefined;

  constructor(
    gpu: GpuLseKernel,
    private readonly makeCpu: () => Promise<PairKernel>,
    private readonly hooks: { onGpu: () => void; onFallback: (during: 'rowLse' | 'colLse', e: AppError) => void },
  ) {
    this.gpu = gpu;
    this.n = gpu.n;
    this.m = gpu.m;
    this.d = gpu.d;
  }

  get backend(): string {
    return this.gpu ? 'webgpu' : 'cpu';
  }

  rowLse(alphaCols: Float64Array, s: number): Promise<Float64Array> {
    return this.call('rowLse', alphaCols, s);
  }

  colLse(alphaRows: Float64Array, s: number): Promise<Float64Array> {
    return this.call('colLse', alphaRows, s);
  }

  dispose(): void {
    this.gpu?.dispose();
    this.gpu = undefined;
    void this.cpu?.then((k) => k.dispose());
  }

  private async call(which: 'rowLse' | 'colLse', alpha: Float64Array, s: number): Promise<Float64Array> {
    const gpu = this.gpu;
    if (gpu) {
      try {
        const out = await gpu[which](alpha, s);
        this.hooks.onGpu();
        return out;
      } catch (e) {
        if (!isAppError(e, 'GpuError')) throw e; // NumericError, InputError: the CPU would say the same
        if (this.gpu === gpu) {
          this.gpu = undefined;
          try {
            gpu.dispose();
          } catch {
            // buffers of a lost device may already be gone
          }
          this.hooks.onFallback(which, e);
        }
      }
    }
    this.cpu ??= this.makeCpu();
    return (await this.cpu)[which](alpha, s);
  }
}

/** Why 'auto' does not use a software adapter (also the adapter worker's reason, src/gpu/adapter-api.ts). */
export function softwareAdapter(ctx: GpuContext): AppError {
  const a = ctx.adapter;
  return new AppError('GpuError', `WebGPU runs on a software adapter here (${a.vendor} ${a.architecture}), which is slower than the CPU path; using the CPU. Choose the GPU backend to use it anyway.`);
}

/**
 * The pair-kernel factory for this context: WebGPU when `prefer` allows it ('auto', the default:
 * hardware adapters only; 'gpu': any) and a device can be acquired, the CPU otherwise. Always returns the fallback wrapper, so one result
 * type reports what ran (`backendUsed`, `fallbacks`).
 */
export async function createPairKernelFactory(options: PairKernelFactoryOptions = {}): Promise<FallbackPairKernelFactory> {
  const f = new FallbackPairKernelFactory(options);
  if (options.prefer !== 'cpu') {
    // No device, or a software one under 'auto': a CPU factory that reports why it is not on the GPU.
    const cpuBecause = (error: AppError): FallbackPairKernelFactory => {
      const ev: FallbackEvent = { during: 'acquire', error };
      const cpu = new FallbackPairKernelFactory({ ...options, prefer: 'cpu' });
      cpu.fallbacks.push(ev);
      options.onFallback?.(ev);
      return cpu;
    };
    let ctx: GpuContext;
    try {
      ctx = await (options.context ?? acquireGpu)();
    } catch (e) {
      return cpuBecause(isAppError(e) ? e : new AppError('GpuError', errorText(e)));
    }
    f.adapter = ctx.adapter;
    if (ctx.adapter.software && (options.prefer ?? 'auto') === 'auto') {
      const cpu = cpuBecause(softwareAdapter(ctx));
      cpu.adapter = ctx.adapter;
      return cpu;
    }
  }
  return f;
}

/**
 * Wraps a CPU factory so that its kernels yield to the event loop at least every `everyMs` of
 * work. The CPU kernel resolves its promises at once, so a Sinkhorn loop over it never lets a
 * worker read its messages; with this wrapper a cancel() sent to the worker arrives between
 * half-steps.
 */
export function yieldingKernelFactory(inner: PairKernelFactory, everyMs = 30): PairKernelFactory {
  return {
    backend: inner.backend,
    async create(x, y, d) {
      const k = await inner.create(x, y, d);
      let last = performance.now();
      const pace = async (work: Promise<Float64Array>): Promise<Float64Array> => {
        const out = await work;
        if (performance.now() - last > everyMs) {
          await new Promise<void>((resolve) => setTimeout(resolve, 0));
          last = performance.now();
        }
        return out;
      };
      return {
        backend: k.backend,
        n: k.n,
        m: k.m,
        d: k.d,
        rowLse: (alpha, s) => pace(k.rowLse(alpha, s)),
        colLse: (alpha, s) => pace(k.colLse(alpha, s)),
        dispose: () => k.dispose(),
      };
    },
  };
}
