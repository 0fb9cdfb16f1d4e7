/**
 * The pipeline's stages in order and the hash routes that name them (#/corpus, #/personas/…).
 * Pure, so Node tests cover parsing; the shell owns listening to `hashchange`.
 */

export const STAGES = [
  { id: 'corpus', label: 'Corpus', summary: 'Import social-media posts and choose which authors to mine.' },
  { id: 'personas', label: 'Personas', summary: 'An LLM writes a narrative persona from each selected author’s posts.' },
  { id: 'quality', label: 'Quality', summary: 'Rule checks and an LLM judge keep faithful, specific personas.' },
  { id: 'profile', label: 'Profile', summary: 'Each persona answers the 50 IPIP Big-Five items.' },
  { id: 'align', label: 'Align', summary: 'Importance sampling and optimal transport match the pool to a human reference.' },
  { id: 'target', label: 'Target', summary: 'Retrieve and re-align personas for a specific target group.' },
  { id: 'results', label: 'Results', summary: 'Diagnostics before and after alignment, and export.' },
] as const;

export type StageId = (typeof STAGES)[number]['id'];

export interface Route {
  stage: StageId;
  /** Path segments after the stage (e.g. a corpus id), already URI-decoded. */
  params: string[];
}

export const DEFAULT_ROUTE: Route = { stage: 'corpus', params: [] };

export function isStageId(s: string): s is StageId {
  return STAGES.some((st) => st.id === s);
}

/** Parses "#/corpus/abc" → {stage:'corpus', params:['abc']}; anything unknown → the default. */
export function parseHash(hash: string): Route {
  const path = hash.replace(/^#\/?/, '');
  const [head, ...rest] = path.split('/').filter((p) => p.length > 0);
  if (head === undefined || !isStageId(head)) return { ...DEFAULT_ROUTE, params: [] };
  const params: string[] = [];
  for (const p of rest) {
    try {
      params.push(decodeURIComponent(p));
    } catch {
      return { stage: head, params: [] };
    }
  }
  return { stage: head, params };
}

export function formatHash(route: Route): string {
  return `#/${[route.stage, ...route.params.map(encodeURIComponent)].join('/')}`;
}

/** The neighbouring stage, for keyboard navigation along the stage list (wraps around). */
export function stepStage(current: StageId, delta: number): StageId {
  const i = STAGES.findIndex((s) => s.id === current);
  const n = STAGES.length;
  const next = STAGES[(((i + delta) % n) + n) % n];
  return next ? next.id : current;
}
