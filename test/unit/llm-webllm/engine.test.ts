/**
 * The web-llm API object with a fake engine that answers in web-llm's own shapes (progress texts,
 * ChatCompletion with top_logprobs and usage.extra). The real engine runs in the browser tests.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type {
  ChatCompletion,
  ChatCompletionRequestNonStreaming,
  Completion,
  CompletionCreateParamsNonStreaming,
  InitProgressCallback,
  ModelRecord,
} from '@mlc-ai/web-llm';
import { createWebLlmApi, toAppError, type EngineLike } from '../../../src/llm/webllm/engine';
import { choiceGrammar, choiceMass, renormalise } from '../../../src/llm/webllm/choices';
import { loadPhase, progressTracker } from '../../../src/llm/webllm/load-progress';
import type { Progress } from '../../../src/contracts/progress';

const record: ModelRecord = {
  model: 'https://huggingface.co/mlc-ai/Fake-3B-Instruct-q4f32_1-MLC',
  model_id: 'Fake-3B-Instruct-q4f32_1-MLC',
  model_lib: 'https://example.invalid/Fake.wasm',
  vram_required_MB: 3000,
  overrides: { context_window_size: 4096 },
};

type Top = Array<{ token: string; logprob: number }>;

class FakeEngine implements EngineLike {
  cb: InitProgressCallback | undefined;
  requests: ChatCompletionRequestNonStreaming[] = [];
  prompts: string[] = [];
  reloadGate: Promise<void> = Promise.resolve();
  unloaded = 0;
  constructor(private readonly tops: Top[] = []) {}
  setInitProgressCallback(cb?: InitProgressCallback): void {
    this.cb = cb;
  }
  async reload(): Promise<void> {
    this.cb?.({ progress: 0, timeElapsed: 0, text: 'Start to fetch params' });
    this.cb?.({ progress: 0.5, timeElapsed: 1, text: 'Fetching param cache[1/2]: 1000MB fetched. 50% completed, 1 secs elapsed.' });
    await this.reloadGate;
    this.cb?.({ progress: 1, timeElapsed: 2, text: 'Loading GPU shader modules[3/4]: 75% completed' });
  }
  releaseOnUnload: (() => void) | undefined;
  chatError: Error | undefined;
  async unload(): Promise<void> {
    this.unloaded++;
    this.releaseOnUnload?.(); // web-llm's unload() aborts a running reload, which then returns
  }
  interruptGenerate(): void {}
  async chatCompletion(req: ChatCompletionRequestNonStreaming): Promise<ChatCompletion> {
    this.requests.push(req);
    if (this.chatError) throw this.chatError;
    const top = this.tops.shift() ?? [];
    return {
      id: 'x',
      object: 'chat.completion',
      created: 0,
      model: record.model_id,
      choices: [
        {
          index: 0,
          finish_reason: req.max_tokens === 1 ? 'length' : 'stop',
          message: { role: 'assistant', content: '{"ok":true}' },
          logprobs: req.logprobs ? { content: [{ token: top[0]?.token ?? '', bytes: [], logprob: top[0]?.logprob ?? 0, top_logprobs: top.map((t) => ({ ...t, bytes: [] })) }] } : null,
        },
      ],
      usage: {
        prompt_tokens: 40,
        completion_tokens: 7,
        total_tokens: 47,
        extra: { e2e_latency_s: 1, prefill_tokens_per_s: 900, decode_tokens_per_s: 31.5, time_to_first_token_s: 0.1, time_per_output_token_s: 0.03 },
      },
    } as ChatCompletion;
  }
  async completion(req: CompletionCreateParamsNonStreaming): Promise<Completion> {
    this.prompts.push(String(req.prompt));
    const n = String(req.prompt).split(' ').length + 1; // one BOS + a word per token
    if (n > 10) throw Object.assign(new Error(`Prompt tokens exceed context window size: number of prompt tokens: ${n}; context window size: 10`), { name: 'ContextWindowSizeExceededError' });
    return { id: 'c', object: 'text_completion', created: 0, model: record.model_id, choices: [], usage: { prompt_tokens: n, completion_tokens: 1, total_tokens: n + 1 } } as unknown as Completion;
  }
}

function apiWith(engine: FakeEngine, extra: { stallMs?: number; isCached?: () => Promise<boolean> } = {}) {
  return createWebLlmApi({ createEngine: async () => engine, prebuilt: async () => [record], ...extra });
}

afterEach(() => vi.unstubAllGlobals());

describe('load', () => {
  it('reports bytes with an estimate marked ≈ when the manifest is not readable, then shaders', async () => {
    const engine = new FakeEngine();
    const api = apiWith(engine);
    const seen: Progress[] = [];
    // Node has no Cache Storage: the manifest read fails quietly and the registry estimate is used.
    const info = await api.load(record.model_id, (p) => seen.push(p));
    expect(info).toMatchObject({ id: record.model_id, backend: 'webllm', contextWindow: 4096, supportsLogprobs: true, supportsJsonSchema: true, supportsPrefixReuse: false });
    const dl = seen.find((p) => p.stage === 'model-download');
    expect(dl?.unit).toBe('bytes');
    expect(dl?.total).toBe(Math.round((3e9 * 5) / 8));
    expect(dl?.done).toBe(Math.round(0.5 * (dl?.total ?? 0)));
    expect(dl?.text).toContain('≈');
    expect(seen.at(-1)).toMatchObject({ stage: 'model-compile', done: 3, total: 4, unit: 'shaders' });
  });

  it('turns a cancelled download into AbortError (web-llm itself returns normally)', async () => {
    const engine = new FakeEngine();
    let release!: () => void;
    engine.reloadGate = new Promise((r) => (release = r));
    const api = apiWith(engine);
    const run = api.load(record.model_id);
    await new Promise((r) => setTimeout(r, 0));
    await api.abort();
    release();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(engine.unloaded).toBe(1);
    expect(await api.info()).toBeUndefined();
  });

  it('stops a load that makes no progress with a ModelError instead of hanging', async () => {
    const engine = new FakeEngine();
    engine.reloadGate = new Promise((r) => (engine.releaseOnUnload = r));
    const api = apiWith(engine, { stallMs: 50 });
    await expect(api.load(record.model_id)).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/stalled: nothing arrived/) });
    expect(engine.unloaded).toBe(1);
  });

  it('fails at once when offline and the model is not cached', async () => {
    vi.stubGlobal('navigator', { onLine: false });
    const engine = new FakeEngine();
    const api = apiWith(engine, { isCached: async () => false });
    await expect(api.load(record.model_id)).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/offline.*import the model folder/) });
    const cachedApi = apiWith(new FakeEngine(), { isCached: async () => true });
    await expect(cachedApi.load(record.model_id)).resolves.toMatchObject({ id: record.model_id });
  });

  it('reports a GPU device lost after loading as GpuError and forgets the model', async () => {
    const engine = new FakeEngine();
    const api = apiWith(engine);
    await api.load(record.model_id);
    engine.chatError = Object.assign(new Error('Model not loaded'), { name: 'ModelNotLoadedError' });
    await expect(api.chat({ messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ name: 'GpuError', message: expect.stringMatching(/device lost/) });
    expect(await api.info()).toBeUndefined();
  });

  it('rejects unknown ids and calls before a load with ModelError', async () => {
    const api = apiWith(new FakeEngine());
    await expect(api.load('Nope')).rejects.toMatchObject({ name: 'ModelError' });
    await expect(api.chat({ messages: [] })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringMatching(/No model is loaded/) });
  });
});

describe('chat, choices, tokens', () => {
  it('passes the JSON schema as web-llm response_format and reports tokens/s', async () => {
    const engine = new FakeEngine();
    const api = apiWith(engine);
    await api.load(record.model_id);
    const res = await api.chat({ messages: [{ role: 'user', content: 'x' }], jsonSchema: { name: 'p', schema: { type: 'object' } }, decoding: { temperature: 0.7, seed: 3, maxTokens: 50 } });
    expect(res).toMatchObject({ text: '{"ok":true}', promptTokens: 40, completionTokens: 7, finishReason: 'stop' });
    expect(engine.requests[0]).toMatchObject({ response_format: { type: 'json_object', schema: '{"type":"object"}' }, temperature: 0.7, seed: 3, max_tokens: 50 });
    expect((await api.stats()).decodeTokensPerS).toBe(31.5);
  });

  it('reads choice probabilities from one pass when all choices are in the top 5', async () => {
    const top: Top = [
      { token: '4', logprob: Math.log(0.5) },
      { token: '3', logprob: Math.log(0.2) },
      { token: ' 4', logprob: Math.log(0.1) },
      { token: '5', logprob: Math.log(0.1) },
      { token: '2', logprob: Math.log(0.05) },
    ];
    const engine = new FakeEngine([top]);
    const api = apiWith(engine);
    await api.load(record.model_id);
    const res = await api.choiceLogprobs({ messages: [{ role: 'user', content: 'q' }], choices: ['2', '3', '4', '5'] });
    expect(engine.requests).toHaveLength(1);
    expect(engine.requests[0]).toMatchObject({ max_tokens: 1, temperature: 1, top_p: 1, logprobs: true, top_logprobs: 5 });
    expect(res.coverage).toBeCloseTo(0.95);
    expect(res.logprobs.map(Math.exp)).toEqual([0.05, 0.2, 0.6, 0.1].map((p) => expect.closeTo(p / 0.95, 9)));
    expect(res.cachedPromptTokens).toBe(0);
  });

  it('asks again under a choice grammar when a choice is missing from the top 5', async () => {
    const first: Top = [
      { token: 'I', logprob: Math.log(0.6) },
      { token: '3', logprob: Math.log(0.2) },
    ];
    const second: Top = ['1', '2', '3', '4', '5'].map((t, i) => ({ token: t, logprob: Math.log([0.1, 0.1, 0.5, 0.2, 0.1][i] ?? 0) }));
    const engine = new FakeEngine([first, second]);
    const api = apiWith(engine);
    await api.load(record.model_id);
    const res = await api.choiceLogprobs({ messages: [{ role: 'user', content: 'q' }], choices: ['1', '2', '3', '4', '5'] });
    expect(engine.requests).toHaveLength(2);
    expect(engine.requests[1]?.response_format).toEqual({ type: 'grammar', grammar: 'root ::= "1" | "2" | "3" | "4" | "5"' });
    expect(res.logprobs.map(Math.exp)[2]).toBeCloseTo(0.5);
    expect(res.coverage).toBeCloseTo(0.2);
    expect(res.promptTokens).toBe(80);
  });

  it('rejects more choices than web-llm can return', async () => {
    const api = apiWith(new FakeEngine());
    await api.load(record.model_id);
    await expect(api.choiceLogprobs({ messages: [], choices: ['1', '2', '3', '4', '5', '6'] })).rejects.toMatchObject({ name: 'InputError' });
  });

  it('counts tokens through the completion API minus the template overhead', async () => {
    const engine = new FakeEngine();
    const api = apiWith(engine);
    await api.load(record.model_id);
    expect(await api.countTokens('one two three')).toBe(3);
    expect(await api.countTokens('x')).toBe(1);
    expect(engine.prompts).toEqual(['a', 'one two three', 'x']); // overhead measured once
    expect(await api.countTokens(Array.from({ length: 20 }, () => 'w').join(' '))).toBe(20); // past the context window
  });
});

describe('helpers', () => {
  it('maps web-llm errors to our kinds with what to do', () => {
    const lost = Object.assign(new Error('lost'), { name: 'DeviceLostError' });
    expect(toAppError(lost, 'M')).toMatchObject({ name: 'GpuError', message: expect.stringMatching(/smaller model/) });
    const f16 = Object.assign(new Error('x'), { name: 'ShaderF16SupportError' });
    expect(toAppError(f16, 'M')).toMatchObject({ name: 'ModelError', message: expect.stringMatching(/q4f32_1/) });
    expect(toAppError(new TypeError('Failed to fetch'), 'M')).toMatchObject({ name: 'ModelError', message: expect.stringMatching(/import the model folder/) });
  });

  it('parses web-llm progress texts and sums choice mass', () => {
    expect(loadPhase('Loading model from cache[3/40]: 100MB loaded.')).toBe('load');
    const t = progressTracker('M', () => 2e9, () => false);
    const p = t.map({ progress: 0.25, timeElapsed: 3, text: 'Fetching param cache[10/40]: 500MB fetched.' }, 1000);
    expect(p).toMatchObject({ done: 5e8, total: 2e9, unit: 'bytes', counts: { shards: 10, shardsTotal: 40 } });
    expect(p.text).not.toContain('≈');
    expect(choiceMass([{ token: ' 1', logprob: Math.log(0.3) }], ['1', '2']).found).toEqual([true, false]);
    expect(() => renormalise([0, 0])).toThrow(/JSON answers/);
    expect(choiceGrammar(['a"b'])).toBe('root ::= "a\\"b"');
  });
});
