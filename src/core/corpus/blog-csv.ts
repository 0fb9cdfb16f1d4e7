import { AppError } from '../errors';
import type { ReadContext } from './context';
import { CsvRowReader } from './csv-rows';
import { parseBlogDate } from './dates';
import type { TextParser } from './parser';

export const BLOG_CSV_COLUMNS = ['id', 'gender', 'age', 'topic', 'sign', 'date', 'text'] as const;

/** True when a header row is the blog corpus CSV's (`id,gender,age,topic,sign,date,text`). */
export function isBlogCsvHeader(fields: string[]): boolean {
  return (
    fields.length === BLOG_CSV_COLUMNS.length &&
    fields.every((f, i) => f.trim().toLowerCase() === BLOG_CSV_COLUMNS[i])
  );
}

/**
 * The blog corpus as one CSV row per post. Authors are declared when first seen. `topic` is the
 * same field the XML file names call industry: kept under both keys so filters work for either form.
 */
export class BlogCsvParser implements TextParser {
  private readonly rows: CsvRowReader;
  private header = true;
  private unreadableDates = 0;
  private firstUnreadable: { raw: string; line: number } | undefined;

  constructor(
    private readonly ctx: ReadContext,
    private readonly file: string,
  ) {
    this.rows = new CsvRowReader(',', (f, line) => this.row(f, line), file);
  }

  push(text: string): void {
    this.rows.push(text);
  }

  end(): void {
    this.rows.end();
    if (this.unreadableDates > 0 && this.firstUnreadable) {
      const n = this.unreadableDates;
      this.ctx.skip(this.file, this.firstUnreadable.line,
        `${n} date${n > 1 ? 's' : ''} not understood (first: "${this.firstUnreadable.raw}"); kept ${n > 1 ? 'those posts' : 'that post'} without a date`);
    }
  }

  private row(f: string[], line: number): void {
    if (this.header) {
      this.header = false;
      if (!isBlogCsvHeader(f)) {
        throw new AppError('FormatError', `expected the blog corpus header "${BLOG_CSV_COLUMNS.join(',')}", found "${f.join(',').slice(0, 120)}". Pick the generic CSV format and map the columns instead.`, { file: this.file, line });
      }
      return;
    }
    if (f.length < BLOG_CSV_COLUMNS.length) {
      this.ctx.skip(this.file, line, `row has ${f.length} field${f.length === 1 ? '' : 's'}, expected ${BLOG_CSV_COLUMNS.length}`);
      return;
    }
    const id = f[0]!.trim();
    if (id === '') {
      this.ctx.skip(this.file, line, 'row has no author id');
      return;
    }
    const rawDate = f[5]!.trim();
    const date = parseBlogDate(rawDate);
    if (date === null && rawDate !== '') {
      this.unreadableDates++;
      this.firstUnreadable ??= { raw: rawDate.slice(0, 40), line };
    }
    const topic = f[3]!.trim();
    this.ctx.declareAuthor(id, { gender: f[1]!.trim(), age: f[2]!.trim(), topic, industry: topic, sign: f[4]!.trim() }, this.file, line);
    // An unquoted comma in the text splits it: the text is the last column, so join the rest back.
    const text = f.length === BLOG_CSV_COLUMNS.length ? f[6]! : f.slice(6).join(',');
    this.ctx.post(id, date, text, this.file, line);
  }
}
