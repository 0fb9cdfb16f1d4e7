import type { CorpusInfo } from '../contracts/corpus-store';
import type { StageId } from './routes';
import { formatCount } from '../core/format';

export type StageState = 'ready' | 'done' | 'blocked';

export interface StageStatus {
  state: StageState;
  /** Short text for the stage list, e.g. "19,320 authors" or "needs a corpus". */
  text: string;
}

export interface PipelineFacts {
  corpora: CorpusInfo[];
  activeCorpusId: string | null;
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
  return {
    corpus,
    personas: active ? { state: 'ready', text: 'not started' } : needs('a corpus'),
    quality: needs('personas'),
    profile: needs('personas'),
    align: needs('profiles'),
    target: needs('profiles'),
    results: needs('an alignment'),
  };
}
