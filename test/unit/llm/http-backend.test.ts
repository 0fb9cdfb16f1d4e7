import { afterEach, describe, expect, it, vi } from 'vitest';
import { createHttpBackend, DEFAULT_BASE_URL, type HttpBackendOptions } from '../../../src/llm/http-backend';
import { isLoopback } from '../../../src/llm/net';
import { MISSING_LOGPROB_MARGIN } from '../../../src/llm/openai';
import { completion, logprobCompletion, startMockServer, type MockHandler, type MockServer } from './mock-server';

let server: MockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function backend(handler: MockHandler, opts: Partial<HttpBackendOptions> = {}) {
  server = await startMockServer(handler);
  return createHttpBackend({ baseUrl: server.baseUrl, model: 'qwen2.5-7b', retryBaseMs: 40, timeoutMs: 5000, ...opts });
}

const MESSAGES = [
  { role: 'system' as const, content: 'You are the persona.' },
  { role: 'user' as const, content: 'Am the life of the party. Answer 1-5.' },
];
const LIKERT = ['1', '2', '3', '4', '5'];

describe('isLoopback', () => {
  it('accepts loopback addresses only', () => {
    for (const u of ['http://127.0.0.1:8080', 'http://127.5.6.7/', 'http://localhost:11434', 'http://LOCALHOST./', 'http://[::1]:8000', 'http://2130706433/', 'http://[::ffff:127.0.0.1]/', 'http://api.localhost/']) {
      expect(isLoopback(u), u).toBe(true);
    }
    for (const u of ['http://10.0.0.2:8080', 'http://192.168.1.5', 'https://api.openai.com/v1', 'http://[::2]/', 'http://127.0.0.1.example.com/', 'http://localhost.example.com', 'not a url', 'http://[::ffff:10.0.0.1]/']) {
      expect(isLoopback(u), u).toBe(false);
    }
  });
});

describe('privacy rule', () => {
  it('refuses a non-loopback server before any request, unless allowRemote', async () => {
    const spy = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response(JSON.stringify(completion('hi')), { status: 200 }));
    const make = (allowRemote?: boolean) => createHttpBackend({ baseUrl: 'https://llm.example.org/v1', model: 'm', fetch: spy, allowRemote });
    expect(() => make()).toThrow(expect.objectContaining({ name: 'InputError', message: expect.stringMatching(/^Post text would leave this device: llm\.example\.org.*opt in explicitly/) }));
    expect(() => make(false)).toThrow(/would leave this device/);
    expect(spy).not.toHaveBeenCalled();

    const remote = make(true);
    const r = await remote.chat({ messages: MESSAGES });
    expect(r.text).toBe('hi');
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0]?.[0]).toBe('https://llm.example.org/v1/chat/completions');
  });

  it('defaults to llama.cpp on 127.0.0.1:8080 and refuses non-http schemes', async () => {
    expect(DEFAULT_BASE_URL).toBe('http://127.0.0.1:8080');
    const spy = vi.fn(async (_url: RequestInfo | URL, _init?: RequestInit) => new Response(JSON.stringify(completion('ok'))));
    await createHttpBackend({ model: 'm', fetch: spy }).chat({ messages: MESSAGES });
    expect(spy.mock.calls[0]?.[0]).toBe('http://127.0.0.1:8080/v1/chat/completions');
    expect(() => createHttpBackend({ baseUrl: 'file:///etc/passwd', model: 'm', fetch: spy })).toThrow(expect.objectContaining({ name: 'InputError' }));
  });
});

describe('HTTP backend against a local mock server', () => {
  it('chats and sends the OpenAI body, with the API key as a bearer token', async () => {
    const b = await backend(() => ({ json: completion('Hello there.') }), { apiKey: 'sk-local' });
    const r = await b.chat({ messages: MESSAGES, decoding: { temperature: 0.7, topP: 0.9, maxTokens: 300, seed: 11 } });
    expect(r).toMatchObject({ text: 'Hello there.', promptTokens: 42, completionTokens: 7, finishReason: 'stop' });
    const seen = server!.requests[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.path).toBe('/v1/chat/completions');
    expect(seen.headers['authorization']).toBe('Bearer sk-local');
    expect(seen.body).toEqual({ model: 'qwen2.5-7b', messages: MESSAGES, temperature: 0.7, top_p: 0.9, max_tokens: 300, seed: 11 });
  });

  it('sends a strict json_schema response_format and reports finish_reason length', async () => {
    const b = await backend(() => ({ json: { choices: [{ message: { content: '{"score": 4' }, finish_reason: 'length' }] } }));
    const schema = { type: 'object', properties: { score: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['score'] };
    const r = await b.chat({ messages: MESSAGES, jsonSchema: { name: 'judge', schema } });
    expect(r.finishReason).toBe('length');
    expect(r.completionTokens).toBe(Math.ceil('{"score": 4'.length / 4)); // no usage → estimate
    expect((server!.requests[0]!.body as Record<string, unknown>)['response_format']).toEqual({ type: 'json_schema', json_schema: { name: 'judge', schema, strict: true } });
  });

  it('reads choice logprobs from the first token, matching after trimming spaces', async () => {
    const top = [
      { token: '4', logprob: Math.log(0.5) },
      { token: ' 4', logprob: Math.log(0.1) },
      { token: '3', logprob: Math.log(0.2) },
      { token: 'I', logprob: Math.log(0.1) },
      { token: '5', logprob: Math.log(0.05) },
      { token: '2', logprob: Math.log(0.03) },
    ];
    const b = await backend(() => ({ json: logprobCompletion(top, { usage: { prompt_tokens: 120, completion_tokens: 1, prompt_tokens_details: { cached_tokens: 96 } } }) }));
    const r = await b.choiceLogprobs({ messages: MESSAGES, choices: LIKERT, prefixKey: 'p1' });
    const body = server!.requests[0]!.body as Record<string, unknown>;
    expect(body).toMatchObject({ logprobs: true, top_logprobs: 20, max_tokens: 1 });
    expect(r.coverage).toBeCloseTo(0.88, 10);
    // "1" is absent: min seen log p (ln 0.03) minus the margin, then renormalised.
    const raw = [Math.log(0.03) - MISSING_LOGPROB_MARGIN, Math.log(0.03), Math.log(0.2), Math.log(0.6), Math.log(0.05)];
    const z = raw.reduce((s, l) => s + Math.exp(l), 0);
    r.logprobs.forEach((l, i) => expect(l).toBeCloseTo(raw[i]! - Math.log(z), 10));
    expect(r.logprobs.map(Math.exp).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 12);
    expect(r).toMatchObject({ promptTokens: 120, cachedPromptTokens: 96 });
  });

  it('reads llama.cpp timings.cache_n as cached tokens', async () => {
    const b = await backend(() => ({ json: logprobCompletion([{ token: '3', logprob: -0.1 }], { timings: { cache_n: 80, prompt_n: 40 } }) }));
    const r = await b.choiceLogprobs({ messages: MESSAGES, choices: LIKERT });
    expect(r.cachedPromptTokens).toBe(80);
  });

  it('rejects with ModelError when the server returns no log-probabilities', async () => {
    const b = await backend(() => ({ json: completion('4') }));
    await b.load('qwen2.5-7b').catch(() => undefined);
    await expect(b.choiceLogprobs({ messages: MESSAGES, choices: LIKERT })).rejects.toMatchObject({
      name: 'ModelError',
      message: expect.stringContaining('this endpoint returns no log-probabilities; use JSON answers'.replace('this', 'This')),
    });
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    const b = await backend((_r, i) => (i === 0 ? { status: 500, text: 'overloaded' } : { json: completion('ok') }), { random: () => 1 });
    await expect(b.chat({ messages: MESSAGES })).resolves.toMatchObject({ text: 'ok' });
    const [a, c] = server!.requests;
    expect(server!.requests).toHaveLength(2);
    expect(c!.at - a!.at).toBeGreaterThanOrEqual(35); // retryBaseMs 40 × (0.5 + 0.5·1)
  });

  it('honours Retry-After on 429 and gives up after maxRetries', async () => {
    const b = await backend(() => ({ status: 429, text: 'slow down', headers: { 'retry-after': '0.1' } }), { maxRetries: 2, retryBaseMs: 1 });
    const t0 = Date.now();
    await expect(b.chat({ messages: MESSAGES })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/HTTP 429.*gave up after 3 attempts/) });
    expect(server!.requests).toHaveLength(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
  });

  it('does not follow a redirect to another host', async () => {
    const b = await backend(() => ({ status: 307, text: '', headers: { location: 'http://127.0.0.2:9/v1/chat/completions' } }));
    await expect(b.chat({ messages: MESSAGES })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('redirects are not followed') });
    expect(server!.requests).toHaveLength(1);
  });

  it('abort() also cancels a retry waiting in backoff', async () => {
    const b = await backend(() => ({ status: 503, text: 'busy' }), { retryBaseMs: 5000, random: () => 0 });
    const t0 = Date.now();
    const pending = b.chat({ messages: MESSAGES });
    setTimeout(() => void b.abort(), 150);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(server!.requests).toHaveLength(1);
  });

  it('does not retry a 400', async () => {
    const b = await backend(() => ({ status: 400, json: { error: { message: 'response_format not supported' } } }));
    await expect(b.chat({ messages: MESSAGES })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('response_format not supported') });
    expect(server!.requests).toHaveLength(1);
  });

  it('says to check the key on 401', async () => {
    const b = await backend(() => ({ status: 401, text: 'no' }));
    await expect(b.chat({ messages: MESSAGES })).rejects.toThrow(/check the API key/);
    expect(server!.requests).toHaveLength(1);
  });

  it('times out a slow answer without retrying', async () => {
    const b = await backend(() => ({ delayMs: 2000, json: completion('late') }), { timeoutMs: 100 });
    const t0 = Date.now();
    await expect(b.chat({ messages: MESSAGES })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('no answer within') });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(server!.requests).toHaveLength(1);
  });

  it('abort() rejects the request in flight with AbortError, and later calls work', async () => {
    const b = await backend((_r, i) => (i === 0 ? { delayMs: 2000, json: completion('late') } : { json: completion('next') }));
    const pending = b.chat({ messages: MESSAGES });
    setTimeout(() => void b.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b.chat({ messages: MESSAGES })).resolves.toMatchObject({ text: 'next' });
  });

  it('reports malformed JSON with a snippet', async () => {
    const b = await backend(() => ({ text: '<html>502 Bad Gateway from proxy</html>' }));
    await expect(b.chat({ messages: MESSAGES })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('malformed JSON: <html>502 Bad Gateway') });
    expect(server!.requests).toHaveLength(1);
  });

  it('reports a network error after retries', async () => {
    server = await startMockServer(() => ({ json: {} }));
    const url = server.baseUrl;
    await server.close();
    server = undefined;
    const b = createHttpBackend({ baseUrl: url, model: 'm', maxRetries: 1, retryBaseMs: 1 });
    await expect(b.chat({ messages: MESSAGES })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/Could not reach the model server.*gave up after 2 attempts/) });
  });

  it('load() lists the available models when the wanted one is missing', async () => {
    const b = await backend((r) => (r.path === '/v1/models' ? { json: { object: 'list', data: [{ id: 'llama3.1:8b' }, { id: 'mistral' }] } } : { status: 404, text: 'nope' }));
    await expect(b.load('qwen2.5-7b')).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('Available: llama3.1:8b, mistral') });
    expect(await b.info()).toBeUndefined();
  });

  it('load() reads the context window and uses /tokenize when the server has it (llama.cpp)', async () => {
    const b = await backend((r) => {
      if (r.path === '/v1/models') return { json: { data: [{ id: 'qwen2.5-7b', meta: { n_ctx_train: 32768 } }] } };
      if (r.path === '/tokenize') return { json: { tokens: [1, 2, 3] } };
      return { status: 404, text: 'nope' };
    });
    expect(await b.load('qwen2.5-7b')).toMatchObject({ id: 'qwen2.5-7b', backend: 'http', contextWindow: 32768, tokenCounter: 'exact' });
    expect(await b.countTokens('whatever text')).toBe(3);
    expect(server!.requests.at(-1)!.body).toMatchObject({ content: 'whatever text' });
  });

  it('load() falls back to the estimate without /tokenize (Ollama), accepting a /v1 base URL', async () => {
    server = await startMockServer((r) => (r.path === '/v1/models' ? { json: { data: [{ id: 'llama3.1:8b' }] } } : { status: 404, text: '404 page not found' }));
    const b = createHttpBackend({ baseUrl: `${server.baseUrl}/v1/`, model: 'llama3.1:8b', retryBaseMs: 1 });
    expect(await b.load('llama3.1:8b')).toMatchObject({ tokenCounter: 'estimate', contextWindow: 4096 });
    const before = server.requests.length;
    expect(await b.countTokens('abcdefghij')).toBe(3);
    expect(server.requests.length).toBe(before);
    expect(server.requests.map((r) => r.path)).toEqual(['/v1/models', '/tokenize']);
  });
});
