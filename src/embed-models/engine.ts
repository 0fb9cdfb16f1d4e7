/**
 * The embedding worker's API as a plain object: one EmbedderService that serves either the
 * weight-free lexical embedder or a transformers.js sentence-embedding model, plus the model
 * cache (list, delete, folder import). workers/embed.worker.ts exposes it with comlink;
 * src/services/embedder-service.ts owns the worker; tests call it directly with a fake extractor.
 *
 * Loading a pretrained model: WebGPU when the worker has an adapter, else (or when WebGPU fails to
 * build the session) WASM with the same precision, so nothing new is downloaded. Once every file
 * of the chosen precision is cached (downloaded or imported), it loads with remote loading off.
 */
import type { EmbedderInfo, EmbedderService, Embeddings, EmbedOptions } from '../contracts/embedder';
import type { Progress, ProgressCallback } from '../contracts/progress';
import { AppError, isAppError, throwIfAborted } from '../core/errors';
import { createLexicalEmbedderService, LEXICAL_MODEL_ID } from '../core/embed/lexical-service';
import type { LexicalOptions } from '../core/embed/lexical';
import { cacheStorageFiles, deleteCachedEmbedModel, HF_HOST, importEmbedFolder, listCachedEmbedModels, TRANSFORMERS_CACHE, type CachedEmbedModel, type FileStore } from './cache';
import { modelLimits } from './choices';
import type { FolderFile } from './folder';
import { defaultDtype, EMBED_MODELS, findEmbedModel, modelRef, onnxFile, parseModelRef, REQUIRED_FILES, type EmbedDevice, type EmbedDtype, type EmbedModelEntry, type Pooling } from './registry';

/** One loaded feature-extraction pipeline (transformers-runtime.ts; tests pass a fake). */
export interface Extractor {
  /** Pooled, L2-normalised vectors, dims [texts.length, dim]. */
  run(texts: string[], pooling: Pooling): Promise<{ data: Float32Array; dims: number[] }>;
  dispose(): Promise<void>;
}

export interface ExtractorRequest {
  modelId: string;
  device: EmbedDevice;
  dtype: EmbedDtype;
  /** Every needed file is cached: load with remote loading switched off. */
  offline: boolean;
  remoteHost: string;
  cacheName: string;
  onBytes(loaded: number, total: number): void;
}

export interface EmbedWorkerConfig {
  /** Where models download from (default huggingface.co; tests use a refusing local port). */
  remoteHost?: string;
  /** Cache Storage name (default transformers.js's 'transformers-cache'). */
  cacheName?: string;
  /** Force a device (default: WebGPU when available). */
  device?: EmbedDevice;
  lexical?: LexicalOptions;
}

export interface EmbedWorkerApi extends EmbedderService {
  configure(config: EmbedWorkerConfig): Promise<void>;
  listCached(): Promise<CachedEmbedModel[]>;
  deleteCached(modelId: string): Promise<void>;
  /** Checks and stores a picked model folder; AbortError (nothing kept) after cancelImport(). */
  importFolder(files: FolderFile[], modelId: string, onProgress?: ProgressCallback): Promise<{ bytes: number; dtypes: EmbedDtype[] }>;
  cancelImport(): Promise<void>;
}

export interface EmbedApiOptions {
  createExtractor?: (req: ExtractorRequest) => Promise<Extractor>;
  /** The file store (default Cache Storage under config.cacheName). */
  files?: (cacheName: string) => FileStore;
  /** Whether WebGPU can be used and has shader-f16 (default: asks navigator.gpu). */
  probeGpu?: () => Promise<{ webgpu: boolean; shaderF16: boolean }>;
  registry?: readonly EmbedModelEntry[];
  /** Texts per forward pass (default 16 on WebGPU, 8 on WASM). */
  batchSize?: number;
}

async function defaultProbe(): Promise<{ webgpu: boolean; shaderF16: boolean }> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) return { webgpu: false, shaderF16: false };
  try {
    const adapter = await gpu.requestAdapter();
    return { webgpu: adapter !== null, shaderF16: adapter?.features.has('shader-f16') ?? false };
  } catch {
    return { webgpu: false, shaderF16: false };
  }
}

async function defaultExtractor(req: ExtractorRequest): Promise<Extractor> {
  return (await import('./transformers-runtime')).createTransformersExtractor(req);
}

interface Loaded {
  entry: EmbedModelEntry;
  extractor: Extractor;
  info: EmbedderInfo;
}

export function createEmbedApi(options: EmbedApiOptions = {}): EmbedWorkerApi {
  const registry = options.registry ?? EMBED_MODELS;
  let config: EmbedWorkerConfig = {};
  let lexical: EmbedderService | undefined;
  let model: Loaded | undefined;
  let loading: { cancelled: boolean } | undefined;
  let work = new AbortController();
  let importing: AbortController | undefined;

  const host = () => config.remoteHost ?? HF_HOST;
  const cacheName = () => config.cacheName ?? TRANSFORMERS_CACHE;
  const files = () => (options.files ?? cacheStorageFiles)(cacheName());

  async function unloadModel(): Promise<void> {
    const m = model;
    model = undefined;
    await m?.extractor.dispose().catch(() => {});
  }

  async function loadModel(ref: string, onProgress?: ProgressCallback): Promise<EmbedderInfo> {
    const { id, dtype: asked } = parseModelRef(ref);
    const entry = findEmbedModel(id, registry);
    const gpu = config.device === 'wasm' ? { webgpu: false, shaderF16: false } : await (options.probeGpu ?? defaultProbe)();
    if (config.device === 'webgpu' && !gpu.webgpu) throw new AppError('GpuError', 'This browser offers no WebGPU adapter in workers; choose the WASM device or another browser.');
    let device: EmbedDevice = gpu.webgpu ? 'webgpu' : 'wasm';
    const dtype = asked ?? defaultDtype(entry, device, gpu.shaderF16);
    if (entry.weightBytes[dtype] === undefined) throw new AppError('InputError', `${entry.id} is not offered in ${dtype}; pick one of ${Object.keys(entry.weightBytes).join(', ')}.`);
    const offline = (await missingFiles(entry, dtype)).length === 0;

    const state = { cancelled: false };
    loading = state;
    const t0 = performance.now();
    const estimate = entry.weightBytes[dtype] ?? 0;
    let last = 0;
    const report = (p: Omit<Progress, 'elapsedMs' | 'stage'>) => onProgress?.({ stage: 'embed-load', elapsedMs: performance.now() - t0, ...p });
    report({ done: 0, total: estimate, unit: 'bytes', text: offline ? `Loading ${entry.label} from this device` : `Downloading ${entry.label} (≈${Math.round(estimate / 1e6)} MB)` });
    const request = (d: EmbedDevice): ExtractorRequest => ({
      modelId: entry.id,
      device: d,
      dtype,
      offline,
      remoteHost: host(),
      cacheName: cacheName(),
      onBytes(loaded, total) {
        const now = performance.now();
        if (now - last < 100 && loaded < total) return; // ≤10 messages/s across the worker boundary
        last = now;
        report({ done: loaded, total, unit: 'bytes', text: `${offline ? 'Reading' : 'Downloading'} ${entry.label}: ${mb(loaded)} of ${mb(total)}` });
      },
    });
    try {
      await unloadModel();
      const create = options.createExtractor ?? defaultExtractor;
      let extractor: Extractor;
      try {
        extractor = await create(request(device));
      } catch (e) {
        if (device !== 'webgpu' || state.cancelled || isDownloadError(e)) throw e;
        // The WebGPU session failed to build (unsupported operator, limits): same files, on WASM.
        device = 'wasm';
        report({ done: 0, unit: 'bytes', text: `WebGPU failed (${message(e)}); loading on WASM instead` });
        extractor = await create(request(device));
      }
      if (state.cancelled) {
        await extractor.dispose().catch(() => {});
        throw new AppError('AbortError', 'Loading cancelled.');
      }
      const info: EmbedderInfo = {
        modelId: modelRef(entry.id, dtype),
        backend: 'transformers',
        dim: entry.dim,
        normalized: true,
        needsFit: false,
        fitted: true,
        maxTokens: entry.maxTokens,
        limits: modelLimits(entry),
        device,
      };
      model = { entry, extractor, info };
      report({ done: estimate, total: estimate, unit: 'bytes', text: `${entry.label} ready on ${device === 'webgpu' ? 'WebGPU' : 'WASM (CPU)'}` });
      return info;
    } catch (e) {
      if (state.cancelled) throw new AppError('AbortError', 'Loading cancelled.');
      if (isAppError(e)) throw e;
      if (isDownloadError(e)) {
        throw new AppError(
          'ModelError',
          offline
            ? `${entry.id} is incomplete on this device (${message(e)}). Delete it and download or import its folder again.`
            : `Could not download ${entry.id} (${message(e)}). Check the connection, or import the model folder from disk.`,
        );
      }
      throw new AppError('ModelError', `${entry.id} failed to load on ${device}: ${message(e)}. Try the other precision, or "lexical (no model)".`);
    } finally {
      if (loading === state) loading = undefined;
    }
  }

  async function missingFiles(entry: EmbedModelEntry, dtype: EmbedDtype): Promise<string[]> {
    const cached = (await listCachedEmbedModels(files(), [entry], host()))[0];
    if (!cached) return [...REQUIRED_FILES, onnxFile(dtype)];
    return [...cached.missing.filter((m) => m !== 'ONNX weights'), ...(cached.dtypes.includes(dtype) ? [] : [onnxFile(dtype)])];
  }

  async function embedWithModel(m: Loaded, texts: string[], opts: EmbedOptions | undefined, onProgress?: ProgressCallback): Promise<Embeddings> {
    if (work.signal.aborted) work = new AbortController();
    const signal = work.signal;
    const prefix = m.entry.prefixes[opts?.role ?? 'passage'];
    const dim = m.info.dim;
    const vectors = new Float32Array(texts.length * dim);
    const batch = options.batchSize ?? (m.info.device === 'webgpu' ? 16 : 8);
    const t0 = performance.now();
    for (let start = 0; start < texts.length; start += batch) {
      await new Promise<void>((r) => setTimeout(r, 0)); // lets an abort() message in
      throwIfAborted(signal);
      const part = texts.slice(start, start + batch).map((t) => prefix + t);
      let out: { data: Float32Array; dims: number[] };
      try {
        out = await m.extractor.run(part, m.entry.pooling);
      } catch (e) {
        throw new AppError('ModelError', `${m.entry.id} failed while embedding texts ${start + 1}–${start + part.length}: ${message(e)}.`);
      }
      if (out.dims[0] !== part.length || out.dims[1] !== dim || out.data.length !== part.length * dim) {
        throw new AppError('ModelError', `${m.entry.id} returned vectors of shape [${out.dims.join(', ')}], expected [${part.length}, ${dim}]. The model files do not match the registry entry.`);
      }
      for (let i = 0; i < out.data.length; i++) {
        if (!Number.isFinite(out.data[i])) {
          throw new AppError('NumericError', `${m.entry.id} produced a non-finite value for text ${start + Math.floor(i / dim) + 1}${m.info.device === 'webgpu' ? '; fp16 can overflow: load it in fp32' : ''}.`);
        }
      }
      vectors.set(out.data, start * dim);
      const done = start + part.length;
      onProgress?.({ stage: 'embed', done, total: texts.length, unit: 'texts', text: `Embedded ${done} of ${texts.length}`, elapsedMs: performance.now() - t0 });
    }
    return { vectors, n: texts.length, dim, normalized: true, modelId: m.info.modelId };
  }

  const noModel = () => new AppError('ModelError', 'No embedder is loaded. Pick "lexical (no model)" or a model first.');

  return {
    async configure(c) {
      config = { ...c };
      lexical = undefined;
    },
    async load(modelId, onProgress) {
      if (modelId === LEXICAL_MODEL_ID) {
        await unloadModel();
        lexical = createLexicalEmbedderService(config.lexical);
        return lexical.load(modelId, onProgress);
      }
      lexical = undefined;
      return loadModel(modelId, onProgress);
    },
    async info() {
      return lexical ? lexical.info() : model?.info;
    },
    async fit(texts, onProgress) {
      if (lexical) return lexical.fit(texts, onProgress);
      if (!model) throw noModel();
      return model.info;
    },
    async embed(texts, opts, onProgress) {
      if (lexical) return lexical.embed(texts, opts, onProgress);
      if (!model) throw noModel();
      return embedWithModel(model, texts, opts, onProgress);
    },
    async abort() {
      if (loading) loading.cancelled = true;
      work.abort();
      await lexical?.abort();
    },
    async unload() {
      work.abort();
      await lexical?.unload();
      lexical = undefined;
      await unloadModel();
    },
    async listCached() {
      return listCachedEmbedModels(files(), registry, host());
    },
    async deleteCached(id) {
      const entry = findEmbedModel(id, registry);
      if (model?.entry.id === entry.id) await unloadModel();
      await deleteCachedEmbedModel(files(), entry.id, host());
    },
    async importFolder(folder, id, onProgress) {
      const entry = findEmbedModel(id, registry);
      const controller = new AbortController();
      importing = controller;
      try {
        return await importEmbedFolder(files(), folder, entry, host(), onProgress, controller.signal);
      } finally {
        if (importing === controller) importing = undefined;
      }
    },
    async cancelImport() {
      importing?.abort();
    },
  };
}

/** transformers.js reports a missing or unreachable file with these (its ModelFileNotFoundError, fetch's TypeError). */
function isDownloadError(e: unknown): boolean {
  const m = message(e);
  return (
    (e instanceof Error && (e.name === 'ModelFileNotFoundError' || e.name === 'TypeError' && /fetch/i.test(m))) ||
    /Failed to fetch|NetworkError|not found locally|Could not locate file|remote loading is switched off|status code|Unauthorized access|\b(401|403|404)\b/i.test(m)
  );
}

function message(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\.$/, '');
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
