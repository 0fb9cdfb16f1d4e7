import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the mock server saw. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  at: number;
}

export interface MockReply {
  status?: number;
  json?: unknown;
  /** Raw body instead of json (for malformed answers). */
  text?: string;
  headers?: Record<string, string>;
  /** Wait this long before answering (timeouts). */
  delayMs?: number;
}

export type MockHandler = (req: SeenRequest, index: number) => MockReply;

export interface MockServer {
  baseUrl: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

/**
 * An OpenAI-style server on 127.0.0.1 with a random free port. Answers at most `maxRequests`
 * requests (then 503), so a retry bug cannot spin forever; tests must close() it.
 */
export async function startMockServer(handler: MockHandler, maxRequests = 50): Promise<MockServer> {
  const requests: SeenRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        /* keep raw */
      }
      const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, at: Date.now() };
      requests.push(seen);
      const reply: MockReply = requests.length > maxRequests ? { status: 503, text: 'mock server: request limit reached' } : handler(seen, requests.length - 1);
      const send = (): void => {
        if (res.destroyed) return;
        const payload = reply.text ?? JSON.stringify(reply.json ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(payload);
      };
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send();
        }, reply.delayMs);
        timers.add(t);
      } else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function completion(content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'cmpl-1',
    object: 'chat.completion',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
    ...extra,
  };
}

export function logprobCompletion(top: { token: string; logprob: number }[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const first = top[0] ?? { token: '', logprob: 0 };
  return {
    choices: [{ index: 0, message: { role: 'assistant', content: first.token }, finish_reason: 'length', logprobs: { content: [{ ...first, top_logprobs: top }] } }],
    usage: { prompt_tokens: 120, completion_tokens: 1 },
    ...extra,
  };
}
