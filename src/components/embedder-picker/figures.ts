/**
 * What <embedder-picker> shows, derived without DOM so Node tests pin it down: one row per
 * choice with its size (exact once cached), and the progress figures of a download or import.
 */
import { progressEtaMs, type Progress } from '../../contracts/progress';
import { formatBytes, formatDuration, formatRate, percent } from '../../core/format';
import type { CachedEmbedModel } from '../../embed-models/cache';
import type { EmbedderChoice } from '../../embed-models/choices';

export interface ChoiceRow {
  choice: EmbedderChoice;
  cached: CachedEmbedModel | undefined;
  /** "no download", "23 MB on this device", "≈23–90 MB". */
  size: string;
  dim: string;
}

export function choiceRows(choices: readonly EmbedderChoice[], cached: readonly CachedEmbedModel[]): ChoiceRow[] {
  const byId = new Map(cached.map((c) => [c.id, c]));
  return choices.map((choice) => {
    const c = byId.get(choice.id);
    const sizes = Object.values(choice.downloadBytes).filter((b): b is number => b !== undefined);
    let size: string;
    if (choice.backend === 'lexical') size = 'no download';
    else if (c?.complete) size = `${formatBytes(c.bytes)} on this device (${c.dtypes.join(', ')})`;
    else if (sizes.length === 0) size = '—';
    else {
      const lo = Math.min(...sizes);
      const hi = Math.max(...sizes);
      size = lo === hi ? `≈${formatBytes(lo)}` : `≈${formatBytes(lo)}–${formatBytes(hi)} by precision`;
    }
    return { choice, cached: c, size, dim: choice.dim === undefined ? 'fitted on your personas' : `${choice.dim} dims` };
  });
}

export interface TransferFigures {
  percent: number | undefined;
  done: string;
  rate: string;
  eta: string;
  valueText: string;
}

export function transferFigures(p: Progress | undefined): TransferFigures {
  if (!p) return { percent: undefined, done: '—', rate: '—', eta: '—', valueText: 'Starting' };
  const pct = percent(p.done, p.total);
  const bytes = p.unit === 'bytes';
  const done = bytes ? `${formatBytes(p.done)} of ${p.total !== undefined ? formatBytes(p.total) : '?'}` : p.total !== undefined ? `${p.done} of ${p.total}` : String(p.done);
  return {
    percent: pct,
    done,
    rate: bytes ? formatRate(p.done, p.elapsedMs) : '—',
    eta: formatDuration(progressEtaMs(p)),
    valueText: `${pct ?? 0}%: ${p.text}`,
  };
}
