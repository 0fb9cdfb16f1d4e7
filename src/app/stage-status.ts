import type { CorpusInfo } from '../contracts/corpus-store';
import type { StageId } from './routes';
import { formatCount } from '../core/format';
import type { PersonaStatus } from '../core/stages/types';

export type StageState = 'ready' | 'done' | 'blocked';

export interface StageStatus {
  state: StageState;
  /** Short text for the stage list, e.g. "19,320 authors" or "needs a corpus". */
  text: string;
}

export interface PipelineFacts {
  corpora: CorpusInfo[];
  activeCorpusId: string | null;
  /** Persona counts of the active corpus by status (countPersonas in src/storage/persona-store.ts), when known. */
  personas?: Record<PersonaStatus, number>;
}

/**
 * What each stage can show in the stage list. Later stages only know "needs …" until their own
 * data exists; they will add their facts here as they are built.
 */
export function stageStatuses(facts: PipelineFacts): Record<StageId, StageStatus> {
  const active = facts.corpora.find((c) => c.id === facts.activeCorpusId) ?? facts.corpora[0];
  const corpus: StageStatus = active
    ? { state: 'done', text: `${formatCount(active.authors)} authors` }
    : { state: 'ready', text: 'not started' };
  const needs = (what: string): StageStatus => ({ state: 'blocked', text: `needs ${what}` });
  const p = facts.personas;
  const mined = p ? p.mined + p.kept + p.rejected + p.profiled : 0;
  const kept = p ? p.kept + p.profiled : 0;
  return {
    corpus,
    personas: !active ? needs('a corpus') : mined > 0 ? { state: 'done', text: `${formatCount(mined)} personas` } : { state: 'ready', text: 'not started' },
    quality: mined === 0 ? needs('personas') : p!.mined > 0 ? { state: 'ready', text: `${formatCount(p!.mined)} to assess` } : { state: 'done', text: `${formatCount(kept)} kept` },
    profile: kept === 0 ? needs('kept personas') : p!.profiled > 0 ? { state: 'done', text: `${formatCount(p!.profiled)} profiled` } : { state: 'ready', text: 'not started' },
    // Align runs on profiled personas, a persona CSV or the shipped demo set, so it is never blocked.
    align: p && p.profiled > 0 ? { state: 'ready', text: `${formatCount(p.profiled)} profiled` } : { state: 'ready', text: 'demo data ready' },
    target: needs('profiles'),
    results: needs('an alignment'),
  };
}
