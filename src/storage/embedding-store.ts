/**
 * Persona embeddings in IndexedDB (store `embeddings`, v4): key [ownerId, modelId, personaId],
 * row {textHash, vector, normalized}. `embedPersonas` re-embeds only personas whose text changed
 * (SHA-256 of the text) or that have no vector for the loaded model, writes each batch in one
 * transaction (a batch is stored whole or not at all), and returns every vector in input order.
 *
 *   await embedder.load('lexical'); await embedder.fit(texts);
 *   const e = await embedPersonas(db, setId, embedder, personas, onProgress, signal);
 *   e.embedded; // 0 on a second call with the same texts
 */
import type { EmbedderService, Embeddings } from '../contracts/embedder';
import type { ProgressCallback } from '../contracts/progress';
import { AppError, throwIfAborted } from '../core/errors';
import type { IDBPTransaction } from 'idb';
import type { AppDb, AppDbSchema, EmbeddingKey, EmbeddingRow } from './db';
import { toStorageError } from './errors';

/** Texts per embed call and per write transaction. */
const BATCH = 256;

export interface PersonaText {
  id: string;
  text: string;
}

export interface EmbedPersonasResult extends Embeddings {
  /** Personas embedded by this call (missing or changed). */
  embedded: number;
  /** Personas whose stored vector was reused. */
  reused: number;
}

export async function textHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Key range of one owner's rows, or of one owner's rows for one model (arrays sort after strings). */
function range(ownerId: string, modelId?: string): IDBKeyRange {
  return modelId === undefined ? IDBKeyRange.bound([ownerId], [ownerId, []]) : IDBKeyRange.bound([ownerId, modelId], [ownerId, modelId, []]);
}

export async function embedPersonas(
  db: AppDb,
  ownerId: string,
  embedder: EmbedderService,
  personas: readonly PersonaText[],
  onProgress?: ProgressCallback,
  signal?: AbortSignal,
): Promise<EmbedPersonasResult> {
  throwIfAborted(signal);
  const info = await embedder.info();
  if (!info) throw new AppError('ModelError', 'No embedder is loaded. Pick "lexical (no model)" or a model first.');
  if (info.needsFit && !info.fitted) throw new AppError('ModelError', 'The embedder has no fit yet; fit it on the persona set first.');
  const { modelId, dim, normalized } = info;
  const seen = new Set<string>();
  for (const p of personas) {
    if (seen.has(p.id)) throw new AppError('InputError', `Persona "${p.id}" appears twice; each persona id must be unique.`);
    seen.add(p.id);
  }

  const t0 = performance.now();
  const hashes: string[] = [];
  for (let i = 0; i < personas.length; i += 1024) {
    hashes.push(...(await Promise.all(personas.slice(i, i + 1024).map((p) => textHash(p.text)))));
  }
  const stored = new Map<string, EmbeddingRow>();
  try {
    const tx = db.transaction('embeddings', 'readonly');
    let cursor = await tx.store.openCursor(range(ownerId, modelId));
    while (cursor) {
      stored.set((cursor.key as EmbeddingKey)[2], cursor.value);
      cursor = await cursor.continue();
    }
    await tx.done;
  } catch (e) {
    throw toStorageError(e, 'read stored embeddings');
  }

  const n = personas.length;
  const vectors = new Float32Array(n * dim);
  const todo: number[] = [];
  personas.forEach((p, i) => {
    const row = stored.get(p.id);
    if (row && row.textHash === hashes[i] && row.vector.length === dim && row.normalized === normalized) vectors.set(row.vector, i * dim);
    else todo.push(i);
  });
  const reused = n - todo.length;
  let embedded = 0;
  const report = (text: string) =>
    onProgress?.({ stage: 'embed-personas', done: reused + embedded, total: n, unit: 'personas', text, elapsedMs: performance.now() - t0, counts: { reused, embedded } });
  report(todo.length === 0 ? `All ${n} embeddings are stored` : `${reused} stored, embedding ${todo.length}`);

  const onAbort = (): void => void embedder.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for (let start = 0; start < todo.length; start += BATCH) {
      throwIfAborted(signal);
      const idx = todo.slice(start, start + BATCH);
      const out = await embedder.embed(idx.map((i) => (personas[i] as PersonaText).text), { role: 'passage' });
      throwIfAborted(signal);
      if (out.modelId !== modelId || out.dim !== dim || out.n !== idx.length) {
        throw new AppError('ModelError', `The embedder changed while embedding (model ${out.modelId}, ${out.dim} dims; expected ${modelId}, ${dim}). Embed again.`);
      }
      const rows: Array<[EmbeddingKey, EmbeddingRow]> = idx.map((i, k) => {
        const vector = out.vectors.slice(k * dim, (k + 1) * dim); // a copy: a view would store the whole batch buffer
        for (const v of vector) {
          if (!Number.isFinite(v)) throw new AppError('NumericError', `The embedder returned a non-finite value for persona "${(personas[i] as PersonaText).id}".`);
        }
        vectors.set(vector, i * dim);
        return [[ownerId, modelId, (personas[i] as PersonaText).id], { textHash: hashes[i] as string, vector, normalized: out.normalized }];
      });
      await writeBatch(db, rows);
      embedded += idx.length;
      report(`Embedded ${embedded} of ${todo.length} (${reused} stored)`);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return { vectors, n, dim, normalized, modelId, embedded, reused };
}

/**
 * One transaction for the batch. A put can throw synchronously (QuotaExceededError) after earlier
 * puts were queued; without the explicit abort the transaction would commit those: half a batch.
 */
async function writeBatch(db: AppDb, rows: ReadonlyArray<[EmbeddingKey, EmbeddingRow]>): Promise<void> {
  let tx: IDBPTransaction<AppDbSchema, ['embeddings'], 'readwrite'> | undefined;
  try {
    tx = db.transaction('embeddings', 'readwrite');
    const store = tx.objectStore('embeddings');
    const done = tx.done;
    done.catch(() => {}); // observed below, or rejected by our own abort
    const puts: Promise<unknown>[] = [];
    for (const [key, row] of rows) {
      const put = store.put(row, key);
      put.catch(() => {}); // each rejects with the transaction's abort; the cause is reported once
      puts.push(put);
    }
    await Promise.all([...puts, done]);
  } catch (e) {
    try {
      tx?.abort();
    } catch {
      // already finished or aborted
    }
    throw toStorageError(e, `save embeddings (${rows.length} personas)`);
  }
}

/** Deletes an owner's embeddings (one model's, or all); returns how many rows went. */
export async function deleteEmbeddings(db: AppDb, ownerId: string, modelId?: string): Promise<number> {
  try {
    const tx = db.transaction('embeddings', 'readwrite');
    const r = range(ownerId, modelId);
    const count = await tx.store.count(r);
    await tx.store.delete(r);
    await tx.done;
    return count;
  } catch (e) {
    throw toStorageError(e, 'delete embeddings');
  }
}

/** How many vectors an owner has stored per model id. */
export async function countEmbeddings(db: AppDb, ownerId: string): Promise<Map<string, number>> {
  try {
    const keys = (await db.getAllKeys('embeddings', range(ownerId))) as EmbeddingKey[];
    const out = new Map<string, number>();
    for (const k of keys) out.set(k[1], (out.get(k[1]) ?? 0) + 1);
    return out;
  } catch (e) {
    throw toStorageError(e, 'count embeddings');
  }
}
