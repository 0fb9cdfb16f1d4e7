/**
 * The web-llm model registry, built from web-llm's own `prebuiltAppConfig` (the only list of model
 * libraries this web-llm version is compatible with), plus the fit logic for this device and the
 * default recommendation. Pure: no DOM, no GPU; Node tests run it on the real model list.
 *
 *   const registry = buildRegistry(prebuiltAppConfig.model_list);
 *   const marked = fitModels(registry, { hasShaderF16, maxBufferSize, maxStorageBufferBindingSize });
 *   const pick = recommendModel(registry, device);
 */
import type { ModelRecord } from '@mlc-ai/web-llm';

/** web-llm's ModelType.embedding / ModelType.VLM (a const enum value we must not import at runtime). */
const MODEL_TYPE_EMBEDDING = 1;
const MODEL_TYPE_VLM = 2;

export type Quantisation = string; // 'q4f16_1', 'q4f32_1', 'q0f16', 'q3f16_1', ...

export interface RegistryEntry {
  id: string;
  family: string;
  /** Weight quantisation as MLC names it (q{weight bits}f{activation bits}[_{variant}]). */
  quantisation: Quantisation;
  /** Parameter count in billions, parsed from the id (or a known value); undefined when unknown. */
  paramsB: number | undefined;
  /**
   * Estimated download size in bytes: parameters × bits per weight / 8. web-llm publishes no
   * download size, so this is always an estimate (show it with "≈"); a cached or imported model's
   * exact size comes from its tensor-cache.json instead (see cache.ts).
   */
  downloadBytesEstimate: number | undefined;
  /** GPU memory web-llm says the model needs (weights + KV cache + buffers), in MB. */
  vramMB: number | undefined;
  contextWindow: number | undefined;
  /** True when the build's activations are f16 (needs the adapter's 'shader-f16' feature). */
  needsShaderF16: boolean;
  /** web-llm marks builds that run on limited devices (phones, 128 MiB storage-buffer limit). */
  lowResource: boolean;
  /** Instruction/chat tuned LLM (usable for persona writing); false for embedding/vision/base/math/coder. */
  chat: boolean;
  /** The same model built with f32 activations (runs without shader-f16), when web-llm lists one. */
  f32Twin: string | undefined;
  /** The record itself (needed by web-llm's loader and cache functions). */
  record: ModelRecord;
}

/** What the WebGPU adapter offers (from the capability probe) and an optional GPU memory budget. */
export interface DeviceFit {
  hasShaderF16: boolean;
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
  /** GPU memory the user says is available, in MB (browsers do not expose it). */
  memoryBudgetMB?: number;
}

export type FitStatus = 'fits' | 'too-big' | 'needs-shader-f16' | 'limited';

export interface FitResult {
  entry: RegistryEntry;
  status: FitStatus;
  /** What the user should know or do, e.g. "needs shader-f16; use …-q4f32_1-MLC instead". */
  reason: string | undefined;
  /** The q4f32 twin to offer when status is 'needs-shader-f16'. */
  alternative: string | undefined;
}

/** Effective bits per weight of MLC's group quantisation (4-bit values + one scale per group of 32). */
const BITS_PER_WEIGHT: Record<string, number> = {
  q4f16: 4.5, // 4 bits + f16 scale / 32
  q4f32: 5, // 4 bits + f32 scale / 32
  q3f16: 3.5, // 3 bits + f16 scale / 40, rounded up
  q0f16: 16,
  q0f32: 32,
};

/** Parameter counts (billions) for ids that do not spell their size. */
const KNOWN_PARAMS_B: Array<[RegExp, number]> = [
  [/^Phi-3(\.5)?-mini/i, 3.8],
  [/^Phi-3\.5-vision/i, 4.2],
  [/^Phi-4-mini/i, 3.8],
  [/^phi-2/i, 2.7],
  [/^phi-1_5/i, 1.4],
  [/gemma-4-E2B/i, 5.1], // "effective 2B"; the download holds all ≈5B parameters
  [/^snowflake-arctic-embed-m/i, 0.11],
  [/^snowflake-arctic-embed-s/i, 0.033],
];

export function parseQuantisation(id: string): Quantisation {
  const m = /-(q\d+f\d+(?:_\d+)?)/.exec(id);
  return m?.[1] ?? 'unknown';
}

export function parseParamsB(id: string): number | undefined {
  for (const [re, b] of KNOWN_PARAMS_B) if (re.test(id)) return b;
  // "3B", "0.6B", "1.7B", "135M", "1_6b" (stablelm), "E2B" handled above.
  const m = /(?:^|[-_])(\d+(?:[._]\d+)?)([BbMm])(?=[-_]|$)/.exec(id);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  const n = Number(m[1].replace('_', '.'));
  return m[2].toLowerCase() === 'm' ? n / 1000 : n;
}

export function parseFamily(id: string): string {
  const known = [
    'DeepSeek', 'Hermes', 'OpenHermes', 'NeuralHermes', 'Llama', 'Qwen', 'Phi', 'gemma', 'Mistral', 'Ministral',
    'SmolLM', 'OLMo', 'stablelm', 'RedPajama', 'TinyLlama', 'WizardMath', 'snowflake',
  ];
  const lower = id.toLowerCase();
  for (const f of known) if (lower.startsWith(f.toLowerCase())) return f === 'gemma' ? 'Gemma' : f === 'stablelm' ? 'StableLM' : f;
  return id.split('-')[0] ?? id;
}

function bitsPerWeight(q: Quantisation): number | undefined {
  const key = /^(q\d+f\d+)/.exec(q)?.[1];
  return key === undefined ? undefined : BITS_PER_WEIGHT[key];
}

/**
 * q?f16 builds run f16 arithmetic in their shaders. web-llm lists `required_features: ['shader-f16']`
 * only on some of them (e.g. not on Llama-3.2-*-q4f16_1), yet all need it: trust the name too.
 */
function needsF16(r: ModelRecord, q: Quantisation): boolean {
  return (r.required_features ?? []).includes('shader-f16') || /^q\d+f16/.test(q);
}

function isChatModel(r: ModelRecord): boolean {
  if (r.model_type === MODEL_TYPE_EMBEDDING || r.model_type === MODEL_TYPE_VLM) return false;
  return !/-(Base|Coder|Math)-|Coder|Math|WizardMath|-Reasoning-/i.test(r.model_id);
}

export function buildRegistry(list: readonly ModelRecord[]): RegistryEntry[] {
  const ids = new Set(list.map((r) => r.model_id));
  return list.map((record) => {
    const quantisation = parseQuantisation(record.model_id);
    const paramsB = parseParamsB(record.model_id);
    const bits = bitsPerWeight(quantisation);
    const twinId = /q\d+f16/.test(quantisation) ? record.model_id.replace(/(q\d+)f16/, '$1f32') : undefined;
    return {
      id: record.model_id,
      family: parseFamily(record.model_id),
      quantisation,
      paramsB,
      downloadBytesEstimate: paramsB !== undefined && bits !== undefined ? Math.round((paramsB * 1e9 * bits) / 8) : undefined,
      vramMB: record.vram_required_MB,
      contextWindow: record.overrides?.context_window_size,
      needsShaderF16: needsF16(record, quantisation),
      lowResource: record.low_resource_required === true,
      chat: isChatModel(record),
      f32Twin: twinId !== undefined && ids.has(twinId) ? twinId : undefined,
      record,
    };
  });
}

/** web-llm asks the adapter for a 1 GiB storage-buffer binding and falls back to 128 MiB, where only its low-resource builds run. */
const FULL_BINDING = 1 << 30;
const MIN_BUFFER = 1 << 28;

export function fitModel(entry: RegistryEntry, device: DeviceFit): FitResult {
  const base = { entry, alternative: undefined };
  if (entry.needsShaderF16 && !device.hasShaderF16) {
    return {
      ...base,
      status: 'needs-shader-f16',
      reason: entry.f32Twin
        ? `This GPU lacks shader-f16; use ${entry.f32Twin} instead.`
        : 'This GPU lacks shader-f16, which this build needs, and web-llm lists no f32 build of it.',
      alternative: entry.f32Twin,
    };
  }
  if (device.maxBufferSize < MIN_BUFFER) {
    return { ...base, status: 'too-big', reason: `This GPU allows buffers of only ${mib(device.maxBufferSize)}; web-llm needs 256 MiB.` };
  }
  const needBinding = entry.record.buffer_size_required_bytes;
  if (needBinding !== undefined && needBinding > device.maxStorageBufferBindingSize) {
    return { ...base, status: 'too-big', reason: `Needs storage buffers of ${mib(needBinding)}; this GPU allows ${mib(device.maxStorageBufferBindingSize)}.` };
  }
  if (device.memoryBudgetMB !== undefined && entry.vramMB !== undefined && entry.vramMB > device.memoryBudgetMB) {
    return {
      ...base,
      status: 'too-big',
      reason: `This model needs about ${gb(entry.vramMB)} of GPU memory (budget ${gb(device.memoryBudgetMB)}); pick a smaller one.`,
    };
  }
  if (device.maxStorageBufferBindingSize < FULL_BINDING && !entry.lowResource) {
    return {
      ...base,
      status: 'limited',
      reason: `This GPU's storage-buffer limit (${mib(device.maxStorageBufferBindingSize)}) is below the 1 GiB this build expects; it may fail to load. Prefer a model marked low-resource.`,
    };
  }
  return { ...base, status: 'fits', reason: undefined };
}

export function fitModels(registry: readonly RegistryEntry[], device: DeviceFit): FitResult[] {
  return registry.map((e) => fitModel(e, device));
}

/**
 * Instruction-tuned 1–8B models that write coherent personas and follow JSON schemas, best first.
 * [ours] Order: quality for narrative writing first, then size. Each is tried as q4f16_1 (when the
 * GPU has shader-f16) and then q4f32_1.
 */
export const RECOMMENDED_BASES = [
  'Qwen2.5-7B-Instruct',
  'Llama-3.1-8B-Instruct',
  'Qwen2.5-3B-Instruct',
  'Llama-3.2-3B-Instruct',
  'Phi-3.5-mini-instruct',
  'Qwen2.5-1.5B-Instruct',
  'Llama-3.2-1B-Instruct',
] as const;

/**
 * Browsers do not tell how much GPU memory there is; without a budget we assume 3 GB (a 3B model,
 * which runs on most laptops with 8 GB of shared memory). [ours]
 */
export const DEFAULT_MEMORY_BUDGET_MB = 3000;

export interface Recommendation {
  id: string;
  reason: string;
}

export function recommendModel(registry: readonly RegistryEntry[], device: DeviceFit): Recommendation | undefined {
  const budget = device.memoryBudgetMB ?? DEFAULT_MEMORY_BUDGET_MB;
  const byId = new Map(registry.map((e) => [e.id, e]));
  const quants = device.hasShaderF16 ? ['q4f16_1', 'q4f32_1'] : ['q4f32_1'];
  for (const base of RECOMMENDED_BASES) {
    for (const q of quants) {
      const entry = byId.get(`${base}-${q}-MLC`);
      if (!entry) continue;
      const fit = fitModel(entry, { ...device, memoryBudgetMB: budget });
      if (fit.status !== 'fits') continue;
      const memory = device.memoryBudgetMB === undefined ? `an assumed ${gb(budget)} (set your GPU memory for a better pick)` : gb(budget);
      return { id: entry.id, reason: `Largest instruction-tuned model on our list that fits ${memory}${q === 'q4f32_1' && !device.hasShaderF16 ? '; f32 build because this GPU lacks shader-f16' : ''}.` };
    }
  }
  return undefined;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1 << 20))} MiB`;
}

function gb(mb: number): string {
  return `${(mb / 1000).toFixed(1)} GB`;
}
