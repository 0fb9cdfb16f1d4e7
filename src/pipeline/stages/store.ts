/**
 * What the persona pipeline needs from storage: the generic job store (job-runner.ts) whose item
 * results are StoredPersonas, plus reads and writes of the personas themselves. Implemented by
 * MemoryPipelineStore (Node; optionally journalled to a file) and IdbPipelineStore (browser).
 */
import type { PersonaStatus, StoredPersona } from '../../core/stages/types';
import type { JobStore } from '../job-runner';

export interface PersonaStoreApi {
  getPersona(id: string): Promise<StoredPersona | undefined>;
  /** A corpus's personas (optionally only those with `status`), sorted by id. */
  listPersonas(corpusId: string, status?: PersonaStatus): Promise<StoredPersona[]>;
  /** Replaces personas by id (e.g. after re-evaluating the quality threshold). */
  putPersonas(personas: readonly StoredPersona[]): Promise<void>;
  /** Removes a corpus's personas; returns how many. */
  deletePersonas(corpusId: string): Promise<number>;
}

export type PipelineStore = JobStore<StoredPersona> & PersonaStoreApi;
