import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../../src/contracts/llm';
import {
  chatResponseFromRow,
  choiceResponseFromRow,
  decodeCustomId,
  encodeCustomId,
  exportBatchJsonl,
  importBatchResults,
  miningCustomId,
  questionnaireCustomId,
  readLines,
  streamChunks,
  type BatchItem,
} from '../../../src/llm/batch';
import { createTestEngine, TEST_ENGINE_ID } from '../../../src/llm/test-engine';

const enc = new TextEncoder();

/** Splits bytes into chunks of `size`, cutting through multi-byte characters. */
function chunked(text: string, size: number): Uint8Array[] {
  const bytes = enc.encode(text);
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

const persona: ChatMessage = { role: 'system', content: 'You are Zoë: calm, organised, a nurse.' };
const MINE = { customId: miningCustomId('blogs-2004', 'author:1000331'), chat: { messages: [{ role: 'user', content: 'Write a persona from these posts: gardening, sourdough.' }] as ChatMessage[], decoding: { temperature: 0.7, maxTokens: 400, seed: 1 } } };
const ITEMS: BatchItem[] = [
  MINE,
  { customId: questionnaireCustomId('p/7', 'EXT1'), choice: { messages: [persona, { role: 'user', content: 'Am the life of the party.' }], choices: ['1', '2', '3', '4', '5'], prefixKey: 'p/7' } },
  { customId: questionnaireCustomId('p/7', 'EST1'), choice: { messages: [persona, { role: 'user', content: 'Get stressed out easily.' }], choices: ['1', '2', '3', '4', '5'], prefixKey: 'p/7' } },
];

/** What vLLM's run_batch would write for one input line, answered by the test engine. */
async function runLine(line: string, i: number): Promise<string> {
  const req = JSON.parse(line) as { custom_id: string; url: string; method: string; body: { messages: ChatMessage[]; logprobs?: boolean } };
  expect(req).toMatchObject({ method: 'POST', url: '/v1/chat/completions' });
  const e = createTestEngine();
  await e.load(TEST_ENGINE_ID);
  let body: unknown;
  if (req.body.logprobs) {
    const r = await e.choiceLogprobs({ messages: req.body.messages, choices: ['1', '2', '3', '4', '5'] });
    const top = r.logprobs.map((l, k) => ({ token: String(k + 1), logprob: l + Math.log(r.coverage) }));
    body = { choices: [{ message: { content: '3' }, finish_reason: 'length', logprobs: { content: [{ token: '3', logprob: -1, top_logprobs: top }] } }], usage: { prompt_tokens: r.promptTokens, completion_tokens: 1 } };
  } else {
    const r = await e.chat({ messages: req.body.messages });
    body = { choices: [{ message: { content: r.text }, finish_reason: 'stop' }], usage: { prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens } };
  }
  return JSON.stringify({ id: `vllm-${i}`, custom_id: req.custom_id, response: { status_code: 200, request_id: `r${i}`, body }, error: null });
}

describe('custom_id scheme', () => {
  it('round-trips any parts, keeping ids ASCII and unambiguous', () => {
    fc.assert(
      fc.property(fc.constantFrom('mine', 'q', 'judge'), fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 4 }), (stage, parts) => {
        const id = encodeCustomId(stage, ...parts);
        expect(id).toMatch(/^[\x20-\x7e]*$/);
        expect(id.split(':')).toHaveLength(parts.length + 1);
        expect(decodeCustomId(id)).toEqual({ stage, parts });
      }),
    );
    expect(miningCustomId('c1', 'a:b')).toBe('mine:c1:a%3Ab');
    expect(questionnaireCustomId('p 1', 'EXT1')).toBe('q:p%201:EXT1');
    expect(() => encodeCustomId('Mine:x')).toThrow(/lower-case word/);
    expect(() => decodeCustomId('q:%E0%A4%A')).toThrow(/%-escape/);
  });
});

describe('batch export → vLLM-style run → import', () => {
  it('exports OpenAI batch lines and imports the results back by custom_id', async () => {
    const jsonl = exportBatchJsonl(ITEMS, 'Qwen/Qwen2.5-7B-Instruct');
    const lines = jsonl.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(first).toEqual({
      custom_id: 'mine:blogs-2004:author%3A1000331',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'Qwen/Qwen2.5-7B-Instruct', messages: MINE.chat.messages, temperature: 0.7, max_tokens: 400, seed: 1 },
    });
    expect(JSON.parse(lines[1]!).body).toMatchObject({ logprobs: true, top_logprobs: 20, max_tokens: 1 });

    // Results in another order, as bytes cut into 7-byte chunks (splits "ë" and lines).
    const out = (await Promise.all(lines.map(runLine))).reverse().join('\r\n') + '\r\n';
    const { results, report } = await importBatchResults(chunked(out, 7), ITEMS.map((i) => i.customId));
    expect(report).toEqual({ lines: 3, ok: 3, missing: [], duplicate: [], unknown: [], malformed: [], failed: [] });

    const mined = chatResponseFromRow(results.get(ITEMS[0]!.customId)!);
    const engine = createTestEngine();
    await engine.load(TEST_ENGINE_ID);
    expect(mined.text).toBe((await engine.chat({ messages: MINE.chat.messages })).text);
    const answer = choiceResponseFromRow(results.get(ITEMS[1]!.customId)!, ['1', '2', '3', '4', '5']);
    const direct = await engine.choiceLogprobs({ messages: (ITEMS[1] as { choice: { messages: ChatMessage[] } }).choice.messages, choices: ['1', '2', '3', '4', '5'] });
    answer.logprobs.forEach((l, k) => expect(l).toBeCloseTo(direct.logprobs[k]!, 10));
    expect(answer.coverage).toBeCloseTo(direct.coverage, 10);
    expect(results.get(ITEMS[0]!.customId)!.line).toBe(3);
  });

  it('refuses duplicate custom_ids on export', () => {
    expect(() => exportBatchJsonl([ITEMS[0]!, ITEMS[0]!], 'm')).toThrow(/appears twice/);
  });

  it('reports missing, duplicate, unknown, failed and malformed rows with line numbers', async () => {
    const ok = (id: string) => JSON.stringify({ custom_id: id, response: { status_code: 200, body: { choices: [{ message: { content: 'x' }, finish_reason: 'stop' }] } }, error: null });
    const file = [
      ok('q:a:EXT1'), // 1
      '{"custom_id": "q:a:EXT2", "response": {', // 2 truncated
      '', // 3 blank: skipped, not malformed
      ok('q:a:EXT1'), // 4 duplicate
      ok('q:zz:EXT1'), // 5 unknown
      JSON.stringify({ custom_id: 'q:a:EXT3', response: { status_code: 500, body: { error: 'oom' } }, error: null }), // 6 failed
      JSON.stringify({ custom_id: 'q:a:EXT4', response: null, error: { message: 'context length exceeded' } }), // 7 failed
      JSON.stringify({ response: {} }), // 8 no id
      JSON.stringify({ custom_id: 'q:a:EXT5', response: { status_code: 200, body: { object: 'error' } }, error: null }), // 9 no choices
      ok('q:a:EXT1'), // 10 duplicate again
    ].join('\n');
    const seen: string[] = [];
    const expected = ['q:a:EXT1', 'q:a:EXT2', 'q:a:EXT3', 'q:a:EXT4', 'q:a:EXT5', 'q:a:EXT6'];
    const { results, report } = await importBatchResults([file], expected, { onRow: (r) => void seen.push(r.customId) });
    expect([...results.keys()]).toEqual(['q:a:EXT1']);
    expect(seen).toEqual(['q:a:EXT1']);
    expect(report.lines).toBe(9);
    expect(report.ok).toBe(1);
    // EXT2's only line is broken JSON, so it is missing; EXT5 has a row, reported as malformed with its id.
    expect(report.missing).toEqual(['q:a:EXT2', 'q:a:EXT6']);
    expect(report.duplicate).toEqual([{ customId: 'q:a:EXT1', lines: [1, 4, 10] }]);
    expect(report.unknown).toEqual([{ customId: 'q:zz:EXT1', line: 5 }]);
    expect(report.failed).toEqual([
      { customId: 'q:a:EXT3', line: 6, statusCode: 500, message: expect.stringContaining('oom') },
      { customId: 'q:a:EXT4', line: 7, statusCode: undefined, message: 'context length exceeded' },
    ]);
    expect(report.malformed.map((m) => m.line)).toEqual([2, 8, 9]);
    expect(report.malformed[0]!.reason).toMatch(/not JSON/);
    expect(report.malformed[2]).toMatchObject({ customId: 'q:a:EXT5', reason: expect.stringMatching(/choices/) });
  });

  it('streams a large single-chunk file in linear time', async () => {
    const row = JSON.stringify({ custom_id: 'x', response: { status_code: 200, body: { choices: [{ message: { content: 'y' } }] } }, error: null });
    const n = 50_000; // quadratic slicing would copy ~150 GB here
    const ids = Array.from({ length: n }, (_, i) => `q:p${i}:EXT1`);
    const file = ids.map((id) => row.replace('"x"', JSON.stringify(id))).join('\n');
    const t0 = Date.now();
    const { report } = await importBatchResults([file], ids, { keep: false });
    expect(report).toMatchObject({ lines: n, ok: n, missing: [], malformed: [] });
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('reads lines from a ReadableStream and from a file without a final newline', async () => {
    const text = 'α\r\nβγ\n\nδ';
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (const part of chunked(text, 1)) c.enqueue(part);
        c.close();
      },
    });
    const got: { text: string; line: number }[] = [];
    for await (const l of readLines(streamChunks(stream))) got.push(l);
    expect(got).toEqual([{ text: 'α', line: 1 }, { text: 'βγ', line: 2 }, { text: '', line: 3 }, { text: 'δ', line: 4 }]);
  });
});
