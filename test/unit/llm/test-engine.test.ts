import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/contracts/llm';
import { isAppError } from '../../../src/core/errors';
import { createTestEngine, TEST_ENGINE_ID, TEST_ENGINE_REGISTRY_NOTE } from '../../../src/llm/test-engine';
import { validateJson } from '../../../src/llm/json-schema';

const POSTS = [
  'Spent the whole weekend hiking near the lake with my sister, then baked sourdough bread until midnight.',
  'Our band practised again tonight; the drummer keeps rushing the chorus but the new guitar riff sounds great.',
  'Work at the library was slow, so I catalogued old gardening magazines and planned tomatoes for spring.',
  'Contact me at jane.doe@example.com or see http://example.com/blog for the photos. Jane Smith says hi.',
].join('\n\n');

const MINING: ChatMessage[] = [
  { role: 'system', content: 'You write a persona: a third-person narrative of the blog author, based only on the posts.' },
  { role: 'user', content: `Posts:\n${POSTS}` },
];

function words(text: string): string[] {
  return text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').split(/\s+/).filter(Boolean);
}

function ngrams(ws: string[], n: number): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i + n <= ws.length; i++) out.add(ws.slice(i, i + n).join(' '));
  return out;
}

async function loaded(opts: Parameters<typeof createTestEngine>[0] = {}) {
  const e = createTestEngine(opts);
  await e.load(TEST_ENGINE_ID);
  return e;
}

describe('test engine', () => {
  it('cannot be mistaken for a real model', async () => {
    const e = createTestEngine();
    expect(await e.info()).toBeUndefined();
    await expect(e.chat({ messages: MINING })).rejects.toMatchObject({ name: 'ModelError' });
    await expect(e.load('Llama-3.2-1B-Instruct-q4f32_1-MLC')).rejects.toMatchObject({ name: 'ModelError' });
    const info = await e.load(TEST_ENGINE_ID);
    expect(info).toMatchObject({ id: 'test-engine', backend: 'test', supportsPrefixReuse: true, tokenCounter: 'estimate' });
    expect(TEST_ENGINE_REGISTRY_NOTE.listInUi).toBe(false);
  });

  it('writes a deterministic, content-dependent 150–250-word persona without copying the posts', async () => {
    const e = await loaded();
    const a = await e.chat({ messages: MINING });
    const b = await (await loaded()).chat({ messages: MINING });
    expect(a.text).toBe(b.text);
    const n = words(a.text).length;
    expect(n).toBeGreaterThanOrEqual(150);
    expect(n).toBeLessThanOrEqual(250);
    expect(a.text).toMatch(/\b(sourdough|guitar|gardening|library|hiking)\b/);
    expect(a.text).not.toMatch(/jane|example\.com|@|http/i);
    const source = ngrams(words(POSTS + ' ' + MINING[0]!.content), 8);
    for (const g of ngrams(words(a.text), 8)) expect(source.has(g)).toBe(false);

    const other = await e.chat({ messages: [MINING[0]!, { role: 'user', content: 'Posts:\nI repair vintage motorcycles and race them on weekends; chess tournaments fill my evenings.' }] });
    expect(other.text).not.toBe(a.text);
    expect(other.text).toMatch(/motorcycles|chess|tournaments|vintage/);
    expect(a.promptTokens).toBeGreaterThan(0);
    expect(a.completionTokens).toBe(Math.ceil(a.text.length / 4));
    expect(a.finishReason).toBe('stop');
  });

  it('depends on the engine seed and the decoding seed', async () => {
    const base = (await (await loaded()).chat({ messages: MINING })).text;
    expect((await (await loaded({ seed: 7 })).chat({ messages: MINING })).text).not.toBe(base);
    expect((await (await loaded()).chat({ messages: MINING, decoding: { seed: 3 } })).text).not.toBe(base);
  });

  it('answers a JSON-schema request with valid JSON', async () => {
    const e = await loaded();
    const schema = {
      type: 'object',
      properties: {
        faithfulness: { type: 'integer', minimum: 1, maximum: 5 },
        specificity: { type: 'integer', minimum: 1, maximum: 5 },
        verdict: { enum: ['keep', 'reject'] },
        reason: { type: 'string', maxLength: 40 },
      },
      required: ['faithfulness', 'specificity', 'verdict', 'reason'],
      additionalProperties: false,
    };
    const r = await e.chat({ messages: MINING, jsonSchema: { name: 'judge', schema } });
    expect(validateJson(JSON.parse(r.text), schema)).toEqual([]);
  });

  it('answers JSON-mode Likert items in line with the persona text', async () => {
    const e = await loaded();
    const schema = { type: 'object', properties: { answer: { type: 'integer', minimum: 1, maximum: 5 } }, required: ['answer'] };
    const answer = async (persona: string) =>
      (JSON.parse((await e.chat({ messages: [{ role: 'system', content: persona }, { role: 'user', content: 'Am the life of the party.' }], jsonSchema: { name: 'likert', schema } })).text) as { answer: number }).answer;
    const outgoing = await answer('Outgoing, sociable, talkative, lively and energetic; the life of the party.');
    const shy = await answer('Shy, quiet, reserved and introverted; solitary by choice.');
    expect(outgoing).toBeGreaterThanOrEqual(4);
    expect(shy).toBeLessThanOrEqual(2);
  });

  it('queues concurrent calls in order, and abort() cancels the running and queued ones', async () => {
    const e = await loaded({ msPerToken: 2 });
    const order: number[] = [];
    const calls = [0, 1, 2].map((i) => e.chat({ messages: [{ role: 'user', content: `call ${i}` }] }).then(() => order.push(i)));
    await Promise.all(calls);
    expect(order).toEqual([0, 1, 2]);
    const a = e.chat({ messages: MINING });
    const b = e.chat({ messages: MINING });
    setTimeout(() => void e.abort(), 20);
    await expect(a).rejects.toMatchObject({ name: 'AbortError' });
    await expect(b).rejects.toMatchObject({ name: 'AbortError' });
    await expect(e.countTokens('abcd')).resolves.toBe(1);
  });

  it('truncates at maxTokens with finishReason length', async () => {
    const e = await loaded();
    const r = await e.chat({ messages: MINING, decoding: { maxTokens: 10 } });
    expect(r).toMatchObject({ finishReason: 'length', completionTokens: 10 });
    expect(r.text.length).toBe(40);
  });

  it('returns normalised choice logprobs that follow the persona text', async () => {
    const e = await loaded();
    const choices = ['1', '2', '3', '4', '5'];
    const ask = async (persona: string, item: string) => {
      const r = await e.choiceLogprobs({
        messages: [{ role: 'system', content: persona }, { role: 'user', content: `Statement: "${item}" Answer 1-5.` }],
        choices,
      });
      const p = r.logprobs.map(Math.exp);
      expect(p.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 10);
      expect(r.coverage).toBeGreaterThan(0.8);
      expect(r.coverage).toBeLessThanOrEqual(1);
      return p.reduce((s, x, i) => s + x * (i + 1), 0);
    };
    const outgoing = 'She is outgoing, sociable and talkative, the life of every party, lively and energetic.';
    const shy = 'He is shy, quiet and reserved, an introvert who prefers solitary evenings.';
    const anxious = 'They are anxious, nervous and easily stressed; they worry constantly.';
    expect(await ask(outgoing, 'Am the life of the party.')).toBeGreaterThan(await ask(shy, 'Am the life of the party.'));
    expect(await ask(outgoing, "Don't talk a lot.")).toBeLessThan(await ask(shy, "Don't talk a lot."));
    expect(await ask(anxious, 'Get stressed out easily.')).toBeGreaterThan(3.5);
    // Deterministic
    expect(await ask(shy, 'Am the life of the party.')).toBe(await ask(shy, 'Am the life of the party.'));
  });

  it('accounts for the reused prefix per prefixKey', async () => {
    const e = await loaded();
    const persona: ChatMessage = { role: 'system', content: 'Persona: a retired teacher who loves gardening. '.repeat(20) };
    const q = (item: string, key: string | undefined, p = persona) =>
      e.choiceLogprobs({ messages: [p, { role: 'user', content: item }], choices: ['1', '2', '3', '4', '5'], prefixKey: key });
    const first = await q('Am the life of the party.', 'p1');
    expect(first.cachedPromptTokens).toBe(0);
    const second = await q('Worry about things.', 'p1');
    const prefixTokens = Math.ceil(persona.content.length / 4) + 4;
    expect(second.cachedPromptTokens).toBe(prefixTokens);
    expect(second.promptTokens).toBeGreaterThan(prefixTokens);
    // Another persona evicts the single cached sequence.
    const other: ChatMessage = { role: 'system', content: 'Persona: a young nurse.' };
    expect((await q('Worry about things.', 'p2', other)).cachedPromptTokens).toBe(0);
    expect((await q('Worry about things.', 'p1')).cachedPromptTokens).toBe(0);
    // Same key but changed prefix text is not a hit.
    expect((await q('Worry about things.', 'p1', other)).cachedPromptTokens).toBe(0);
    // No key: no reuse.
    expect((await q('Worry about things.', undefined)).cachedPromptTokens).toBe(0);
    const s = e.stats();
    expect(s.calls).toBe(6);
    expect(s.cachedPromptTokens).toBe(prefixTokens);

    const big = await loaded({ prefixCacheEntries: 2 });
    const qb = (key: string, p: ChatMessage) => big.choiceLogprobs({ messages: [p, { role: 'user', content: 'x' }], choices: ['1', '2'], prefixKey: key });
    await qb('a', persona);
    await qb('b', other);
    expect((await qb('a', persona)).cachedPromptTokens).toBe(prefixTokens);
  });

  it('injects failures: a ModelError on call N, and device loss that unloads', async () => {
    const e = await loaded({ failures: { 2: 'model-error', 4: 'device-lost' } });
    await e.chat({ messages: MINING });
    await expect(e.chat({ messages: MINING })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('call 2') });
    await e.chat({ messages: MINING });
    const lost = await e.chat({ messages: MINING }).catch((err: unknown) => err);
    expect(isAppError(lost, 'GpuError')).toBe(true);
    expect(await e.info()).toBeUndefined();
    await expect(e.chat({ messages: MINING })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('load(') });
    await e.load(TEST_ENGINE_ID);
    await expect(e.chat({ messages: MINING })).resolves.toMatchObject({ finishReason: 'stop' });
  });

  it('simulates latency and aborts mid-call', async () => {
    const e = await loaded({ msPerToken: 5 });
    const t0 = Date.now();
    const pending = e.chat({ messages: MINING });
    setTimeout(() => void e.abort(), 30);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(500); // a full answer would take ~300 tokens × 5 ms
    // The engine is usable again after an abort.
    const fast = await loaded();
    await expect(fast.countTokens('abcdefgh')).resolves.toBe(2);
    const r = await e.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(r.ms).toBeGreaterThanOrEqual(r.completionTokens * 5 - 2);
  });

  it('refuses prompts longer than the context window', async () => {
    const e = await loaded({ contextWindow: 50 });
    await expect(e.chat({ messages: MINING })).rejects.toMatchObject({ name: 'ModelError', message: expect.stringContaining('context window') });
  });
});

describe('test engine personas (property)', () => {
  it('stay 150–250 words and never copy 8 consecutive words, whatever the posts', async () => {
    const vocab = ['the', 'garden', 'was', 'quiet', 'today', 'and', 'my', 'cat', 'slept', 'Anna', 'baked', 'bread', 'http://x.io/a', 'me@x.io', 'running', 'marathon', 'coffee', 'physics', 'exam'];
    const e = await loaded();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...vocab), { minLength: 0, maxLength: 400 }), async (ws) => {
        const posts = ws.join(' ');
        const r = await e.chat({ messages: [MINING[0]!, { role: 'user', content: `Posts:\n${posts}` }] });
        const n = words(r.text).length;
        expect(n).toBeGreaterThanOrEqual(150);
        expect(n).toBeLessThanOrEqual(250);
        expect(r.text).not.toMatch(/Anna|x\.io|@/);
        const source = ngrams(words(posts), 8);
        for (const g of ngrams(words(r.text), 8)) expect(source.has(g)).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});
