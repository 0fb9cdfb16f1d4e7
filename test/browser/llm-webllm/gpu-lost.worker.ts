/** A stand-in LLM worker whose chat always reports a lost GPU device; each instance has its own id. */
import { expose } from 'comlink';
import { AppError } from '../../../src/core/errors';
import type { ModelCacheWorkerApi } from '../../../src/llm/webllm/cache-api';
import type { WebLlmApi } from '../../../src/llm/webllm/engine';

const instance = Math.random().toString(36).slice(2);

const api: Omit<WebLlmApi, keyof ModelCacheWorkerApi> = {
  configure: async () => {},
  load: async (id) => ({ id: `${id}@${instance}`, backend: 'webllm', contextWindow: 1024, supportsLogprobs: true, supportsJsonSchema: true, supportsPrefixReuse: false }),
  info: async () => undefined,
  chat: async () => {
    throw new AppError('GpuError', 'The GPU stopped running the model (device lost).');
  },
  choiceLogprobs: async () => {
    throw new AppError('ModelError', 'unused');
  },
  countTokens: async () => 0,
  abort: async () => {},
  unload: async () => {},
  stats: async () => ({ decodeTokensPerS: undefined, prefillTokensPerS: undefined, generatedTokens: 0 }),
};

expose(api);
