/**
 * What every stage function receives besides its input: the LLM, the loaded model's description
 * (for provenance and the context budget) and the cancel signal.
 */
import type { DecodingOptions, LlmModelInfo, LlmService } from '../../contracts/llm';
import { AppError, throwIfAborted } from '../errors';
import type { PromptRef } from './prompts';
import type { StageProvenance } from './types';

export interface StageContext {
  llm: LlmService;
  model: LlmModelInfo;
  signal?: AbortSignal;
}

/** Loaded model of `llm`, or a ModelError that says what to do. */
export async function requireModel(llm: LlmService): Promise<LlmModelInfo> {
  const info = await llm.info();
  if (!info) throw new AppError('ModelError', 'No model is loaded. Load a model before running the persona stages.');
  return info;
}

/**
 * Runs one LLM call so that the signal cancels it: checked before, and llm.abort() on abort while
 * it is in flight (the backend then rejects with AbortError).
 */
export async function withAbort<T>(signal: AbortSignal | undefined, llm: LlmService, call: () => Promise<T>): Promise<T> {
  throwIfAborted(signal);
  if (!signal) return call();
  const onAbort = (): void => void llm.abort().catch(() => {});
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    return await call();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

export function provenance(model: LlmModelInfo, prompt: PromptRef, decoding: DecodingOptions, seed: number): StageProvenance {
  return { modelId: model.id, backend: model.backend, prompt, decoding: { ...decoding }, seed, at: new Date().toISOString() };
}
