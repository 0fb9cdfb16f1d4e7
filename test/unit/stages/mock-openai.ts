/**
 * A tiny OpenAI-compatible server on 127.0.0.1 for the pipeline CLI test: /v1/models,
 * /v1/chat/completions (plain text, JSON-schema answers, top_logprobs), no /tokenize (404, so the
 * backend estimates tokens). It simulates a prefix cache: a request whose system message equals the
 * previous one reports that message's tokens as cached.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const MOCK_MODEL = 'mock-7b';

/** ~190 words, English, no repeated trigrams, no identifiers: passes the default rule checks. */
export const MOCK_PERSONA = [
  'This author is a woman in her late twenties who works long shifts at a busy hospital ward and writes mostly late at night.',
  'She cares deeply about her younger brother, worries about money, and plans small treats for the weekends when she is off.',
  'Her interests include gardening on a tiny balcony, old mystery novels, cheap travel by train, and cooking for friends.',
  'She values honesty, hard work and loyalty, and she is impatient with people who complain without trying to change anything.',
  'Most days follow a routine of early alarms, strong coffee, a crowded bus ride and a quiet walk home through the park.',
  'Socially she keeps a close circle of three or four friends, answers messages slowly, and prefers long talks to parties.',
  'When something goes wrong at work she vents in short, dry sentences, then turns the story into a joke by the end of the post.',
  'Her writing style is plain and direct, with frequent lists, rhetorical questions and the occasional burst of capital letters.',
  'Over the months her tone moves from tired frustration towards calmer reflection as she settles into a new role.',
].join(' ');

export interface MockServer {
  url: string;
  requests: Record<string, unknown>[];
  close(): Promise<void>;
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619) >>> 0;
  return h;
}

export async function startMockOpenAi(): Promise<MockServer> {
  const requests: Record<string, unknown>[] = [];
  let lastSystem = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = (status: number, json: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(json));
      };
      if (req.method === 'GET' && req.url === '/v1/models') return send(200, { object: 'list', data: [{ id: MOCK_MODEL, object: 'model', max_model_len: 8192 }] });
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return send(404, { error: { message: 'not found' } });
      const b = JSON.parse(body) as { messages: { role: string; content: string }[]; logprobs?: boolean; response_format?: { json_schema: { name: string } } };
      requests.push(b as unknown as Record<string, unknown>);
      const system = b.messages.find((m) => m.role === 'system')?.content ?? '';
      const promptTokens = Math.ceil(b.messages.reduce((s, m) => s + m.content.length, 0) / 4);
      const cached = system === lastSystem ? Math.ceil(system.length / 4) : 0;
      lastSystem = system;
      const usage = { prompt_tokens: promptTokens, completion_tokens: 1, prompt_tokens_details: { cached_tokens: cached } };
      const last = b.messages[b.messages.length - 1]!.content;
      if (b.logprobs) {
        const peak = 1 + (hash(system + last) % 5);
        const top = ['1', '2', '3', '4', '5'].map((t, i) => ({ token: t, logprob: -Math.abs(i + 1 - peak) - 0.5 }));
        top.push({ token: 'The', logprob: -4 });
        return send(200, { choices: [{ index: 0, message: { role: 'assistant', content: String(peak) }, finish_reason: 'length', logprobs: { content: [{ token: String(peak), logprob: -0.5, top_logprobs: top }] } }], usage });
      }
      let content = MOCK_PERSONA;
      const schema = b.response_format?.json_schema.name;
      if (schema === 'persona_judgement') content = JSON.stringify({ faithfulness: 5, consistency: 4 + (hash(last) % 2), specificity: 4, rationale: 'Supported by the posts.' });
      else if (schema === 'likert_answer') content = JSON.stringify({ answer: 1 + (hash(last) % 5) });
      return send(200, { choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }], usage: { ...usage, completion_tokens: Math.ceil(content.length / 4) } });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
