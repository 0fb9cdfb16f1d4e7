/**
 * The sentence-embedding models offered besides "lexical (no model)": ONNX exports on the
 * Hugging Face Hub that transformers.js runs with its feature-extraction pipeline. Pure data plus
 * checks; Node tests validate every entry.
 *
 * Sizes are the ONNX weight files as the Hub's file listings show them (onnx/ folder of each
 * repository; tokenizer and config add under 20 MB), so shown with "≈". A cached model's exact
 * size comes from the cache (cache.ts).
 */
import { AppError } from '../core/errors';

/** The dtypes we offer (transformers.js names); others exist on the Hub but are slower or lossier for these encoders. */
export type EmbedDtype = 'fp32' | 'fp16' | 'q8';
export type EmbedDevice = 'webgpu' | 'wasm';
export type Pooling = 'mean' | 'cls';

export interface EmbedModelEntry {
  /** Hub repository id, also the transformers.js model id. */
  id: string;
  label: string;
  /** 'en' or 'multilingual'. */
  languages: 'en' | 'multilingual';
  dim: number;
  /** Tokens the model reads; longer texts are truncated (persona texts of ~200 words fit). */
  maxTokens: number;
  /** How the model card says to pool token vectors into one sentence vector. */
  pooling: Pooling;
  /** Text put before queries and passages, as the model was trained (E5: "query: " / "passage: "). */
  prefixes: { query: string; passage: string };
  /** Approximate weight-file bytes per offered dtype. */
  weightBytes: Partial<Record<EmbedDtype, number>>;
  notes: string;
  license: string;
}

/** Decimal megabytes, as the Hub lists them, in whole bytes. */
const mb = (x: number): number => Math.round(x * 1_000_000);

export const EMBED_MODELS: readonly EmbedModelEntry[] = [
  {
    id: 'Xenova/all-MiniLM-L6-v2',
    label: 'MiniLM-L6 (English, small)',
    languages: 'en',
    dim: 384,
    maxTokens: 256,
    pooling: 'mean',
    prefixes: { query: '', passage: '' },
    weightBytes: { fp32: mb(90.4), fp16: mb(45.3), q8: mb(23) },
    notes: 'Fast general-purpose English sentence embedder; reads 256 tokens, so only the start of a long persona counts.',
    license: 'Apache-2.0',
  },
  {
    id: 'Xenova/bge-small-en-v1.5',
    label: 'BGE-small v1.5 (English)',
    languages: 'en',
    dim: 384,
    maxTokens: 512,
    pooling: 'cls',
    prefixes: { query: 'Represent this sentence for searching relevant passages: ', passage: '' },
    weightBytes: { fp32: mb(133), fp16: mb(66.7), q8: mb(34) },
    notes: 'Stronger English retrieval than MiniLM at a similar size; queries get the model\'s retrieval instruction.',
    license: 'MIT',
  },
  {
    id: 'Xenova/multilingual-e5-small',
    label: 'multilingual-E5-small (≈100 languages)',
    languages: 'multilingual',
    dim: 384,
    maxTokens: 512,
    pooling: 'mean',
    prefixes: { query: 'query: ', passage: 'passage: ' },
    weightBytes: { fp32: mb(470), fp16: mb(235), q8: mb(118) },
    notes: 'For personas or queries not in English; larger download because of its multilingual vocabulary.',
    license: 'MIT',
  },
];

/** transformers.js's file-name suffix per dtype (its DEFAULT_DTYPE_SUFFIX_MAPPING, not exported). */
const DTYPE_SUFFIX: Record<EmbedDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** The ONNX file transformers.js reads for a dtype. */
export function onnxFile(dtype: EmbedDtype): string {
  return `onnx/model${DTYPE_SUFFIX[dtype]}.onnx`;
}

export const EMBED_DTYPES: readonly EmbedDtype[] = ['fp32', 'fp16', 'q8'];

export function isEmbedDtype(s: string): s is EmbedDtype {
  return (EMBED_DTYPES as readonly string[]).includes(s);
}

/** Files every model needs besides its weights (config and the tokenizer transformers.js loads). */
export const REQUIRED_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;

/**
 * WebGPU runs fp32 (fp16 when the adapter has shader-f16): int8 kernels are CPU-oriented in
 * onnxruntime-web. WASM prefers q8, a quarter of the download at a small accuracy cost.
 */
export function defaultDtype(entry: EmbedModelEntry, device: EmbedDevice, hasShaderF16 = false): EmbedDtype {
  const prefs: EmbedDtype[] = device === 'webgpu' ? (hasShaderF16 ? ['fp16', 'fp32', 'q8'] : ['fp32', 'q8']) : ['q8', 'fp32'];
  return prefs.find((d) => entry.weightBytes[d] !== undefined) ?? 'fp32';
}

export function findEmbedModel(id: string, registry: readonly EmbedModelEntry[] = EMBED_MODELS): EmbedModelEntry {
  const entry = registry.find((e) => e.id === id);
  if (!entry) {
    throw new AppError('ModelError', `There is no embedding model "${id}". Pick one of: lexical, ${registry.map((e) => e.id).join(', ')}.`);
  }
  return entry;
}

/**
 * "MODEL" or "MODEL@DTYPE" (what `load` accepts and what `info().modelId` names, so vectors of
 * different precisions are never mixed in the store).
 */
export function parseModelRef(ref: string): { id: string; dtype: EmbedDtype | undefined } {
  const at = ref.lastIndexOf('@');
  if (at < 0) return { id: ref, dtype: undefined };
  const dtype = ref.slice(at + 1);
  if (!isEmbedDtype(dtype)) throw new AppError('InputError', `Unknown precision "${dtype}" in "${ref}"; use one of ${EMBED_DTYPES.join(', ')}.`);
  return { id: ref.slice(0, at), dtype };
}

export function modelRef(id: string, dtype: EmbedDtype): string {
  return `${id}@${dtype}`;
}

/** Every problem with a registry (ids, dims, sizes, prefixes); empty when valid. */
export function validateRegistry(registry: readonly EmbedModelEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of registry) {
    const where = e.id || '(no id)';
    if (!/^[\w.-]+\/[\w.-]+$/.test(e.id)) problems.push(`${where}: id is not a Hub "owner/name".`);
    if (seen.has(e.id)) problems.push(`${where}: listed twice.`);
    seen.add(e.id);
    if (e.id.includes('@')) problems.push(`${where}: "@" is reserved for the precision suffix.`);
    if (!Number.isInteger(e.dim) || e.dim <= 0) problems.push(`${where}: dim must be a positive integer.`);
    if (!Number.isInteger(e.maxTokens) || e.maxTokens <= 0) problems.push(`${where}: maxTokens must be a positive integer.`);
    const sizes = Object.entries(e.weightBytes);
    if (sizes.length === 0) problems.push(`${where}: offers no dtype.`);
    for (const [d, b] of sizes) {
      if (!isEmbedDtype(d)) problems.push(`${where}: unknown dtype ${d}.`);
      if (!(typeof b === 'number' && Number.isFinite(b) && b > 0)) problems.push(`${where}: size of ${d} must be a positive number of bytes.`);
    }
    const { fp32, fp16, q8 } = e.weightBytes;
    if (fp32 !== undefined && fp16 !== undefined && !(fp16 < fp32)) problems.push(`${where}: fp16 weights should be smaller than fp32.`);
    if (fp32 !== undefined && q8 !== undefined && !(q8 < fp32)) problems.push(`${where}: q8 weights should be smaller than fp32.`);
    if (e.prefixes.query !== '' && !/\s$/.test(e.prefixes.query)) problems.push(`${where}: the query prefix should end with a space.`);
    if (e.prefixes.passage !== '' && !/\s$/.test(e.prefixes.passage)) problems.push(`${where}: the passage prefix should end with a space.`);
    if (!e.label.trim() || !e.notes.trim()) problems.push(`${where}: needs a label and notes.`);
  }
  return problems;
}
