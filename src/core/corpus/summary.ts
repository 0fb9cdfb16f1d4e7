import type { AuthorRecord, CorpusFormat, CorpusSink, CorpusSummary, PostRecord, SkippedItem } from '../../contracts/corpus';
import { countWords } from './text';

type FormatTally = { files: number; authors: number; posts: number; words: number };

/** A sink that does nothing: for callers that only want the summary (the CLI, the bench). */
export const nullSink: CorpusSink = { author() {}, post() {}, skip() {} };

/**
 * Counts what passes through (authors, posts, words, date range, skips, per format) and forwards
 * every record to `downstream`. readCorpus builds one per read; the import worker passes its
 * IndexedDB writer as `downstream`, the CLI passes nullSink.
 */
export class SummaryBuilder implements CorpusSink {
  private files = 0;
  private bytes = 0;
  private authors = 0;
  private posts = 0;
  private words = 0;
  private undated = 0;
  private dateMin: string | null = null;
  private dateMax: string | null = null;
  private readonly skipped: SkippedItem[] = [];
  private skippedCount = 0;
  private readonly byFormat: Partial<Record<CorpusFormat, FormatTally>> = {};
  private current: FormatTally | undefined;

  constructor(
    private readonly downstream: CorpusSink = nullSink,
    private readonly maxSkippedListed = Number.POSITIVE_INFINITY,
  ) {}

  /** Subsequent records belong to a file of this format. */
  beginFile(format: CorpusFormat): void {
    this.files++;
    this.current = this.byFormat[format] ??= { files: 0, authors: 0, posts: 0, words: 0 };
    this.current.files++;
  }

  addBytes(n: number): void {
    this.bytes += n;
  }

  author(a: AuthorRecord): void {
    this.authors++;
    if (this.current) this.current.authors++;
    this.downstream.author(a);
  }

  post(p: PostRecord): void {
    const words = countWords(p.text);
    this.posts++;
    this.words += words;
    if (this.current) {
      this.current.posts++;
      this.current.words += words;
    }
    if (p.date === null) this.undated++;
    else {
      if (this.dateMin === null || p.date < this.dateMin) this.dateMin = p.date;
      if (this.dateMax === null || p.date > this.dateMax) this.dateMax = p.date;
    }
    this.downstream.post(p);
  }

  skip(s: SkippedItem): void {
    this.skippedCount++;
    if (this.skipped.length < this.maxSkippedListed) this.skipped.push(s);
    this.downstream.skip(s);
  }

  get counts(): { posts: number; authors: number; skipped: number } {
    return { posts: this.posts, authors: this.authors, skipped: this.skippedCount };
  }

  summary(): CorpusSummary {
    const byFormat: CorpusSummary['byFormat'] = {};
    for (const [k, v] of Object.entries(this.byFormat) as [CorpusFormat, FormatTally][]) byFormat[k] = { ...v };
    return {
      files: this.files,
      bytes: this.bytes,
      authors: this.authors,
      posts: this.posts,
      words: this.words,
      dateMin: this.dateMin,
      dateMax: this.dateMax,
      byFormat,
      skipped: [...this.skipped],
      skippedCount: this.skippedCount,
      undatedPosts: this.undated,
    };
  }
}
