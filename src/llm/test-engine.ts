import type { ChatMessage, ChatRequest, ChatResponse, ChoiceRequest, ChoiceResponse, LlmModelInfo, LlmService } from '../contracts/llm';
import type { ProgressCallback } from '../contracts/progress';
import { hash53 } from '../core/corpus/text';
import { AppError } from '../core/errors';
import { Rng } from '../core/rng';
import { generateFromSchema, type JsonValue } from './json-schema';
import { sleep } from './net';
import { contentWords, itemKeying, personaNarrative, traitCues } from './test-engine-text';
import { estimateMessageTokens, estimateTokens } from './tokens';

/**
 * A deterministic LlmService with no model behind it, for tests, demos of the pipeline's plumbing
 * and cost measurements. Its outputs are computed from a hash of the request: it is NOT a language
 * model and must never be offered to users as one (see TEST_ENGINE_REGISTRY_NOTE).
 */
export const TEST_ENGINE_ID = 'test-engine';

/** Registry note for model pickers: the test engine is never listed in a UI. */
export const TEST_ENGINE_REGISTRY_NOTE = {
  id: TEST_ENGINE_ID,
  backend: 'test',
  listInUi: false,
  reason: 'Deterministic stand-in computed from hashes of the prompt; not a language model.',
} as const;

export type InjectedFailure = 'model-error' | 'device-lost';

export interface TestEngineOptions {
  /** Mixed into every hash, so two engines with different seeds answer differently. Default 0. */
  seed?: number;
  /** Simulated decode latency per completion token (ms). Default 0. */
  msPerToken?: number;
  /** Simulated prefill latency per prompt token not served from the prefix cache (ms). Default 0. */
  msPerPromptToken?: number;
  /**
   * Fail these calls (1-based count over chat/choiceLogprobs/countTokens calls since creation):
   * 'model-error' rejects that one call with ModelError; 'device-lost' rejects with GpuError and
   * unloads the engine, so later calls fail until load() is called again (as after a lost device).
   */
  failures?: Record<number, InjectedFailure>;
  /** Prefixes kept for reuse (a single-sequence KV cache holds 1). Default 1. */
  prefixCacheEntries?: number;
  /** Context window reported in info(). Default 8192. */
  contextWindow?: number;
}

export interface TestEngineStats {
  calls: number;
  promptTokens: number;
  cachedPromptTokens: number;
  completionTokens: number;
}

export interface TestEngine extends LlmService {
  /** Totals since creation (calls counted as for `failures`). */
  stats(): TestEngineStats;
}

interface CachedPrefix {
  hash: number;
  tokens: number;
}

function hashMessages(messages: readonly ChatMessage[], seed: number): number {
  let h = hash53('', seed);
  for (const m of messages) h = hash53(`${m.role}\u0000${m.content}\u0001${h}`, seed);
  return h;
}

function rngFrom(h: number): Rng {
  return new Rng((h % 4294967296) ^ Math.floor(h / 4294967296));
}

/** Index of the last user message: the messages before it are the reusable prefix. */
function lastUserIndex(messages: readonly ChatMessage[]): number {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === 'user') return i;
  return -1;
}

function isMiningPrompt(messages: readonly ChatMessage[]): boolean {
  const all = messages.map((m) => m.content).join('\n').toLowerCase();
  return all.includes('persona') && (all.includes('post') || all.includes('blog'));
}

export function createTestEngine(options: TestEngineOptions = {}): TestEngine {
  const seed = options.seed ?? 0;
  const contextWindow = options.contextWindow ?? 8192;
  const cacheSize = Math.max(0, options.prefixCacheEntries ?? 1);
  const cache = new Map<string, CachedPrefix>();
  const stats: TestEngineStats = { calls: 0, promptTokens: 0, cachedPromptTokens: 0, completionTokens: 0 };
  let loaded: LlmModelInfo | undefined;
  // Calls run one at a time in submission order, as on one GPU; abort() fires this signal and
  // replaces it, cancelling the call in flight and those queued behind it.
  let session = new AbortController();
  let tail: Promise<unknown> = Promise.resolve();

  const info: LlmModelInfo = {
    id: TEST_ENGINE_ID,
    backend: 'test',
    contextWindow,
    supportsLogprobs: true,
    supportsJsonSchema: true,
    supportsPrefixReuse: true,
    tokenCounter: 'estimate',
  };

  /** Queues a call; applies injected failures when its turn comes (calls are numbered on submission). */
  function run<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const call = ++stats.calls;
    const signal = session.signal;
    const result = tail.then(async () => {
      if (signal.aborted) throw new AppError('AbortError', 'Cancelled.');
      const failure = options.failures?.[call];
      if (failure === 'device-lost') {
        loaded = undefined;
        cache.clear();
        throw new AppError('GpuError', `The GPU device was lost (test engine, injected on call ${call}); load the model again.`);
      }
      if (failure === 'model-error') throw new AppError('ModelError', `Injected model failure on call ${call} (test engine).`);
      if (!loaded) throw new AppError('ModelError', `No model is loaded; call load('${TEST_ENGINE_ID}') first.`);
      return fn(signal);
    });
    tail = result.catch(() => undefined);
    return result;
  }

  function checkContext(promptTokens: number): void {
    if (promptTokens > contextWindow) {
      throw new AppError('ModelError', `The prompt has about ${promptTokens} tokens, more than the ${contextWindow}-token context window; shorten it.`);
    }
  }

  function chatText(req: ChatRequest, h: number): string {
    const rng = rngFrom(h);
    const last = req.messages[lastUserIndex(req.messages)]?.content ?? '';
    if (req.jsonSchema) {
      const value = generateFromSchema(req.jsonSchema.schema, rng, contentWords(last));
      return JSON.stringify(answerLikertFields(value, req.jsonSchema.schema, req.messages, seed));
    }
    if (isMiningPrompt(req.messages)) return personaNarrative(last, rng);
    const words = contentWords(last, 6);
    return `[test-engine ${h.toString(16).padStart(14, '0')}] ${words.length ? `Noted: ${words.join(', ')}.` : 'Noted.'}`;
  }

  return {
    async load(modelId: string, onProgress?: ProgressCallback): Promise<LlmModelInfo> {
      if (modelId !== TEST_ENGINE_ID) {
        throw new AppError('ModelError', `The test engine only loads "${TEST_ENGINE_ID}", not "${modelId}"; pick a real backend for real models.`);
      }
      onProgress?.({ stage: 'model', done: 1, total: 1, unit: 'files', text: 'Test engine ready (no download).', elapsedMs: 0 });
      loaded = { ...info };
      return { ...loaded };
    },

    async info(): Promise<LlmModelInfo | undefined> {
      return loaded && { ...loaded };
    },

    chat(req: ChatRequest): Promise<ChatResponse> {
      return run(async (signal) => {
        const t0 = Date.now();
        cache.clear(); // a chat replaces the single KV sequence
        const promptTokens = estimateMessageTokens(req.messages);
        checkContext(promptTokens);
        const h = hashMessages(req.messages, hash53(`${seed}:${req.decoding?.seed ?? ''}:${req.jsonSchema ? JSON.stringify(req.jsonSchema) : ''}`));
        let text = chatText(req, h);
        let completionTokens = estimateTokens(text);
        let finishReason: ChatResponse['finishReason'] = 'stop';
        const maxTokens = req.decoding?.maxTokens;
        if (maxTokens !== undefined && completionTokens > maxTokens) {
          text = text.slice(0, maxTokens * 4); // as a real model does, even when that breaks JSON
          completionTokens = maxTokens;
          finishReason = 'length';
        }
        await sleep(promptTokens * (options.msPerPromptToken ?? 0) + completionTokens * (options.msPerToken ?? 0), signal);
        stats.promptTokens += promptTokens;
        stats.completionTokens += completionTokens;
        return { text, promptTokens, completionTokens, finishReason, ms: Date.now() - t0 };
      });
    },

    choiceLogprobs(req: ChoiceRequest): Promise<ChoiceResponse> {
      return run(async (signal) => {
        const t0 = Date.now();
        if (req.choices.length === 0) throw new AppError('InputError', 'choiceLogprobs needs at least one choice.');
        const split = lastUserIndex(req.messages);
        const prefix = split > 0 ? req.messages.slice(0, split) : [];
        const prefixTokens = estimateMessageTokens(prefix);
        const promptTokens = estimateMessageTokens(req.messages);
        checkContext(promptTokens);
        const prefixHash = hashMessages(prefix, seed);

        // Prefix cache: a hit needs the same key AND the same prefix text (a real KV cache matches tokens).
        let cachedPromptTokens = 0;
        if (req.prefixKey !== undefined && cacheSize > 0) {
          const hit = cache.get(req.prefixKey);
          if (hit && hit.hash === prefixHash) cachedPromptTokens = hit.tokens;
          cache.delete(req.prefixKey);
          cache.set(req.prefixKey, { hash: prefixHash, tokens: prefixTokens });
          while (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
        } else {
          cache.clear();
        }

        const logprobs = choiceDistribution(req, prefix, prefixHash, seed);
        const rng = rngFrom(hashMessages(req.messages, seed ^ 0x5bd1e995));
        const coverage = 0.85 + 0.14 * rng.next();
        await sleep((promptTokens - cachedPromptTokens) * (options.msPerPromptToken ?? 0) + (options.msPerToken ?? 0), signal);
        stats.promptTokens += promptTokens;
        stats.cachedPromptTokens += cachedPromptTokens;
        stats.completionTokens += 1;
        return { logprobs, coverage, promptTokens, cachedPromptTokens, ms: Date.now() - t0 };
      });
    },

    countTokens(text: string): Promise<number> {
      return run(async () => estimateTokens(text));
    },

    async abort(): Promise<void> {
      session.abort();
      session = new AbortController();
    },

    async unload(): Promise<void> {
      session.abort();
      session = new AbortController();
      loaded = undefined;
      cache.clear();
    },

    stats(): TestEngineStats {
      return { ...stats };
    },
  };
}

/** Property names a questionnaire's JSON answer uses for the chosen scale point. */
const LIKERT_FIELD = /^(answer|response|rating|choice|likert)$/i;

/**
 * JSON-mode questionnaire answers agree with logprob mode: an integer property named like an answer
 * (LIKERT_FIELD) with a small range (≤ 10 points) gets the most likely point of choiceDistribution.
 */
function answerLikertFields(value: JsonValue, schema: Record<string, unknown>, messages: readonly ChatMessage[], seed: number): JsonValue {
  const props = schema['properties'];
  if (value === null || typeof value !== 'object' || Array.isArray(value) || props === null || typeof props !== 'object') return value;
  const split = lastUserIndex(messages);
  const prefix = split > 0 ? messages.slice(0, split) : [];
  for (const [key, sub] of Object.entries(props as Record<string, Record<string, unknown>>)) {
    const lo = sub['minimum'];
    const hi = sub['maximum'];
    if (!LIKERT_FIELD.test(key) || !(key in value) || sub['type'] !== 'integer' || typeof lo !== 'number' || typeof hi !== 'number') continue;
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || hi <= lo || hi - lo > 9) continue;
    const choices = Array.from({ length: hi - lo + 1 }, (_, i) => String(lo + i));
    const lp = choiceDistribution({ messages: [...messages], choices }, prefix, hashMessages(prefix, seed), seed);
    value[key] = lo + lp.indexOf(Math.max(...lp));
  }
  return value;
}

/**
 * log p over the choices. Numeric choices (a Likert scale) peak where the persona's trait level and
 * the item's keying put them: level = 0.6·(hash-derived latent of the persona, fixed per trait, so
 * items of one trait agree) + keyword cues of the persona text ("outgoing", "anxious", ...). Other
 * choices get hash-derived logits. Renormalised with log-sum-exp.
 */
function choiceDistribution(req: ChoiceRequest, prefix: readonly ChatMessage[], prefixHash: number, seed: number): number[] {
  const item = req.messages[lastUserIndex(req.messages)]?.content ?? '';
  const noise = rngFrom(hashMessages(req.messages, seed ^ 0x27d4eb2f));
  const numeric = req.choices.map((c) => Number(c.trim()));
  let logits: number[];
  const keyed = itemKeying(item);
  if (numeric.every((v) => Number.isFinite(v)) && req.choices.length > 1) {
    const lo = Math.min(...numeric);
    const hi = Math.max(...numeric);
    let level = 0;
    if (keyed) {
      const personaText = prefix.length > 0 ? prefix.map((m) => m.content).join('\n') : req.messages.map((m) => m.content).join('\n');
      const latent = rngFrom(hash53(`${keyed.trait}:${prefixHash}`, seed)).next() * 2 - 1;
      level = Math.max(-1, Math.min(1, 0.6 * latent + (traitCues(personaText)[keyed.trait] ?? 0))) * keyed.sign;
    }
    const center = (lo + hi) / 2 + level * (hi - lo) * 0.45;
    const width = Math.max(0.6, (hi - lo) / 4);
    logits = numeric.map((v) => -((v - center) ** 2) / (2 * width * width) + 0.3 * noise.normal());
  } else {
    logits = req.choices.map(() => 1.5 * noise.normal());
  }
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, l) => s + Math.exp(l - m), 0));
  return logits.map((l) => l - lse);
}
