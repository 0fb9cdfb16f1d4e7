import type { ChatRequest, ChatResponse, ChoiceRequest, ChoiceResponse, LlmModelInfo, LlmService } from '../contracts/llm';
import type { ProgressCallback } from '../contracts/progress';
import { AppError } from '../core/errors';
import { isLoopback, sleep, snippet } from './net';
import { chatBody, choiceBody, NO_LOGPROBS_MESSAGE, parseChoiceLogprobs, parseCompletion } from './openai';
import { estimateMessageTokens, estimateTokens } from './tokens';

/**
 * LlmService over an OpenAI-compatible HTTP server running on this machine: llama.cpp's
 * `llama-server` (port 8080, the default here), Ollama (11434), vLLM (8000), LM Studio (1234).
 *
 * Privacy: post text must not leave the device by accident, so a non-loopback base URL is refused
 * inside the backend (not only in the UI) unless the caller sets `allowRemote: true`.
 */
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';

/** Default ports of common local servers, for hints in the UI. */
export const COMMON_LOCAL_SERVERS: readonly { name: string; baseUrl: string }[] = [
  { name: 'llama.cpp server', baseUrl: 'http://127.0.0.1:8080' },
  { name: 'Ollama', baseUrl: 'http://127.0.0.1:11434' },
  { name: 'vLLM', baseUrl: 'http://127.0.0.1:8000' },
  { name: 'LM Studio', baseUrl: 'http://127.0.0.1:1234' },
];

export interface HttpBackendOptions {
  /** Server root, with or without a trailing /v1. Default http://127.0.0.1:8080. */
  baseUrl?: string;
  /** Sent as `Authorization: Bearer …`; never logged or put in the manifest. */
  apiKey?: string;
  /** Model name the server knows (used until load() names another). */
  model: string;
  /** Permit a non-loopback server: the posts are then sent over the network. Default false. */
  allowRemote?: boolean;
  /** Per-attempt timeout (ms). Default 120 000. A timed-out request is not retried. */
  timeoutMs?: number;
  /** Retries after 429, 5xx and network errors (never after other 4xx). Default 3. */
  maxRetries?: number;
  /** Backoff: min(retryMaxMs, retryBaseMs·2^attempt)·U(0.5, 1) ("equal jitter"). Defaults 500 / 30 000. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Context window to report when the server does not say (vLLM's max_model_len, llama.cpp's n_ctx_train). Default 4096. */
  contextWindow?: number;
  /** Injected fetch (tests, or a proxy-aware fetch). Default globalThis.fetch. */
  fetch?: typeof fetch;
  /** Jitter source in [0, 1). Default Math.random (jitter needs no reproducibility). */
  random?: () => number;
}

/** The checked server root: throws InputError for a non-http(s) URL or a remote host without opt-in. */
export function checkBaseUrl(baseUrl: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new AppError('InputError', `"${baseUrl}" is not a URL; use e.g. ${DEFAULT_BASE_URL}.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new AppError('InputError', `The model server URL must start with http:// or https://, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new AppError('InputError', 'Put the server key in the API key field, not in the URL (user:password@ is not accepted).');
  }
  if (!allowRemote && !isLoopback(url)) {
    throw new AppError(
      'InputError',
      `Post text would leave this device: ${url.host} is not a loopback address (127.0.0.1, localhost, [::1]). ` +
        'Run the model server on this machine, or opt in explicitly (allowRemote) if you accept sending the posts there.',
    );
  }
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

interface Reply {
  status: number;
  json: unknown;
}

class Retryable extends Error {
  constructor(readonly error: AppError, readonly retryAfterMs: number | undefined) {
    super(error.message);
  }
}

export function createHttpBackend(options: HttpBackendOptions): LlmService {
  const allowRemote = options.allowRemote === true;
  const root = checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, allowRemote);
  const host = root.host;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxRetries = Math.max(0, options.maxRetries ?? 3);
  const retryBaseMs = options.retryBaseMs ?? 500;
  const retryMaxMs = options.retryMaxMs ?? 30_000;
  const random = options.random ?? Math.random;
  const fetchFn = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init));
  let model = options.model;
  let loaded: LlmModelInfo | undefined;
  let exactTokens = false;
  // abort() fires this signal and replaces it, so later calls are unaffected.
  let session = new AbortController();

  function endpoint(path: string): string {
    const url = new URL(root.href);
    url.pathname = `${root.pathname.replace(/\/+$/, '')}${path}`;
    // Defence in depth: every request re-checks the address it is about to contact.
    checkBaseUrl(url.href, allowRemote);
    return url.href;
  }

  async function attempt(path: string, body: unknown, signal: AbortSignal): Promise<Reply> {
    const ctrl = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      ctrl.abort();
    }, timeoutMs);
    const onAbort = (): void => ctrl.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
    let res: Response;
    let text: string;
    try {
      if (signal.aborted) throw new AppError('AbortError', 'Cancelled.');
      res = await fetchFn(endpoint(path), { method: body === undefined ? 'GET' : 'POST', headers, body: body === undefined ? undefined : JSON.stringify(body), signal: ctrl.signal, redirect: 'manual' });
      text = await res.text();
    } catch (e) {
      if (signal.aborted) throw new AppError('AbortError', 'Cancelled.');
      if (timedOut) throw new AppError('ModelError', `${host}${path} gave no answer within ${Math.round(timeoutMs / 1000)} s; raise the timeout or use a smaller model.`);
      if (e instanceof AppError) throw e;
      const why = e instanceof Error ? e.message : String(e);
      throw new Retryable(new AppError('ModelError', `Could not reach the model server at ${host} (${why}); is it running?`), undefined);
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    }
    // Never follow a redirect: it could send the posts to another host (browsers report status 0).
    if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
      throw new AppError('ModelError', `${host}${path} redirected (HTTP ${res.status}); redirects are not followed so posts cannot leave for another host. Use the final address as the base URL.`);
    }
    if (res.status === 429 || res.status >= 500) {
      const after = Number(res.headers.get('retry-after'));
      throw new Retryable(new AppError('ModelError', `${host}${path} answered HTTP ${res.status}: ${snippet(text)}`), Number.isFinite(after) && after > 0 ? after * 1000 : undefined);
    }
    if (!res.ok) throw statusError(res.status, path, text);
    try {
      return { status: res.status, json: JSON.parse(text) as unknown };
    } catch {
      throw new AppError('ModelError', `${host}${path} answered with malformed JSON: ${snippet(text) || '(empty body)'}`);
    }
  }

  function statusError(status: number, path: string, text: string): AppError {
    if (status === 401 || status === 403) return new AppError('ModelError', `${host} refused the request (HTTP ${status}); check the API key.`);
    if (status === 404) {
      return new AppError('ModelError', `${host}${path} does not exist (HTTP 404); is this an OpenAI-compatible server (llama.cpp, Ollama, vLLM, LM Studio)? ${snippet(text, 120)}`);
    }
    return new AppError('ModelError', `${host} rejected the request (HTTP ${status}): ${snippet(text)}`);
  }

  /** One call with retries on 429/5xx/network errors, exponential backoff with jitter. */
  async function request(path: string, body?: unknown, retries = maxRetries): Promise<Reply> {
    const signal = session.signal;
    for (let i = 0; ; i++) {
      try {
        return await attempt(path, body, signal);
      } catch (e) {
        if (!(e instanceof Retryable)) throw e;
        if (i >= retries) {
          throw new AppError('ModelError', `${e.error.message} (gave up after ${i + 1} attempt${i === 0 ? '' : 's'})`);
        }
        const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** i) * (0.5 + 0.5 * random());
        await sleep(Math.min(retryMaxMs, Math.max(backoff, e.retryAfterMs ?? 0)), signal);
      }
    }
  }

  async function tokenize(text: string): Promise<number> {
    // llama.cpp reads `content`, vLLM reads `prompt`; both answer with a `tokens` array (vLLM also `count`).
    const { json } = await request('/tokenize', { content: text, prompt: text, model, add_special: false }, 0);
    const rec = json as { tokens?: unknown; count?: unknown };
    if (typeof rec.count === 'number') return rec.count;
    if (Array.isArray(rec.tokens)) return rec.tokens.length;
    throw new AppError('ModelError', `${host}/tokenize answered without tokens: ${snippet(JSON.stringify(json))}`);
  }

  return {
    async load(modelId: string, onProgress?: ProgressCallback): Promise<LlmModelInfo> {
      const t0 = Date.now();
      const wanted = modelId || options.model;
      const { json } = await request('/v1/models');
      const data = (json as { data?: unknown }).data;
      const entries = Array.isArray(data) ? data.filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object') : [];
      const entry = entries.find((d) => d['id'] === wanted);
      if (!entry) {
        const ids = entries.map((d) => String(d['id']));
        throw new AppError('ModelError', `${host} does not serve "${wanted}". Available: ${ids.length ? ids.join(', ') : '(none)'}; pick one of these or start the server with that model.`);
      }
      model = wanted;
      const meta = (entry['meta'] ?? {}) as Record<string, unknown>;
      const ctx = [options.contextWindow, entry['max_model_len'], meta['n_ctx_train'], entry['context_length']].find((v): v is number => typeof v === 'number' && v > 0);
      try {
        await tokenize('hello');
        exactTokens = true;
      } catch (e) {
        if (e instanceof AppError && e.name === 'AbortError') throw e;
        exactTokens = false;
      }
      loaded = {
        id: model,
        backend: 'http',
        contextWindow: ctx ?? 4096,
        supportsLogprobs: true,
        supportsJsonSchema: true,
        // Assumed: llama.cpp (cache_prompt), vLLM (prefix caching) and Ollama reuse a shared prefix; the
        // measured number is ChoiceResponse.cachedPromptTokens, where the server reports it.
        supportsPrefixReuse: true,
        tokenCounter: exactTokens ? 'exact' : 'estimate',
      };
      onProgress?.({ stage: 'model', done: 1, total: 1, unit: 'models', text: `Connected to ${model} at ${host}.`, elapsedMs: Date.now() - t0 });
      return { ...loaded };
    },

    async info(): Promise<LlmModelInfo | undefined> {
      return loaded && { ...loaded };
    },

    async chat(req: ChatRequest): Promise<ChatResponse> {
      const t0 = Date.now();
      const { json } = await request('/v1/chat/completions', chatBody(model, req));
      const p = parseCompletion(json);
      return {
        text: p.text,
        promptTokens: p.promptTokens ?? estimateMessageTokens(req.messages),
        completionTokens: p.completionTokens ?? estimateTokens(p.text),
        finishReason: p.finishReason,
        ms: Date.now() - t0,
      };
    },

    async choiceLogprobs(req: ChoiceRequest): Promise<ChoiceResponse> {
      const t0 = Date.now();
      if (req.choices.length === 0) throw new AppError('InputError', 'choiceLogprobs needs at least one choice.');
      const { json } = await request('/v1/chat/completions', choiceBody(model, req));
      let choice;
      try {
        choice = parseChoiceLogprobs(json, req.choices);
      } catch (e) {
        if (loaded && e instanceof AppError && e.message === NO_LOGPROBS_MESSAGE) loaded.supportsLogprobs = false;
        throw e;
      }
      const p = parseCompletion(json);
      return {
        logprobs: choice.logprobs,
        coverage: choice.coverage,
        promptTokens: p.promptTokens ?? estimateMessageTokens(req.messages),
        cachedPromptTokens: p.cachedTokens ?? 0,
        ms: Date.now() - t0,
      };
    },

    async countTokens(text: string): Promise<number> {
      if (!exactTokens) return estimateTokens(text);
      return tokenize(text);
    },

    async abort(): Promise<void> {
      session.abort();
      session = new AbortController();
    },

    async unload(): Promise<void> {
      session.abort();
      session = new AbortController();
      loaded = undefined;
      exactTokens = false;
    },
  };
}
