import { progressEtaMs, type Progress } from '../contracts/progress';
import { formatBytes, formatCount, formatDuration, formatRate, percent } from '../core/format';

/** What <import-progress> shows, derived from one Progress; pure so Node tests pin it down. */
export interface ImportFigures {
  bytes: string;
  posts: string;
  authors: string;
  skipped: string;
  rate: string;
  eta: string;
  percent: number | undefined;
  /** Spoken value of the progress bar. */
  valueText: string;
}

/**
 * The import reports bytes as its main unit (`unit: 'bytes'`, done/total) and posts, authors,
 * skipped in `counts`; a report in another unit may carry `counts.bytes`/`counts.bytesTotal`.
 */
export function importProgressFigures(p: Progress | undefined): ImportFigures {
  if (!p) {
    return { bytes: '—', posts: '0', authors: '0', skipped: '0', rate: '—', eta: '—', percent: undefined, valueText: 'Starting' };
  }
  const c = p.counts ?? {};
  const inBytes = p.unit === undefined || p.unit === 'bytes' || p.unit === 'B';
  const done = inBytes ? p.done : c['bytes'];
  const total = inBytes ? p.total : c['bytesTotal'];
  const pct = done === undefined ? undefined : percent(done, total);
  const eta = inBytes ? progressEtaMs(p) : undefined;
  const bytes =
    done === undefined ? '—' : total === undefined ? formatBytes(done) : `${formatBytes(done)} of ${formatBytes(total)}`;
  return {
    bytes,
    posts: formatCount(c['posts'] ?? 0),
    authors: formatCount(c['authors'] ?? 0),
    skipped: formatCount(c['skipped'] ?? 0),
    rate: done === undefined ? '—' : formatRate(done, p.elapsedMs),
    eta: formatDuration(eta),
    percent: pct,
    valueText: pct === undefined ? bytes : `${pct}%, ${bytes}`,
  };
}
