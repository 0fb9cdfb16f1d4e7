import type { ColumnMapping } from '../../contracts/corpus';
import { AppError } from '../errors';
import type { ReadContext } from './context';
import { CsvRowReader } from './csv-rows';
import { parseAnyDate } from './dates';
import type { TextParser } from './parser';

/** One record of a generic file, whatever its syntax: a value getter by column/key name. */
type Getter = (column: string) => string | undefined;

/**
 * The rules for generic files with a ColumnMapping, shared by CSV/TSV and JSONL: author and text
 * are required per record, date and meta columns are optional.
 */
class MappedRecords {
  private unreadableDates = 0;
  private firstUnreadable: { raw: string; line: number } | undefined;

  constructor(
    private readonly ctx: ReadContext,
    private readonly file: string,
    private readonly mapping: ColumnMapping,
  ) {}

  record(get: Getter, line: number): void {
    const m = this.mapping;
    const author = get(m.author)?.trim() ?? '';
    if (author === '') {
      this.ctx.skip(this.file, line, `no value in author column "${m.author}"`);
      return;
    }
    const text = get(m.text);
    if (text === undefined) {
      this.ctx.skip(this.file, line, `no value in text column "${m.text}"`);
      return;
    }
    let date: string | null = null;
    if (m.date !== undefined) {
      const raw = get(m.date)?.trim() ?? '';
      date = parseAnyDate(raw);
      if (date === null && raw !== '') {
        this.unreadableDates++;
        this.firstUnreadable ??= { raw: raw.slice(0, 40), line };
      }
    }
    const meta: Record<string, string> = {};
    for (const k of m.meta) {
      const v = get(k);
      if (v !== undefined && v.trim() !== '') meta[k] = v.trim();
    }
    this.ctx.declareAuthor(author, meta, this.file, line);
    this.ctx.post(author, date, text, this.file, line);
  }

  end(): void {
    if (this.unreadableDates > 0 && this.firstUnreadable) {
      const n = this.unreadableDates;
      this.ctx.skip(this.file, this.firstUnreadable.line,
        `${n} date${n > 1 ? 's' : ''} in column "${this.mapping.date ?? ''}" not understood (first: "${this.firstUnreadable.raw}"); kept ${n > 1 ? 'those posts' : 'that post'} without a date`);
    }
  }
}

/** Generic CSV or TSV with a header row. */
export class MappedTableParser implements TextParser {
  private readonly rows: CsvRowReader;
  private readonly records: MappedRecords;
  private index: Map<string, number> | undefined;

  constructor(
    ctx: ReadContext,
    private readonly file: string,
    private readonly mapping: ColumnMapping,
    delimiter: ',' | '\t',
  ) {
    this.records = new MappedRecords(ctx, file, mapping);
    this.rows = new CsvRowReader(delimiter, (f, line) => this.row(f, line), file);
  }

  push(text: string): void {
    this.rows.push(text);
  }

  end(): void {
    this.rows.end();
    this.records.end();
  }

  private row(f: string[], line: number): void {
    if (!this.index) {
      this.index = new Map(f.map((name, i) => [name.trim(), i]));
      const wanted = [this.mapping.author, this.mapping.text, ...(this.mapping.date ? [this.mapping.date] : []), ...this.mapping.meta];
      const missing = wanted.filter((c) => !this.index!.has(c));
      if (missing.length > 0) {
        throw new AppError('InputError',
          `no column named ${missing.map((c) => `"${c}"`).join(', ')}. The header has: ${f.map((c) => `"${c.trim()}"`).join(', ')}. Fix the column mapping.`,
          { file: this.file, line });
      }
      return;
    }
    const index = this.index;
    this.records.record((c) => {
      const i = index.get(c);
      return i === undefined ? undefined : f[i];
    }, line);
  }
}

/** JSON Lines: one object per line. Keys may be dotted paths into nested objects (`user.name`). */
export class JsonlParser implements TextParser {
  private readonly records: MappedRecords;
  private pending = '';
  private line = 1;

  constructor(
    private readonly ctx: ReadContext,
    private readonly file: string,
    mapping: ColumnMapping,
  ) {
    this.records = new MappedRecords(ctx, file, mapping);
  }

  push(text: string): void {
    const all = this.pending.length === 0 ? text : this.pending + text;
    let start = 0;
    let nl = all.indexOf('\n');
    while (nl !== -1) {
      this.handle(all.slice(start, nl));
      start = nl + 1;
      nl = all.indexOf('\n', start);
    }
    this.pending = all.slice(start);
  }

  end(): void {
    if (this.pending.length > 0) this.handle(this.pending);
    this.pending = '';
    this.records.end();
  }

  private handle(lineText: string): void {
    const line = this.line++;
    if (lineText.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(lineText);
    } catch (e) {
      this.ctx.skip(this.file, line, `not valid JSON (${e instanceof Error ? e.message.slice(0, 80) : 'parse error'})`);
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.ctx.skip(this.file, line, 'line is not a JSON object');
      return;
    }
    const obj = value as Record<string, unknown>;
    this.records.record((key) => jsonValue(obj, key), line);
  }
}

/** `key` itself, else the dotted path into nested objects; strings and numbers only. */
export function jsonValue(obj: Record<string, unknown>, key: string): string | undefined {
  let v: unknown = obj[key];
  if (v === undefined && key.includes('.')) {
    v = obj;
    for (const part of key.split('.')) {
      if (v === null || typeof v !== 'object') return undefined;
      v = (v as Record<string, unknown>)[part];
    }
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}
