import type { ChatRequest, ChoiceRequest } from '../contracts/llm';
import { AppError } from '../core/errors';
import { snippet } from './net';

/**
 * OpenAI chat-completions wire format, shared by the HTTP backend and the batch JSONL export, so a
 * request sent live and one run offline by vLLM's batch runner are byte-for-byte the same body.
 */

export type OpenAiBody = Record<string, unknown>;

/** Top log-probabilities asked for when scoring choices (the OpenAI API's maximum). */
export const TOP_LOGPROBS = 20;

/**
 * An answer absent from the top tokens is only known to be less likely than the least likely one
 * listed: we put it MISSING_LOGPROB_MARGIN nats (ln 10, one order of magnitude) below that, before
 * renormalising. It adds nothing to `coverage`.
 */
export const MISSING_LOGPROB_MARGIN = Math.log(10);

export function chatBody(model: string, req: ChatRequest): OpenAiBody {
  const d = req.decoding ?? {};
  const body: OpenAiBody = { model, messages: req.messages.map((m) => ({ role: m.role, content: m.content })) };
  if (d.temperature !== undefined) body['temperature'] = d.temperature;
  if (d.topP !== undefined) body['top_p'] = d.topP;
  if (d.maxTokens !== undefined) body['max_tokens'] = d.maxTokens;
  if (d.seed !== undefined) body['seed'] = d.seed;
  if (req.jsonSchema) {
    body['response_format'] = { type: 'json_schema', json_schema: { name: req.jsonSchema.name, schema: req.jsonSchema.schema, strict: true } };
  }
  return body;
}

export function choiceBody(model: string, req: ChoiceRequest): OpenAiBody {
  return {
    model,
    messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
    max_tokens: 1,
    temperature: 0,
    logprobs: true,
    top_logprobs: TOP_LOGPROBS,
  };
}

export interface ParsedCompletion {
  text: string;
  finishReason: 'stop' | 'length';
  promptTokens: number | undefined;
  completionTokens: number | undefined;
  /** Prompt tokens the server served from its prefix cache, when it says so. */
  cachedTokens: number | undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function firstChoice(body: unknown): Record<string, unknown> {
  const choices = isRecord(body) ? body['choices'] : undefined;
  const first: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(first)) {
    throw new AppError('ModelError', `The server's answer has no choices[0]; is this an OpenAI-compatible /v1/chat/completions endpoint? Got: ${snippet(JSON.stringify(body) ?? String(body))}`);
  }
  return first;
}

/** Text, finish reason and token usage of a chat-completions response body. */
export function parseCompletion(body: unknown): ParsedCompletion {
  const choice = firstChoice(body);
  const message = choice['message'];
  const content = isRecord(message) ? message['content'] : undefined;
  const text = typeof content === 'string' ? content : typeof choice['text'] === 'string' ? choice['text'] : '';
  const usage = isRecord(body) && isRecord(body['usage']) ? body['usage'] : {};
  const details = isRecord(usage['prompt_tokens_details']) ? usage['prompt_tokens_details'] : {};
  // vLLM/OpenAI report usage.prompt_tokens_details.cached_tokens; llama.cpp reports timings.cache_n.
  const timings = isRecord(body) && isRecord(body['timings']) ? body['timings'] : {};
  return {
    text,
    finishReason: choice['finish_reason'] === 'length' ? 'length' : 'stop',
    promptTokens: count(usage['prompt_tokens']),
    completionTokens: count(usage['completion_tokens']),
    cachedTokens: count(details['cached_tokens']) ?? count(timings['cache_n']),
  };
}

export interface ParsedChoice {
  logprobs: number[];
  coverage: number;
}

export const NO_LOGPROBS_MESSAGE = 'This endpoint returns no log-probabilities; use JSON answers (the questionnaire\'s JSON mode) instead.';

/**
 * Renormalised log p of each choice from the first generated token's top_logprobs. Tokens are
 * matched after trimming spaces (" 3" and "3" both count for "3", their probabilities added).
 */
export function parseChoiceLogprobs(body: unknown, choices: readonly string[]): ParsedChoice {
  const choice = firstChoice(body);
  const lp = choice['logprobs'];
  const content = isRecord(lp) ? lp['content'] : undefined;
  const first: unknown = Array.isArray(content) ? content[0] : undefined;
  const top = isRecord(first) ? first['top_logprobs'] : undefined;
  if (!Array.isArray(top) || top.length === 0) throw new AppError('ModelError', NO_LOGPROBS_MESSAGE);

  const wanted = new Map(choices.map((c, i) => [c.trim(), i]));
  const mass = new Array<number>(choices.length).fill(0);
  let minSeen = Infinity;
  for (const t of top) {
    if (!isRecord(t) || typeof t['token'] !== 'string' || typeof t['logprob'] !== 'number' || !Number.isFinite(t['logprob'])) continue;
    const logprob = t['logprob'];
    minSeen = Math.min(minSeen, logprob);
    const i = wanted.get(t['token'].trim());
    if (i !== undefined) mass[i]! += Math.exp(logprob);
  }
  if (!Number.isFinite(minSeen)) throw new AppError('ModelError', NO_LOGPROBS_MESSAGE);
  const coverage = Math.min(1, mass.reduce((s, p) => s + p, 0));
  const raw = mass.map((p) => (p > 0 ? Math.log(p) : minSeen - MISSING_LOGPROB_MARGIN));
  const m = Math.max(...raw);
  const lse = m + Math.log(raw.reduce((s, l) => s + Math.exp(l - m), 0));
  return { logprobs: raw.map((l) => l - lse), coverage };
}
