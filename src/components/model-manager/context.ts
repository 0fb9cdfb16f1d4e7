import { createContext } from '@lit/context';
import type { ModelRecord } from '@mlc-ai/web-llm';
import type { LlmModelInfo } from '../../contracts/llm';
import type { ProgressCallback } from '../../contracts/progress';
import type { CachedModel } from '../../llm/webllm/cache';
import type { EngineStats } from '../../llm/webllm/engine';
import type { FolderFile } from '../../llm/webllm/folder';

/**
 * What <model-manager> needs: the web-llm model list, the model cache (list, delete, import a
 * folder) and the LLM service (load with progress, cancel, unload, tokens/s). The shell provides
 * them under `modelServicesContext` (createWebLlmModelServices() in ./services.ts builds the real
 * ones); tests set the element's `services` property directly. The test engine is never listed:
 * models come from web-llm's prebuilt list only.
 */
export interface ModelCacheApi {
  list(): Promise<CachedModel[]>;
  remove(modelId: string): Promise<void>;
  importFolder(files: FolderFile[], modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<{ bytes: number }>;
}

export interface ModelLlmApi {
  load(modelId: string, onProgress?: ProgressCallback, signal?: AbortSignal): Promise<LlmModelInfo>;
  abort(): Promise<void>;
  info(): Promise<LlmModelInfo | undefined>;
  stats(): Promise<EngineStats | undefined>;
  unload(): Promise<void>;
}

export interface ModelServices {
  records(): Promise<ModelRecord[]>;
  cache: ModelCacheApi;
  llm: ModelLlmApi;
}

export const modelServicesContext = createContext<ModelServices | undefined>(Symbol('model-services'));
