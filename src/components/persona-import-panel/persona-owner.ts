/**
 * Whose personas the Quality and Profile stages work on: the Corpus stage's corpus (its mined
 * personas) or an imported persona set. The choice is kept in localStorage beside the mining
 * selection (src/app/mining-selection.ts); the Personas (mining) stage always uses the corpus.
 */
import { readMiningSelection, type MiningSelection } from '../../app/mining-selection';

const OWNER_KEY = 'persona-align:persona-owner';

type KeyValueStore = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

function defaultStorage(): KeyValueStore | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined;
  }
}

/** The chosen persona set id, or null when the stages use the Corpus stage's corpus. */
export function readPersonaOwner(storage: KeyValueStore | undefined = defaultStorage()): string | null {
  return storage?.getItem(OWNER_KEY) || null;
}

/** Chooses a persona set (its id) or, with null, the Corpus stage's corpus. */
export function setPersonaOwner(setId: string | null, storage: KeyValueStore | undefined = defaultStorage()): void {
  if (!storage) return;
  if (setId) storage.setItem(OWNER_KEY, setId);
  else storage.removeItem(OWNER_KEY);
}

/** What Quality and Profile run on: the chosen set (owner id = set id, no author filter) or the mining selection. */
export function readStageSelection(storage: KeyValueStore | undefined = defaultStorage()): MiningSelection | null {
  const setId = readPersonaOwner(storage);
  return setId ? { corpusId: setId, filter: {} } : readMiningSelection(storage);
}

const ALIGN_POOL_KEY = 'persona-align:align-pool-hint';

/** Asks the Align form to start with this stored pool (the demo offer opens Align on the set it imported). */
export function hintAlignPool(ownerId: string, storage: KeyValueStore | undefined = defaultStorage()): void {
  storage?.setItem(ALIGN_POOL_KEY, ownerId);
}

/** The pool the Align form should start with, once (the hint is removed). */
export function takeAlignPoolHint(storage: KeyValueStore | undefined = defaultStorage()): string | null {
  const v = storage?.getItem(ALIGN_POOL_KEY) ?? null;
  if (v) storage?.removeItem(ALIGN_POOL_KEY);
  return v;
}
