/**
 * The one progress shape every long job reports (import, mining, alignment, downloads).
 * `done`/`total` are in the job's main unit (`unit`); `counts` carries the secondary tallies a view
 * may show (bytes, posts, authors, ...). Rate and ETA are derived, never reported separately.
 */
export interface Progress {
  stage: string;
  done: number;
  total?: number;
  unit?: string;
  text: string;
  elapsedMs: number;
  counts?: Record<string, number>;
}

export type ProgressCallback = (p: Progress) => void;

/** Units of `unit` per second so far, or undefined before anything is measurable. */
export function progressRate(p: Progress): number | undefined {
  return p.elapsedMs > 0 && p.done > 0 ? (p.done * 1000) / p.elapsedMs : undefined;
}

/** Remaining milliseconds at the average rate so far, or undefined when unknown. */
export function progressEtaMs(p: Progress): number | undefined {
  const rate = progressRate(p);
  if (rate === undefined || p.total === undefined) return undefined;
  return (Math.max(0, p.total - p.done) / rate) * 1000;
}
