import type { ProgressCallback } from './progress';

/**
 * The one LLM interface every stage (mining, quality, questionnaire, queries) uses. It knows
 * nothing of the backend: web-llm on WebGPU in a worker, an OpenAI-compatible HTTP endpoint, or
 * the deterministic test engine (never offered to users as a model).
 */

export type LlmBackendKind = 'webllm' | 'http' | 'test';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface DecodingOptions {
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  seed?: number;
}

export interface ChatRequest {
  messages: ChatMessage[];
  decoding?: DecodingOptions;
  /** Constrain the output to JSON matching this schema (JSON Schema draft-07 subset). */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
}

export interface ChatResponse {
  text: string;
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
  ms: number;
}

/**
 * Next-token log-probabilities over given single-token choices (e.g. "1".."5") after the
 * conversation plus an assistant-turn prefix. `prefix` names the part of the prompt that repeats
 * across calls (the persona), so a backend with a KV cache prefills it once.
 */
export interface ChoiceRequest {
  messages: ChatMessage[];
  choices: string[];
  /** Stable id of the shared prompt prefix (messages before the last user turn). */
  prefixKey?: string;
}

export interface ChoiceResponse {
  /** log p(choice | prompt), renormalised over the given choices; length = choices.length. */
  logprobs: number[];
  /** Probability mass the choices had among all next tokens before renormalisation (0..1). */
  coverage: number;
  /** Tokens prefilled for this call, and how many of them came from a reused prefix. */
  promptTokens: number;
  cachedPromptTokens: number;
  ms: number;
}

export interface LlmModelInfo {
  id: string;
  backend: LlmBackendKind;
  contextWindow: number;
  supportsLogprobs: boolean;
  supportsJsonSchema: boolean;
  /** True when the backend reuses a prefilled prefix across calls (KV cache). */
  supportsPrefixReuse: boolean;
  /** Where countTokens() gets its numbers: the model's tokenizer, or a documented estimate. */
  tokenCounter?: 'exact' | 'estimate';
}

export interface LlmService {
  /** Loads (downloading if needed) a model; progress in bytes for downloads. */
  load(modelId: string, onProgress?: ProgressCallback): Promise<LlmModelInfo>;
  /** The loaded model, or undefined. */
  info(): Promise<LlmModelInfo | undefined>;
  chat(req: ChatRequest): Promise<ChatResponse>;
  /** Rejects with ModelError when the backend has no log-probabilities (use JSON answers). */
  choiceLogprobs(req: ChoiceRequest): Promise<ChoiceResponse>;
  /** Token count with the loaded model's tokenizer (an estimate only where the backend has none). */
  countTokens(text: string): Promise<number>;
  /** Cooperative abort of the request in flight; it rejects with AbortError. */
  abort(): Promise<void>;
  unload(): Promise<void>;
}
