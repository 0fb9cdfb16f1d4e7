/**
 * The web-llm backend of LlmService as a plain API object around one MLCEngine. It runs inside
 * workers/llm.worker.ts (exposed with comlink; src/services/llm-service.ts owns the worker), and
 * tests call it directly with a fake engine.
 *
 * What web-llm 0.2.86 really gives (read from its engine):
 * - Prefix reuse: web-llm keeps the KV cache only when a request's messages[:-1] equal the whole
 *   previous conversation *including the reply it generated*, and never after a reply that ended
 *   by length or abort. Two questionnaire items sharing a persona prefix never match, and a
 *   max_tokens 1 answer always ends by length, so supportsPrefixReuse is false and
 *   cachedPromptTokens is 0.
 * - Log-probabilities: top_logprobs ≤ 5, from softmax(logits / temperature) before top-p; we use
 *   temperature 1. Choices missing from the top 5 are read in a second pass under a grammar that
 *   allows only the choices (renormalised among themselves); coverage then counts only the
 *   choices seen in the first pass (a lower bound).
 * - Tokenizer: web-llm exposes none. countTokens runs the text through the completion API
 *   (max_tokens 1) and reads usage.prompt_tokens, minus the template overhead measured once:
 *   exact, but one prefill per call (a text longer than the context window costs only its
 *   tokenization: web-llm's ContextWindowSizeExceededError carries the count).
 */
import type {
  AppConfig,
  ChatCompletion,
  ChatCompletionRequestNonStreaming,
  Completion,
  CompletionCreateParamsNonStreaming,
  InitProgressCallback,
  ModelRecord,
} from '@mlc-ai/web-llm';
import type {
  ChatRequest,
  ChatResponse,
  ChoiceRequest,
  ChoiceResponse,
  LlmModelInfo,
} from '../../contracts/llm';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError, isAppError } from '../../core/errors';
import { artifactStore } from './artifact-store';
import { createModelCacheApi, type ModelCacheWorkerApi } from './cache-api';
import { checkChoices, choiceGrammar, choiceMass, MAX_TOP_LOGPROBS, renormalise, type TopLogprob } from './choices';
import type { TensorManifest } from './folder';
import { progressTracker } from './load-progress';
import { buildRegistry } from './registry';
import { modelUrls } from './urls';

/** The part of MLCEngine we use (MLCEngine satisfies it; tests pass a fake). */
export interface EngineLike {
  reload(modelId: string): Promise<void>;
  unload(): Promise<void>;
  interruptGenerate(): Promise<void> | void;
  chatCompletion(req: ChatCompletionRequestNonStreaming): Promise<ChatCompletion>;
  completion(req: CompletionCreateParamsNonStreaming): Promise<Completion>;
  setInitProgressCallback(cb?: InitProgressCallback): void;
}

export interface EngineStats {
  /** Decode speed of the last generation (web-llm's usage.extra). */
  decodeTokensPerS: number | undefined;
  prefillTokensPerS: number | undefined;
  generatedTokens: number;
}

export interface WebLlmConfig {
  /** Records beyond web-llm's prebuilt list (e.g. a test record); cacheBackend as in web-llm. */
  extraRecords?: ModelRecord[];
  cacheBackend?: AppConfig['cacheBackend'];
}

export interface WebLlmApi extends ModelCacheWorkerApi {
  configure(config: WebLlmConfig): Promise<void>;
  load(modelId: string, onProgress?: ProgressCallback): Promise<LlmModelInfo>;
  info(): Promise<LlmModelInfo | undefined>;
  chat(req: ChatRequest): Promise<ChatResponse>;
  choiceLogprobs(req: ChoiceRequest): Promise<ChoiceResponse>;
  countTokens(text: string): Promise<number>;
  abort(): Promise<void>;
  unload(): Promise<void>;
  stats(): Promise<EngineStats>;
}

export interface WebLlmApiOptions {
  /** Builds the engine (default: web-llm's MLCEngine, imported lazily). */
  createEngine?: (appConfig: AppConfig) => Promise<EngineLike>;
  /** Prebuilt model list (default: web-llm's prebuiltAppConfig.model_list). */
  prebuilt?: () => Promise<ModelRecord[]>;
  /** A load with no progress for this long is stopped with a ModelError (default 120 s). */
  stallMs?: number;
  /** Whether the model's weights are cached (default: web-llm's hasModelInCache); checked when offline. */
  isCached?: (record: ModelRecord, appConfig: AppConfig) => Promise<boolean>;
}

async function defaultIsCached(record: ModelRecord, appConfig: AppConfig): Promise<boolean> {
  const { hasModelInCache } = await import('@mlc-ai/web-llm');
  return hasModelInCache(record.model_id, { ...appConfig, model_list: [record] });
}

async function defaultEngine(appConfig: AppConfig): Promise<EngineLike> {
  const { MLCEngine } = await import('@mlc-ai/web-llm');
  return new MLCEngine({ appConfig, logLevel: 'WARN' });
}

async function defaultPrebuilt(): Promise<ModelRecord[]> {
  return (await import('@mlc-ai/web-llm')).prebuiltAppConfig.model_list;
}

export function createWebLlmApi(options: WebLlmApiOptions = {}): WebLlmApi {
  let config: WebLlmConfig = {};
  let engine: EngineLike | undefined;
  let loaded: LlmModelInfo | undefined;
  let loading: { cancelled: boolean } | undefined;
  let generating: { aborted: boolean } | undefined;
  let templateOverhead: number | undefined;
  const stats: EngineStats = { decodeTokensPerS: undefined, prefillTokensPerS: undefined, generatedTokens: 0 };

  async function appConfig(): Promise<AppConfig> {
    const prebuilt = await (options.prebuilt ?? defaultPrebuilt)();
    return { model_list: [...(config.extraRecords ?? []), ...prebuilt], cacheBackend: config.cacheBackend ?? 'cache' };
  }

  async function getEngine(cfg: AppConfig): Promise<EngineLike> {
    engine ??= await (options.createEngine ?? defaultEngine)(cfg);
    return engine;
  }

  function requireModel(): LlmModelInfo {
    if (!loaded || !engine) throw new AppError('ModelError', 'No model is loaded. Pick and load a model first.');
    return loaded;
  }

  async function generate<T>(run: (e: EngineLike) => Promise<T>): Promise<T> {
    requireModel();
    const state = { aborted: false };
    generating = state;
    try {
      const out = await run(engine as EngineLike);
      if (state.aborted) throw new AppError('AbortError', 'Generation cancelled.');
      return out;
    } catch (e) {
      // web-llm unloads itself when the GPU device is lost; the next request then finds no model.
      if (e instanceof Error && e.name === 'ModelNotLoadedError' && loaded) {
        const id = loaded.id;
        loaded = undefined;
        throw new AppError('GpuError', `The GPU stopped running ${id} (device lost, often out of GPU memory). Load it again, or pick a smaller model.`);
      }
      throw toAppError(e, loaded?.id ?? '');
    } finally {
      if (generating === state) generating = undefined;
    }
  }

  function noteUsage(c: ChatCompletion | Completion): void {
    const extra = c.usage?.extra;
    if (extra) {
      stats.decodeTokensPerS = extra.decode_tokens_per_s;
      stats.prefillTokensPerS = extra.prefill_tokens_per_s;
    }
    stats.generatedTokens += c.usage?.completion_tokens ?? 0;
  }

  const api: WebLlmApi = {
    ...createModelCacheApi(appConfig),

    async configure(c) {
      config = { ...c };
    },

    async load(modelId, onProgress) {
      const cfg = await appConfig();
      const record = cfg.model_list.find((r) => r.model_id === modelId);
      if (!record) throw new AppError('ModelError', `web-llm has no model "${modelId}". Pick one from the list.`);
      if (loaded?.id === modelId) return loaded;
      // Offline and not cached: say so now instead of letting web-llm's fetches fail one by one.
      const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
      if (offline && !(await (options.isCached ?? defaultIsCached)(record, cfg).catch(() => false))) {
        throw new AppError('ModelError', `${modelId} is not stored in this browser and the device is offline. Connect to the internet, or import the model folder.`);
      }
      const state = { cancelled: false, stalled: false };
      loading = state;
      const e = await getEngine(cfg);
      // web-llm has no timeout: a download that stops moving would hang the load forever.
      const stallMs = options.stallMs ?? 120_000;
      let watchdog: ReturnType<typeof setTimeout> | undefined;
      const arm = (): void => {
        clearTimeout(watchdog);
        watchdog = setTimeout(() => {
          state.stalled = true;
          void e.unload();
        }, stallMs);
      };
      arm();
      let total: number | undefined;
      let estimated = true;
      const estimate = buildRegistry([record])[0]?.downloadBytesEstimate;
      const store = artifactStore(cfg);
      const tracker = progressTracker(modelId, () => total ?? estimate, () => estimated);
      let askedManifest = false;
      e.setInitProgressCallback((report) => {
        if (!askedManifest) {
          askedManifest = true;
          // web-llm has fetched tensor-cache.json by the first weight report: read its exact size.
          void store
            .readJson('webllm/model', modelUrls(record).manifestUrl)
            .then((m) => {
              const shards = (m as TensorManifest | undefined)?.records;
              if (shards) {
                total = shards.reduce((s, x) => s + x.nbytes, 0);
                estimated = false;
              }
            })
            .catch(() => {});
        }
        arm();
        onProgress?.(tracker.map(report, performance.now()));
      });
      try {
        loaded = undefined;
        templateOverhead = undefined;
        await e.reload(modelId);
        // web-llm's reload() returns normally when unload() aborted it: turn that into our errors.
        if (state.cancelled) throw new AppError('AbortError', `Loading ${modelId} was cancelled.`);
        if (state.stalled) throw stalledError(modelId, stallMs);
      } catch (err) {
        if (state.stalled && !state.cancelled) throw stalledError(modelId, stallMs);
        throw toAppError(err, modelId);
      } finally {
        clearTimeout(watchdog);
        e.setInitProgressCallback(undefined);
        if (loading === state) loading = undefined;
      }
      loaded = {
        id: modelId,
        backend: 'webllm',
        contextWindow: record.overrides?.context_window_size ?? 4096,
        supportsLogprobs: true,
        supportsJsonSchema: true,
        supportsPrefixReuse: false,
      };
      return loaded;
    },

    async info() {
      return loaded;
    },

    async chat(req) {
      const t0 = performance.now();
      const d = req.decoding ?? {};
      const c = await generate((e) =>
        e.chatCompletion({
          messages: req.messages,
          stream: false,
          temperature: d.temperature,
          top_p: d.topP,
          max_tokens: d.maxTokens,
          seed: d.seed,
          response_format: req.jsonSchema ? { type: 'json_object', schema: JSON.stringify(req.jsonSchema.schema) } : undefined,
        }),
      );
      noteUsage(c);
      const choice = c.choices[0];
      return {
        text: choice?.message.content ?? '',
        promptTokens: c.usage?.prompt_tokens ?? 0,
        completionTokens: c.usage?.completion_tokens ?? 0,
        finishReason: choice?.finish_reason === 'length' ? 'length' : 'stop',
        ms: performance.now() - t0,
      };
    },

    async choiceLogprobs(req) {
      checkChoices(req.choices);
      const t0 = performance.now();
      const ask = (grammar: boolean): Promise<ChatCompletion> =>
        generate((e) =>
          e.chatCompletion({
            messages: req.messages,
            stream: false,
            max_tokens: 1,
            temperature: 1,
            top_p: 1,
            logprobs: true,
            top_logprobs: MAX_TOP_LOGPROBS,
            response_format: grammar ? { type: 'grammar', grammar: choiceGrammar(req.choices) } : undefined,
          }),
        );
      const first = await ask(false);
      const mass = choiceMass(topOf(first), req.choices);
      let promptTokens = first.usage?.prompt_tokens ?? 0;
      let probs = mass.probs;
      if (mass.found.some((f) => !f)) {
        const second = await ask(true);
        promptTokens += second.usage?.prompt_tokens ?? 0;
        probs = choiceMass(topOf(second), req.choices).probs;
      }
      return { logprobs: renormalise(probs), coverage: mass.coverage, promptTokens, cachedPromptTokens: 0, ms: performance.now() - t0 };
    },

    async countTokens(text) {
      const count = (prompt: string): Promise<number> =>
        generate(async (e) => {
          try {
            return (await e.completion({ prompt, max_tokens: 1, stream: false })).usage?.prompt_tokens ?? 0;
          } catch (err) {
            // Longer than the context window: web-llm tokenized it and says how long it is.
            const m = err instanceof Error && err.name === 'ContextWindowSizeExceededError' ? /number of prompt tokens: (\d+)/.exec(err.message) : null;
            if (m?.[1]) return Number(m[1]);
            throw err;
          }
        });
      // "a" is one token in every tokenizer we ship; the rest is the template's fixed prefix (BOS).
      templateOverhead ??= Math.max(0, (await count('a')) - 1);
      if (text === '') return 0;
      return Math.max(0, (await count(text)) - templateOverhead);
    },

    async abort() {
      if (loading) {
        loading.cancelled = true;
        await engine?.unload(); // aborts web-llm's download (its reload AbortController)
      }
      if (generating) {
        generating.aborted = true;
        await engine?.interruptGenerate();
      }
    },

    async unload() {
      loaded = undefined;
      await engine?.unload();
    },

    async stats() {
      return { ...stats };
    },
  };
  return api;
}

function stalledError(modelId: string, ms: number): AppError {
  return new AppError('ModelError', `Loading ${modelId} stalled: nothing arrived for ${Math.round(ms / 1000)} s. Check the network and load again (finished files are kept), or import the model folder.`);
}

function topOf(c: ChatCompletion): TopLogprob[] {
  return c.choices[0]?.logprobs?.content?.[0]?.top_logprobs ?? [];
}

/**
 * web-llm's errors as our few kinds, with what to do. Matched by name (web-llm's classes) and by
 * message for the fetch failures its cache layer rethrows as plain Errors.
 */
export function toAppError(e: unknown, modelId: string): AppError {
  if (e instanceof AppError) return e;
  if (isAppError(e)) return new AppError(e.name as AppError['name'], e.message);
  const name = e instanceof Error ? e.name : '';
  const msg = e instanceof Error ? e.message : String(e);
  if (name === 'AbortError') return new AppError('AbortError', 'Cancelled.');
  if (name === 'DeviceLostError') {
    return new AppError('GpuError', `The GPU device was lost while running ${modelId} (usually out of GPU memory). Pick a smaller model or a 1k-context build, then load again.`);
  }
  if (name === 'WebGPUNotAvailableError' || name === 'WebGPUNotFoundError' || /maxStorageBufferBindingSize|maxBufferSize|maxComputeWorkgroupStorageSize/.test(msg)) {
    return new AppError('GpuError', `WebGPU cannot run ${modelId} here: ${msg}`);
  }
  if (name === 'ShaderF16SupportError' || name === 'FeatureSupportError') {
    return new AppError('ModelError', `${modelId} needs the GPU feature shader-f16, which this browser/GPU lacks. Use its q4f32_1 build instead.`);
  }
  if (name === 'ContextWindowSizeExceededError') {
    return new AppError('ModelError', `The prompt is longer than ${modelId}'s context window. Shorten the input (fewer posts per author).`);
  }
  if (/Failed to fetch|Failed to store|Cannot fetch|NetworkError|Network response was not ok|ERR_/i.test(msg) || e instanceof TypeError) {
    return new AppError(
      'ModelError',
      `Could not download ${modelId}: the model's files are not in this browser's cache and the network did not answer (${msg.slice(0, 200)}). Connect to the internet, or import the model folder for offline use.`,
    );
  }
  if (/WebAssembly/.test(msg)) {
    return new AppError('ModelError', `The model library (.wasm) of ${modelId} is not a valid web-llm library (${msg.slice(0, 160)}). Delete the model and download or import it again with the right .wasm.`);
  }
  if (name === 'IntegrityError') return new AppError('ModelError', `A downloaded file of ${modelId} failed its integrity check. Delete the model and download it again.`);
  return new AppError('ModelError', `${modelId} failed: ${msg}`);
}
