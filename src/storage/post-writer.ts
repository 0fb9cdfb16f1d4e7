/**
 * The CorpusSink an import writes through: packs consecutive posts of one author into pages (see
 * PostPage in ./db), writes pages in batches (one readwrite transaction each, durability
 * 'relaxed'), and keeps per-author tallies in memory for the author summaries written at the end. Parsers call the sink synchronously, so writes run in the background
 * and `gate()` (awaited by the source streams between chunks) holds reading back while too many
 * batches are in flight: memory stays bounded however fast the parser is.
 */
import { unwrap } from 'idb';
import type { AuthorRecord, CorpusSink, PostRecord } from '../contracts/corpus';
import type { AuthorSummary } from '../contracts/corpus-store';
import { countWords } from '../core/corpus/text';
import type { AppDb, PostKey, PostPage } from './db';

export interface PostWriterOptions {
  /** Posts per page at most (default 64). */
  maxPagePosts?: number;
  /**
   * Text per page at most, in UTF-16 code units (default 16 Ki; a lone longer post gets its own
   * page). Keeps a page's serialized value under 64 KB even for two-byte text: Chromium moves larger
   * IndexedDB values out into blob files, which is slower to write and read.
   */
  maxPageChars?: number;
  /** Flush after this many buffered posts (default 5000). */
  maxBatchPosts?: number;
  /** ...or after this many buffered UTF-16 code units of text (default 4 Mi). */
  maxBatchChars?: number;
  /** Batches written concurrently before reading pauses (default 2). */
  maxInFlight?: number;
  /**
   * Test hook, called inside each batch's transaction before its puts. Throwing aborts that
   * transaction and fails the import with what was thrown, as a failed write would (e.g. a
   * DOMException named QuotaExceededError).
   */
  beforeBatchWrite?: (batch: { index: number; posts: number }) => void;
  /** Called after each batch commits. */
  onBatchWritten?: (postsWritten: number) => void;
}

interface AuthorTally {
  meta: Record<string, string>;
  posts: number;
  words: number;
  dateMin: string | null;
  dateMax: string | null;
}

export class PostWriter {
  readonly sink: CorpusSink;
  private readonly authors = new Map<string, AuthorTally>();
  private keys: PostKey[] = [];
  private pages: PostPage[] = [];
  /** The last page of the batch, still open for posts of the same author. */
  private open: { author: string; page: PostPage; chars: number } | undefined;
  private bufferedPosts = 0;
  private bufferedChars = 0;
  private batchIndex = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private firstError: unknown;
  private failed = false;
  /** Posts committed to the database so far. */
  postsWritten = 0;
  /** Posts handed to the sink so far (committed or not). */
  postsSeen = 0;

  private readonly maxPagePosts: number;
  private readonly maxPageChars: number;
  private readonly maxBatchPosts: number;
  private readonly maxBatchChars: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly db: AppDb,
    private readonly corpusId: string,
    private readonly options: PostWriterOptions = {},
  ) {
    this.maxPagePosts = options.maxPagePosts ?? 64;
    this.maxPageChars = options.maxPageChars ?? 16 * 1024;
    this.maxBatchPosts = options.maxBatchPosts ?? 5000;
    this.maxBatchChars = options.maxBatchChars ?? 4 * 1024 * 1024;
    this.maxInFlight = options.maxInFlight ?? 2;
    this.sink = {
      author: (a) => this.addAuthor(a),
      post: (p) => this.addPost(p),
      skip: () => {},
    };
  }

  /** Throws the first write error, else waits while too many batches are in flight. */
  async gate(): Promise<void> {
    this.throwIfFailed();
    while (this.inFlight.size >= this.maxInFlight) {
      await Promise.race(this.inFlight);
      this.throwIfFailed();
    }
  }

  /** Writes what is buffered and waits for every batch; throws the first write error. */
  async finish(): Promise<void> {
    this.throwIfFailed();
    this.flush();
    await this.settle();
    this.throwIfFailed();
  }

  /** Waits until no batch is in flight, ignoring failures (used before a rollback). */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Author summaries of every author with at least one post, in first-seen order. */
  authorSummaries(): AuthorSummary[] {
    const out: AuthorSummary[] = [];
    for (const [key, t] of this.authors) {
      if (t.posts === 0) continue;
      out.push({ corpusId: this.corpusId, key, meta: t.meta, posts: t.posts, words: t.words, dateMin: t.dateMin, dateMax: t.dateMax });
    }
    return out;
  }

  private addAuthor(a: AuthorRecord): void {
    const t = this.authors.get(a.key);
    // Keys and metadata arrive detached from the parser's chunks (ReadContext), so holding them is cheap.
    if (t) Object.assign(t.meta, a.meta);
    else this.authors.set(a.key, { meta: a.meta, posts: 0, words: 0, dateMin: null, dateMax: null });
  }

  private addPost(p: PostRecord): void {
    if (this.failed) return; // the source gate will throw; don't buffer more
    let t = this.authors.get(p.author);
    if (!t) {
      t = { meta: {}, posts: 0, words: 0, dateMin: null, dateMax: null };
      this.authors.set(p.author, t);
    }
    const seq = t.posts++;
    t.words += countWords(p.text); // the parsers' own count, so author totals match their summary
    if (p.date !== null) {
      if (t.dateMin === null || p.date < t.dateMin) t.dateMin = p.date;
      if (t.dateMax === null || p.date > t.dateMax) t.dateMax = p.date;
    }
    const row = { d: p.date, t: p.text, f: p.file, l: p.line };
    const o = this.open;
    if (o && o.author === p.author && o.page.length < this.maxPagePosts && o.chars + p.text.length <= this.maxPageChars) {
      o.page.push(row);
      o.chars += p.text.length;
    } else {
      // A new page starts at this post's seq; its key is the page's first seq.
      const page: PostPage = [row];
      this.keys.push([this.corpusId, p.author, seq]);
      this.pages.push(page);
      this.open = { author: p.author, page, chars: p.text.length };
    }
    this.bufferedPosts++;
    this.bufferedChars += p.text.length;
    this.postsSeen++;
    if (this.bufferedPosts >= this.maxBatchPosts || this.bufferedChars >= this.maxBatchChars) this.flush();
  }

  private flush(): void {
    if (this.keys.length === 0 || this.failed) return;
    const keys = this.keys;
    const pages = this.pages;
    const posts = this.bufferedPosts;
    this.keys = [];
    this.pages = [];
    this.open = undefined;
    this.bufferedPosts = 0;
    this.bufferedChars = 0;
    const index = this.batchIndex++;
    const p = this.writeBatch(index, keys, pages, posts).then(
      () => {
        this.postsWritten += posts;
        this.options.onBatchWritten?.(this.postsWritten);
      },
      (e: unknown) => this.fail(e),
    );
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** One transaction of raw puts: no promise per request, only the transaction's outcome. */
  private writeBatch(index: number, keys: PostKey[], pages: PostPage[], posts: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const tx = unwrap(this.db).transaction('posts', 'readwrite', { durability: 'relaxed' });
      let hookError: unknown;
      tx.oncomplete = () => resolve();
      // tx.error names the cause (e.g. QuotaExceededError); it is null after our own abort().
      tx.onabort = () => reject(hookError ?? tx.error ?? new DOMException('Transaction aborted', 'AbortError'));
      try {
        this.options.beforeBatchWrite?.({ index, posts });
      } catch (e) {
        hookError = e;
        tx.abort();
        return;
      }
      const store = tx.objectStore('posts');
      for (let i = 0; i < keys.length; i++) store.put(pages[i], keys[i]);
    });
  }

  private fail(e: unknown): void {
    if (!this.failed) {
      this.failed = true;
      this.firstError = e;
      this.keys = [];
      this.pages = [];
      this.open = undefined;
    }
  }

  private throwIfFailed(): void {
    if (this.failed) throw this.firstError;
  }
}
