/**
 * The model-cache half of the worker API: list, delete and import run in the LLM worker, where
 * web-llm is loaded anyway, so the page never loads web-llm's 6 MB bundle. (Cache Storage and
 * IndexedDB are per origin: what the worker writes, the page and web-llm see.)
 */
import type { AppConfig, ModelRecord } from '@mlc-ai/web-llm';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError } from '../../core/errors';
import { deleteCachedModel, importModelFolder, listCachedModels, type CachedModel } from './cache';
import type { FolderFile } from './folder';

export interface ModelCacheWorkerApi {
  /** Every model this web-llm build can load (web-llm's prebuilt list plus configured extras). */
  records(): Promise<ModelRecord[]>;
  listCached(): Promise<CachedModel[]>;
  deleteCached(modelId: string): Promise<void>;
  /** Rejects with AbortError after cancelImport(); nothing is kept then. */
  importFolder(files: FolderFile[], modelId: string, onProgress?: ProgressCallback): Promise<{ bytes: number }>;
  cancelImport(): Promise<void>;
}

export function createModelCacheApi(appConfig: () => Promise<AppConfig>): ModelCacheWorkerApi {
  let importing: AbortController | undefined;
  const find = async (id: string): Promise<{ record: ModelRecord; cfg: AppConfig }> => {
    const cfg = await appConfig();
    const record = cfg.model_list.find((r) => r.model_id === id);
    if (!record) throw new AppError('InputError', `web-llm has no model "${id}". Pick one from the list.`);
    return { record, cfg };
  };
  return {
    async records() {
      return (await appConfig()).model_list;
    },
    async listCached() {
      const cfg = await appConfig();
      return listCachedModels(cfg.model_list, cfg);
    },
    async deleteCached(id) {
      const { record, cfg } = await find(id);
      await deleteCachedModel(record, cfg.model_list, cfg);
    },
    async importFolder(files, id, onProgress) {
      const { record, cfg } = await find(id);
      const controller = new AbortController();
      importing = controller;
      try {
        return await importModelFolder(files, record, cfg, onProgress, controller.signal);
      } finally {
        if (importing === controller) importing = undefined;
      }
    },
    async cancelImport() {
      importing?.abort();
    },
  };
}
