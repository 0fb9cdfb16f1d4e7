import type { CorpusReadOptions, CorpusSink, CorpusSource, CorpusSummary } from '../../contracts/corpus';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError, throwIfAborted } from '../errors';
import { ReadContext } from './context';
import { openFile, SniffingSink } from './readers';
import { SummaryBuilder } from './summary';

/** Progress is reported at most this often. */
const PROGRESS_EVERY_MS = 100;
/** Default cap on the summary's list of skipped items (the count stays exact). */
const DEFAULT_MAX_SKIPPED_LISTED = 1000;

/**
 * Streams every source (files, zips of files) through the matching parser into `sink` and returns
 * what was read. Throws InputError when nothing usable was found, AppError('AbortError') when
 * `signal` fires (checked between chunks), InputError/FormatError for files that cannot be read
 * at all (e.g. a generic CSV without a column mapping).
 */
export async function readCorpus(
  sources: CorpusSource[],
  sink: CorpusSink,
  options: CorpusReadOptions = {},
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
): Promise<CorpusSummary> {
  const builder = new SummaryBuilder(sink, options.maxSkippedListed ?? DEFAULT_MAX_SKIPPED_LISTED);
  const ctx = new ReadContext(builder);
  const total = sources.reduce((s, x) => s + x.size, 0);
  const started = Date.now();
  let done = 0;
  let lastReport = -Infinity;
  const report = (text: string, force = false): void => {
    const now = Date.now();
    if (!onProgress || (!force && now - lastReport < PROGRESS_EVERY_MS)) return;
    lastReport = now;
    onProgress({ stage: 'import', done, total, unit: 'bytes', text, elapsedMs: now - started, counts: builder.counts });
  };

  throwIfAborted(signal);
  report('Starting', true);
  for (const source of sources) {
    const reader = source.stream().getReader();
    const file = new SniffingSink((head) => openFile(source.name, head, ctx, options));
    try {
      for (;;) {
        const { done: finished, value } = await reader.read();
        if (finished) break;
        throwIfAborted(signal);
        file.push(value);
        done += value.length;
        builder.addBytes(value.length);
        report(`Reading ${source.name}`);
      }
      file.end();
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    } finally {
      reader.releaseLock();
    }
  }
  ctx.finish();
  report('Done', true);

  const summary = builder.summary();
  if (summary.posts === 0) {
    const names = sources.map((s) => s.name);
    const shown = names.slice(0, 3).join(', ') + (names.length > 3 ? ` and ${names.length - 3} more` : '');
    const why = summary.skipped.slice(0, 3).map((s) => `${s.file}, line ${s.line}: ${s.reason}`).join('; ');
    throw new AppError(
      'InputError',
      `No posts found in ${shown || 'the selection'}. ` +
        (why ? `Skipped ${summary.skippedCount} item(s), e.g. ${why}. ` : '') +
        'Choose blog XML/CSV files, a zip of them, or a CSV/TSV/JSONL file with a column mapping.',
    );
  }
  return summary;
}
