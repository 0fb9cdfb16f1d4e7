import type { CorpusFormat, CorpusSink } from '../../contracts/corpus';
import { detached, hash53, stripControls } from './text';

interface PendingAuthor {
  meta: Record<string, string>;
  file: string;
  line: number;
}

/**
 * State shared by all files of one read: which authors were emitted, which posts were seen (for
 * duplicates), and the rules every parser applies the same way (empty posts, authors without
 * posts). Parsers hand raw values here; only what passes reaches the sink.
 */
export class ReadContext {
  private readonly emitted = new Set<string>();
  private readonly pending = new Map<string, PendingAuthor>();
  private readonly seenPosts = new Set<number>();

  constructor(readonly sink: CorpusSink & { beginFile?(format: CorpusFormat): void }) {}

  beginFile(format: CorpusFormat): void {
    this.sink.beginFile?.(format);
  }

  /** Declares an author; it reaches the sink only with its first accepted post. */
  declareAuthor(key: string, meta: Record<string, string>, file: string, line: number): void {
    if (this.emitted.has(key) || this.pending.has(key)) return;
    this.pending.set(detached(key), { meta: detached(meta), file, line });
  }

  /** Returns true when the post was accepted. The author must have been declared. */
  post(author: string, date: string | null, rawText: string, file: string, line: number): boolean {
    const text = stripControls(rawText).trim();
    if (text === '') {
      this.skip(file, line, 'empty post');
      return false;
    }
    const key = hash53(text, hash53(author + '\u0000' + (date ?? '')));
    if (this.seenPosts.has(key)) {
      this.skip(file, line, 'duplicate post (same author, date and text as an earlier one)');
      return false;
    }
    this.seenPosts.add(key);
    const waiting = this.pending.get(author);
    if (waiting) {
      this.pending.delete(author);
      const key = detached(author);
      this.emitted.add(key);
      this.sink.author({ key, meta: waiting.meta });
    } else if (!this.emitted.has(author)) {
      const key = detached(author);
      this.emitted.add(key);
      this.sink.author({ key, meta: {} });
    }
    this.sink.post({ author, date, text, file, line });
    return true;
  }

  skip(file: string, line: number, reason: string): void {
    this.sink.skip({ file, line, reason });
  }

  /** Reports authors that never got a post. Call once, after the last file. */
  finish(): void {
    for (const [key, a] of this.pending) this.skip(a.file, a.line, `author has no posts: ${key}`);
    this.pending.clear();
  }
}
