/**
 * The real services behind <model-manager>: everything goes through the LLM worker (model list,
 * cache listing/delete/import, load), so web-llm (≈6 MB) is only ever loaded inside the worker.
 */
import type { AppConfig } from '@mlc-ai/web-llm';
import { WebLlmService } from '../../services/llm-service';
import type { ModelServices } from './context';

export interface WebLlmModelServicesOptions {
  /** The LlmService the stages use; share it so the model loaded here is the one they call. */
  llm?: WebLlmService;
  cacheBackend?: AppConfig['cacheBackend'];
}

export function createWebLlmModelServices(options: WebLlmModelServicesOptions = {}): ModelServices {
  const llm = options.llm ?? new WebLlmService({ config: { cacheBackend: options.cacheBackend ?? 'cache' } });
  return {
    records: () => llm.records(),
    llm,
    cache: {
      list: () => llm.listCached(),
      remove: (id) => llm.deleteCached(id),
      importFolder: (files, id, onProgress, signal) => llm.importFolder(files, id, onProgress, signal),
    },
  };
}
