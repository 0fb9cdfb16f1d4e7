import { describe, expect, it } from 'vitest';
import * as llm from '../../../src/llm';

describe('describeBackend', () => {
  it('records model, backend and host only: never the key, credentials or path', async () => {
    const url = 'http://127.0.0.1:11434/v1?key=sk-abc';
    const b = llm.createHttpBackend({ baseUrl: url, apiKey: 'sk-abc', model: 'llama3.1:8b', fetch: async () => new Response('{"data":[{"id":"llama3.1:8b"}]}') });
    const info = await b.load('llama3.1:8b');
    const d = llm.describeBackend(info, { baseUrl: url });
    expect(d).toEqual({ modelId: 'llama3.1:8b', backend: 'http', host: '127.0.0.1:11434', tokenCounter: 'estimate' });
    expect(JSON.stringify(d)).not.toMatch(/sk-abc|v1/);
    const withCreds = 'http://user:secret@127.0.0.1:8080/';
    expect(JSON.stringify(llm.describeBackend(info, { baseUrl: withCreds }))).not.toMatch(/user|secret/);
    expect(() => llm.createHttpBackend({ baseUrl: withCreds, model: 'm' })).toThrow(/API key field/);
  });

  it('describes the test engine without a host', async () => {
    const e = llm.createTestEngine();
    expect(llm.describeBackend(await e.load(llm.TEST_ENGINE_ID), { baseUrl: 'http://127.0.0.1:1' })).toEqual({ modelId: 'test-engine', backend: 'test', tokenCounter: 'estimate' });
  });
});
