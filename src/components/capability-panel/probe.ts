/**
 * Asks the browser what this device offers: WebGPU adapter (info, limits, features), workers,
 * IndexedDB. Browser-only; the formatting of what it finds lives in src/core/format.ts.
 */

export interface GpuProbe {
  available: boolean;
  /** Why WebGPU is unusable, phrased for the user, when `available` is false. */
  reason?: string;
  vendor: string;
  architecture: string;
  description: string;
  device: string;
  limits: Record<string, number>;
  features: string[];
  shaderF16: boolean;
}

export interface Capabilities {
  gpu: GpuProbe;
  workers: boolean;
  indexedDb: boolean;
  storageManager: boolean;
}

const LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
] as const;

function noGpu(reason: string): GpuProbe {
  return {
    available: false,
    reason,
    vendor: '',
    architecture: '',
    description: '',
    device: '',
    limits: {},
    features: [],
    shaderF16: false,
  };
}

export async function probeGpu(gpu: GPU | undefined = globalThis.navigator?.gpu): Promise<GpuProbe> {
  if (!gpu) {
    return noGpu(
      'This browser exposes no WebGPU (navigator.gpu is missing). Use a recent Chrome, Edge or Safari; ' +
        'the app falls back to slower CPU code.',
    );
  }
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return noGpu(`Requesting a WebGPU adapter failed: ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (!adapter) {
    return noGpu('WebGPU is present but no adapter was found (GPU blocked or disabled). Check chrome://gpu.');
  }
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) {
    const v = adapter.limits[name];
    if (typeof v === 'number') limits[name] = v;
  }
  const features = [...adapter.features].map(String).sort();
  return {
    available: true,
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    description: info?.description ?? '',
    device: info?.device ?? '',
    limits,
    features,
    shaderF16: adapter.features.has('shader-f16'),
  };
}

export async function probeCapabilities(): Promise<Capabilities> {
  return {
    gpu: await probeGpu(),
    workers: typeof Worker === 'function',
    indexedDb: typeof indexedDB !== 'undefined',
    storageManager: typeof navigator !== 'undefined' && 'storage' in navigator,
  };
}
