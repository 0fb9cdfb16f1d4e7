/**
 * The lexical embedder behind the EmbedderService contract, so a worker can `expose()` it and
 * tests can call it directly. Work runs in chunks with a macrotask yield between them, so an
 * `abort()` arriving over comlink is seen before the next chunk.
 */
import type { EmbedderInfo, EmbedderService, Embeddings, EmbedOptions } from '../../contracts/embedder';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError, throwIfAborted } from '../errors';
import { LexicalEmbedder, type LexicalOptions } from './lexical';

/** The model id a user picks for "lexical (no model)"; `info().modelId` then names the fit. */
export const LEXICAL_MODEL_ID = 'lexical';
const CHUNK = 256;

export function createLexicalEmbedderService(options: LexicalOptions = {}): EmbedderService {
  let embedder: LexicalEmbedder | undefined;
  let controller = new AbortController();

  const loaded = (): LexicalEmbedder => {
    if (!embedder) throw new AppError('ModelError', 'No embedder is loaded; load "lexical" first.');
    return embedder;
  };
  const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
  const begin = (): AbortSignal => {
    if (controller.signal.aborted) controller = new AbortController();
    return controller.signal;
  };

  return {
    async load(modelId: string): Promise<EmbedderInfo> {
      if (modelId !== LEXICAL_MODEL_ID) throw new AppError('ModelError', `The lexical backend has only the model "${LEXICAL_MODEL_ID}" (asked for "${modelId}").`);
      embedder = new LexicalEmbedder(options);
      return embedder.info();
    },
    async info(): Promise<EmbedderInfo | undefined> {
      return embedder?.info();
    },
    async fit(texts: string[], onProgress?: ProgressCallback): Promise<EmbedderInfo> {
      const e = loaded();
      const signal = begin();
      const t0 = performance.now();
      onProgress?.({ stage: 'embed-fit', done: 0, total: texts.length, unit: 'texts', text: 'Fitting the lexical embedder', elapsedMs: 0 });
      await yieldToEvents();
      throwIfAborted(signal);
      e.fit(texts, { signal });
      onProgress?.({ stage: 'embed-fit', done: texts.length, total: texts.length, unit: 'texts', text: 'Fitted the lexical embedder', elapsedMs: performance.now() - t0 });
      return e.info();
    },
    async embed(texts: string[], _options?: EmbedOptions, onProgress?: ProgressCallback): Promise<Embeddings> {
      const e = loaded();
      if (!e.fitted) throw new AppError('ModelError', 'The lexical embedder has no fit yet; fit it on the persona set first.');
      const signal = begin();
      const t0 = performance.now();
      const dim = e.dim;
      const vectors = new Float32Array(texts.length * dim);
      for (let start = 0; start < texts.length; start += CHUNK) {
        await yieldToEvents();
        throwIfAborted(signal);
        const part = e.embed(texts.slice(start, start + CHUNK), { signal });
        vectors.set(part.vectors, start * dim);
        const done = Math.min(texts.length, start + CHUNK);
        onProgress?.({ stage: 'embed', done, total: texts.length, unit: 'texts', text: `Embedded ${done} of ${texts.length}`, elapsedMs: performance.now() - t0 });
      }
      return { vectors, n: texts.length, dim, normalized: true, modelId: e.modelId };
    },
    async abort(): Promise<void> {
      controller.abort();
    },
    async unload(): Promise<void> {
      controller.abort();
      embedder = undefined;
    },
  };
}
