/**
 * WebGPU device acquisition: one shared device per JS context (page or worker), asked for the
 * adapter's real limits rather than the spec defaults (a 1 GiB storage binding instead of 128 MiB
 * where the adapter has it), every object labelled, and device loss turned into
 * AppError('GpuError') for in-flight work. After a loss the next acquireGpu() gets a fresh device.
 */
import { AppError } from '../core/errors';

/** The limits the kernels size their work by (a subset of GPUSupportedLimits). */
export interface GpuLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
  maxComputeWorkgroupStorageSize: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupSizeX: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBuffersPerShaderStage: number;
  minUniformBufferOffsetAlignment: number;
  minStorageBufferOffsetAlignment: number;
}

const LIMIT_KEYS: readonly (keyof GpuLimits)[] = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
  'minUniformBufferOffsetAlignment',
  'minStorageBufferOffsetAlignment',
];

export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, lavapipe, WARP): correct, not fast. */
  software: boolean;
  features: string[];
}

export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: GpuAdapterSummary;
  readonly limits: Readonly<GpuLimits>;
  readonly hasTimestamps: boolean;
  /** Sequence number of this acquisition (1, 2, ... after each loss). */
  readonly generation: number;
  /** True once device.lost has resolved (destroy(), driver reset, tab backgrounded by the OS...). */
  readonly isLost: boolean;
  /** Resolves with the GpuError describing the loss; never rejects. */
  readonly lost: Promise<AppError>;
  /**
   * Awaits `work` but rejects with AppError('GpuError') as soon as the device is lost, and turns
   * any other WebGPU failure into a GpuError (callers fall back to the CPU on that name).
   */
  guard<T>(work: Promise<T>, what: string): Promise<T>;
}

let shared: Promise<GpuContext> | undefined;
let generation = 0;

/** Whether this context exposes WebGPU at all (it may still have no adapter). */
export function hasWebGpu(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && navigator.gpu !== undefined;
}

/**
 * The shared device of this context. Concurrent callers share one acquisition; a lost device or a
 * failed acquisition is forgotten, so the next call tries again.
 */
export async function acquireGpu(): Promise<GpuContext> {
  if (shared) {
    try {
      const ctx = await shared;
      if (!ctx.isLost) return ctx;
    } catch {
      // failed before: try again below
    }
    shared = undefined;
  }
  const p = requestContext();
  shared = p;
  p.catch(() => {
    if (shared === p) shared = undefined;
  });
  return p;
}

/** Drops the shared device (destroying it) so the next acquireGpu() starts afresh. */
export async function releaseGpu(): Promise<void> {
  const p = shared;
  shared = undefined;
  if (!p) return;
  try {
    (await p).device.destroy();
  } catch {
    // nothing to release
  }
}

async function requestContext(): Promise<GpuContext> {
  if (!hasWebGpu()) {
    throw new AppError('GpuError', 'This browser has no WebGPU; the computation runs on the CPU instead (slower). Chrome or Edge 113+ have WebGPU.');
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new AppError('GpuError', `WebGPU adapter request failed (${errorText(e)}); using the CPU instead.`);
  }
  if (!adapter) throw new AppError('GpuError', 'WebGPU found no usable GPU adapter (blocklisted driver or disabled hardware acceleration); using the CPU instead.');

  // Ask for what the adapter really offers, not the spec defaults (128 MiB bindings, 16 KiB workgroup storage).
  const requiredLimits: Record<string, number> = {};
  for (const k of LIMIT_KEYS) {
    if (!k.startsWith('min')) requiredLimits[k] = adapter.limits[k];
  }
  const features = [...adapter.features] as string[];
  const hasTimestamps = adapter.features.has('timestamp-query');
  const requiredFeatures: GPUFeatureName[] = hasTimestamps ? ['timestamp-query'] : [];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ label: 'persona-align device', requiredLimits, requiredFeatures });
  } catch (e) {
    throw new AppError('GpuError', `WebGPU device request failed (${errorText(e)}); using the CPU instead.`);
  }
  const limits = {} as GpuLimits;
  for (const k of LIMIT_KEYS) limits[k] = device.limits[k];

  const info = adapter.info;
  const adapterSummary: GpuAdapterSummary = {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: /swiftshader|llvmpipe|lavapipe|warp|software/i.test(`${info.architecture} ${info.description} ${info.device}`),
    features,
  };

  let isLost = false;
  let resolveLost: (e: AppError) => void = () => undefined;
  const lost = new Promise<AppError>((res) => (resolveLost = res));
  const gen = ++generation;
  void device.lost.then((li) => {
    isLost = true;
    const why = li.reason === 'destroyed' ? 'the device was destroyed' : `the GPU was lost (${li.message || 'driver reset'})`;
    resolveLost(new AppError('GpuError', `WebGPU stopped: ${why}. Work in progress continues on the CPU; the next run asks for a new device.`));
  });
  device.addEventListener('uncapturederror', (ev) => {
    // Validation errors outside an error scope: surface them instead of silently producing zeros.
    console.error('[gpu] uncaptured WebGPU error:', (ev as GPUUncapturedErrorEvent).error.message);
  });

  const ctx: GpuContext = {
    device,
    adapter: adapterSummary,
    limits,
    hasTimestamps,
    generation: gen,
    get isLost() {
      return isLost;
    },
    lost,
    guard<T>(work: Promise<T>, what: string): Promise<T> {
      if (isLost) return Promise.reject(new AppError('GpuError', `WebGPU device is lost; cannot ${what}.`));
      const onLoss = lost.then((e): never => {
        throw e;
      });
      return Promise.race([work, onLoss]).catch((e: unknown): never => {
        // Our own errors pass; a DOMException named 'AbortError' (mapAsync on a lost device) must not
        // look like a user cancel, so everything else becomes a GpuError.
        if (e instanceof AppError) throw e;
        if (isLost || (e instanceof Error && e.name === 'AbortError')) throw new AppError('GpuError', `WebGPU device lost while trying to ${what}.`);
        throw new AppError('GpuError', `WebGPU failed to ${what}: ${errorText(e)}`);
      });
    },
  };
  return ctx;
}

/**
 * Runs `make` inside validation and out-of-memory error scopes and throws a GpuError naming `what`
 * if either caught something (pipeline compile errors, buffers over the limits, OOM).
 */
export async function withErrorScopes<T>(ctx: GpuContext, what: string, make: () => T): Promise<T> {
  const { device } = ctx;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let value: T;
  try {
    value = make();
  } finally {
    const validation = await device.popErrorScope();
    const oom = await device.popErrorScope();
    if (oom) throw new AppError('GpuError', `Not enough GPU memory to ${what}; try a smaller problem or the CPU backend.`);
    if (validation) throw new AppError('GpuError', `WebGPU rejected ${what}: ${validation.message}`);
  }
  return value;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
