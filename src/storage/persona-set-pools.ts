/**
 * Stored personas as Align pools: an imported persona set (personas with trait scores, given or
 * measured, that the quality stage did not reject) or a corpus's profiled personas. What the
 * Align form lists and what src/pipeline/align-inputs.ts loads for a `{kind: 'stored'}` pool.
 *
 *   const pools = appDbPools();                 // the app's database, opened on first use
 *   const options = await pools.list();         // for the pool select
 *   const { personas, provenance } = await pools.load(options[0].ownerId);
 */
import type { PersonaRecord } from '../contracts/persona';
import type { StoredPersona } from '../core/stages/types';
import type { AppDb } from './db';
import { toStorageError } from './errors';
import { LazyDb } from './lazy-db';
import { countPersonas, listPersonas } from './persona-store';
import { isPersonaSetId, listPersonaSets, localPersonaId } from './persona-set-store';

export interface PersonaPoolOption {
  /** A persona-set id or a corpus id. */
  ownerId: string;
  kind: 'set' | 'corpus';
  name: string;
  /** Personas that can be aligned (with trait scores); for sets, an upper bound before quality rejections. */
  personas: number;
}

export interface StoredPoolData {
  /** Alignable personas as plain records (ids as in the set's file for imported sets). */
  personas: PersonaRecord[];
  /** Where they came from, for the run manifest: set file, SHA-256, mapping; or the corpus. */
  provenance: string[];
}

/** A persona is alignable when it has trait scores and no quality verdict rejected it. */
export function isAlignable(p: StoredPersona): boolean {
  return p.traits !== undefined && p.quality?.kept !== false;
}

/** Imported sets with trait scores or profiled personas, then corpora with profiled personas. */
export async function listPersonaPools(db: AppDb): Promise<PersonaPoolOption[]> {
  try {
    const out: PersonaPoolOption[] = [];
    for (const s of await listPersonaSets(db)) {
      // Sets without given scores become alignable once profiled.
      const n = s.withTraits > 0 ? s.withTraits : (await countPersonas(db, s.id)).profiled;
      if (n > 0) out.push({ ownerId: s.id, kind: 'set', name: s.name, personas: n });
    }
    for (const c of (await db.getAll('corpora')).filter((c) => c.status === 'ready')) {
      const n = (await countPersonas(db, c.id)).profiled;
      if (n > 0) out.push({ ownerId: c.id, kind: 'corpus', name: c.name, personas: n });
    }
    return out;
  } catch (e) {
    throw toStorageError(e, 'list the stored persona pools');
  }
}

export async function loadStoredPool(db: AppDb, ownerId: string): Promise<StoredPoolData> {
  const all = await listPersonas(db, ownerId);
  const set = isPersonaSetId(ownerId) ? await db.get('personaSets', ownerId) : undefined;
  const personas = all.filter(isAlignable).map((p): PersonaRecord => ({
    id: set ? localPersonaId(p) : p.id,
    source: p.source,
    text: p.text,
    meta: { ...p.meta },
    ...(p.traits ? { traits: { ...p.traits } } : {}),
    ...(p.quality ? { quality: p.quality } : {}),
  }));
  const provenance: string[] = [];
  if (set) {
    const measured = all.filter((p) => isAlignable(p) && p.stages.profile).length;
    provenance.push(
      `Imported persona set "${set.name}" from ${set.file.name} (${set.file.format}, ${set.file.bytes} bytes, SHA-256 ${set.file.sha256 ?? 'not computed'}); mapping ${JSON.stringify(set.mapping)}.`,
      `${personas.length} of ${all.length} personas aligned: ${measured} with measured (questionnaire) scores, ${personas.length - measured} with the scores given in the file.`,
    );
  } else {
    const c = await db.get('corpora', ownerId);
    provenance.push(`Profiled personas mined from corpus "${c?.name ?? ownerId}": ${personas.length} of ${all.length}.`);
  }
  return { personas, provenance };
}

export interface StoredPools {
  list(): Promise<PersonaPoolOption[]>;
  load(ownerId: string): Promise<StoredPoolData>;
}

const byDb = new Map<string, StoredPools>();

/** Pools over one database (default: the app's), one connection per database opened on first use. */
export function appDbPools(dbName?: string): StoredPools {
  const key = dbName ?? '';
  let pools = byDb.get(key);
  if (!pools) {
    const conn = new LazyDb(dbName);
    pools = {
      list: async () => listPersonaPools(await conn.get()),
      load: async (ownerId) => loadStoredPool(await conn.get(), ownerId),
    };
    byDb.set(key, pools);
  }
  return pools;
}
