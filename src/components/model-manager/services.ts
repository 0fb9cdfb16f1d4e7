/**
 * The real services behind <model-manager>: web-llm's prebuilt model list, the cache functions of
 * src/llm/webllm/cache.ts and a WebLlmService (the LLM worker). web-llm (≈7 MB) is imported lazily,
 * on the first call, so building these costs nothing at start-up.
 */
import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import { WebLlmService } from '../../services/llm-service';
import type { ModelServices } from './context';

export interface WebLlmModelServicesOptions {
  /** The LlmService the stages use; share it so the model loaded here is the one they call. */
  llm?: WebLlmService;
  cacheBackend?: AppConfig['cacheBackend'];
}

export function createWebLlmModelServices(options: WebLlmModelServicesOptions = {}): ModelServices {
  const cacheBackend = options.cacheBackend ?? 'cache';
  const llm = options.llm ?? new WebLlmService({ config: { cacheBackend } });
  let list: Promise<ModelRecord[]> | undefined;
  const records = (): Promise<ModelRecord[]> => (list ??= import('@mlc-ai/web-llm').then((m) => m.prebuiltAppConfig.model_list));
  const record = async (id: string): Promise<ModelRecord> => {
    const r = (await records()).find((x) => x.model_id === id);
    if (!r) throw new Error(`web-llm has no model "${id}".`);
    return r;
  };
  return {
    records,
    llm,
    cache: {
      async list() {
        const { listCachedModels } = await import('../../llm/webllm/cache');
        return listCachedModels(await records(), { cacheBackend });
      },
      async remove(id) {
        const { deleteCachedModel } = await import('../../llm/webllm/cache');
        const all = await records();
        await deleteCachedModel(await record(id), all, { model_list: all, cacheBackend });
      },
      async importFolder(files, id, onProgress, signal) {
        const { importModelFolder } = await import('../../llm/webllm/cache');
        return importModelFolder(files, await record(id), { cacheBackend }, onProgress, signal);
      },
    },
  };
}
