/**
 * LLM backends behind the one LlmService contract (src/contracts/llm.ts): the deterministic test
 * engine, the OpenAI-compatible HTTP backend, and offline batch JSONL. The web-llm backend lives in
 * ./webllm and is imported from there (it pulls in @mlc-ai/web-llm).
 */
export { createTestEngine, TEST_ENGINE_ID, TEST_ENGINE_REGISTRY_NOTE } from './test-engine';
export type { InjectedFailure, TestEngine, TestEngineOptions, TestEngineStats } from './test-engine';
export { checkBaseUrl, COMMON_LOCAL_SERVERS, createHttpBackend, DEFAULT_BASE_URL } from './http-backend';
export type { HttpBackendOptions } from './http-backend';
export { isLoopback } from './net';
export {
  BATCH_URL,
  batchLine,
  chatResponseFromRow,
  choiceResponseFromRow,
  decodeCustomId,
  encodeCustomId,
  exportBatchJsonl,
  exportBatchLines,
  importBatchResults,
  judgeCustomId,
  miningCustomId,
  questionnaireCustomId,
  readLines,
  streamChunks,
} from './batch';
export type { BatchImport, BatchImportReport, BatchItem, BatchResultRow } from './batch';
export { chatBody, choiceBody, MISSING_LOGPROB_MARGIN, parseChoiceLogprobs, parseCompletion, TOP_LOGPROBS } from './openai';
export { generateFromSchema, validateJson } from './json-schema';
export type { JsonValue } from './json-schema';
export { estimateMessageTokens, estimateTokens, TOKENS_PER_MESSAGE } from './tokens';
export { describeBackend, urlHost } from './describe';
export type { BackendDescription } from './describe';
