import type { ReadContext } from './context';
import { parseBlogDate } from './dates';
import { baseName, countNewlines, type TextParser } from './parser';
import { decodeEntities } from './text';

/** Metadata the Blog Authorship Corpus encodes in each file name: `ID.GENDER.AGE.INDUSTRY.SIGN.xml`. */
export interface BlogFileName {
  id: string;
  gender: string;
  age: string;
  industry: string;
  sign: string;
}

const BLOG_NAME = /^(\d+)\.([A-Za-z]+)\.(\d+)\.([^.]+)\.([^.]+)\.xml$/i;

export function parseBlogFileName(name: string): BlogFileName | null {
  const m = BLOG_NAME.exec(baseName(name));
  if (!m) return null;
  return { id: m[1]!, gender: m[2]!, age: m[3]!, industry: m[4]!, sign: m[5]! };
}

// Tags of the blog files. Matched case-insensitively and with optional spaces: the files are
// machine-written but not XML-valid, so a DOM parser would reject many of them.
const TAG = /<(\/?)(blog|date|post)\s{0,16}>/gi;
// Inside a post: its end, or the start of the next element when `</post>` is missing.
const POST_END = /<\/post\s{0,16}>|<(?:post|date)\s{0,16}>|<\/blog\s{0,16}>/gi;
/** Longer than any tag TAG matches: a '<' further back than this cannot start a tag. */
const TAG_WAIT = 64;
/** A date longer than this is not a date: the `<date>` was never closed. Fixed, so that the result
 * does not depend on how the input was chunked. */
const DATE_WAIT = 200;

/**
 * Tolerant scanner for one blogger's XML file. Keeps every recoverable post; reports what it had
 * to drop or repair through the context (file, line, reason).
 */
export class BlogXmlParser implements TextParser {
  private state: 'outside' | 'date' | 'post' = 'outside';
  private buf = '';
  /** 1-based line of buf[0]. */
  private bufLine = 1;
  /** Where to resume searching for the end of a post (nothing before it can start a match). */
  private searchFrom = 0;
  private date: string | null = null;
  private postLine = 0;
  private dateLine = 0;
  private unreadableDates = 0;
  private firstUnreadable: { raw: string; line: number } | undefined;

  constructor(
    private readonly ctx: ReadContext,
    private readonly file: string,
    private readonly author: string,
    meta: Record<string, string>,
  ) {
    ctx.declareAuthor(author, meta, file, 1);
  }

  push(text: string): void {
    this.buf = this.buf.length === 0 ? text : this.buf + text;
    this.run(false);
  }

  end(): void {
    this.run(true);
    if (this.unreadableDates > 0 && this.firstUnreadable) {
      const n = this.unreadableDates;
      this.ctx.skip(
        this.file,
        this.firstUnreadable.line,
        `${n} date${n > 1 ? 's' : ''} not understood (first: "${this.firstUnreadable.raw}"); ` +
          `kept ${n > 1 ? 'those posts' : 'that post'} without a date`,
      );
    }
  }

  private advance(p: number): void {
    this.bufLine += countNewlines(this.buf, 0, p);
    this.buf = this.buf.slice(p);
    this.searchFrom = 0;
  }

  private run(final: boolean): void {
    for (;;) {
      if (this.state === 'outside') {
        TAG.lastIndex = 0;
        const m = TAG.exec(this.buf);
        if (!m) {
          // Keep a possibly cut-off tag at the end; drop stray text between elements.
          const lt = this.buf.lastIndexOf('<');
          const keep = !final && lt !== -1 && this.buf.length - lt < TAG_WAIT;
          this.advance(keep ? lt : this.buf.length);
          return;
        }
        const open = m[1] === '';
        const name = m[2]!.toLowerCase();
        if (open && name === 'date') {
          this.advance(m.index + m[0].length);
          this.dateLine = this.bufLine;
          this.state = 'date';
        } else if (open && name === 'post') {
          this.postLine = this.bufLine + countNewlines(this.buf, 0, m.index);
          this.advance(m.index + m[0].length);
          this.state = 'post';
        } else this.advance(m.index + m[0].length);
      } else if (this.state === 'date') {
        const lt = this.buf.indexOf('<');
        if (lt === -1 || lt > DATE_WAIT) {
          if (!final && this.buf.length <= DATE_WAIT) return;
          this.ctx.skip(this.file, this.dateLine, '<date> not closed; ignored it');
          this.date = null;
          this.state = 'outside'; // rescan the same text for tags
          continue;
        }
        this.readDate(this.buf.slice(0, lt));
        this.advance(lt); // the closing </date> is consumed as an ordinary tag
        this.state = 'outside';
      } else {
        POST_END.lastIndex = this.searchFrom;
        const m = POST_END.exec(this.buf);
        if (!m) {
          if (final) {
            this.emitPost(this.buf, 'file ends inside this post (truncated file?); kept the text read so far');
            this.advance(this.buf.length);
            this.state = 'outside';
            return;
          }
          const lt = this.buf.lastIndexOf('<');
          this.searchFrom = Math.max(this.searchFrom, lt === -1 ? this.buf.length : lt);
          return;
        }
        const closed = m[0].toLowerCase().startsWith('</post');
        this.emitPost(this.buf.slice(0, m.index), closed ? undefined : 'post not closed by </post>; kept its text up to the next tag');
        this.advance(closed ? m.index + m[0].length : m.index);
        this.state = 'outside';
      }
    }
  }

  private readDate(raw: string): void {
    const text = decodeEntities(raw).trim();
    this.date = parseBlogDate(text);
    if (this.date === null && text !== '') {
      this.unreadableDates++;
      this.firstUnreadable ??= { raw: text.slice(0, 40), line: this.dateLine };
    }
  }

  private emitPost(raw: string, repairNote: string | undefined): void {
    const accepted = this.ctx.post(this.author, this.date, decodeEntities(raw), this.file, this.postLine);
    if (accepted && repairNote) this.ctx.skip(this.file, this.postLine, repairNote);
    this.date = null; // a date belongs to the one post that follows it
  }
}
