/**
 * One persona import worker and one persona-set store per database for the whole page, shared by
 * the Personas stage's panel, the stage pickers and the shell's demo offer. The first use removes
 * sets an interrupted import or delete left behind (cleanupInterruptedSets respects Web Locks).
 */
import { AppError } from '../../core/errors';
import { presetMapping } from '../../core/persona-import';
import type { PersonaSetInfo } from '../../contracts/persona-set';
import type { ProgressCallback } from '../../contracts/progress';
import { PersonaImportService } from '../../services/persona-import-service';
import { DB_NAME } from '../../storage/db';
import { PersonaSetStore } from '../../storage/persona-set-store';

export interface PersonaImportServices {
  importer: PersonaImportService;
  sets: PersonaSetStore;
  /** Settles once start-up cleanup ran (never rejects). */
  ready: Promise<void>;
}

const shared = new Map<string, PersonaImportServices>();

export function personaImportServices(dbName?: string): PersonaImportServices {
  const key = dbName ?? DB_NAME;
  let s = shared.get(key);
  if (!s) {
    const sets = new PersonaSetStore(dbName);
    const ready = sets.cleanupInterrupted().then(
      () => undefined,
      (e: unknown) => console.warn('Cleaning up an interrupted persona import failed; it is retried at the next start.', e),
    );
    s = { importer: new PersonaImportService(dbName === undefined ? {} : { dbName }), sets, ready };
    shared.set(key, s);
  }
  return s;
}

/** Name of the demo set: says it is synthetic wherever it is listed. */
export const DEMO_SET_NAME = 'Demo personas (synthetic, generated for this project)';
export const DEMO_PERSONAS_URL_PATH = 'demo-personas/personas.jsonl';

/** Imports public/demo-personas/personas.jsonl as a persona set through the same import job as a user's file. */
export async function importDemoPersonas(services: PersonaImportServices, onProgress?: ProgressCallback, signal?: AbortSignal, baseUrl: string = import.meta.env.BASE_URL): Promise<PersonaSetInfo> {
  const res = await fetch(`${baseUrl}${DEMO_PERSONAS_URL_PATH}`, signal ? { signal } : {});
  if (!res.ok) throw new AppError('InputError', `The demo personas are missing from this build (HTTP ${res.status}); reload the page.`);
  const file = new File([await res.blob()], 'demo-personas.jsonl', { type: 'application/x-ndjson' });
  await services.ready;
  return services.importer.importPersonaSet({ name: DEMO_SET_NAME, file, mapping: presetMapping('persona-align') }, onProgress, signal);
}
