/**
 * Push parsers for the text formats (JSONL, JSON, CSV/TSV), fed decoded text in order, then ended
 * once (the TextParser contract of src/core/corpus). Each hands records with their line to
 * `onRecord` and row-level problems to `onIssue`; a file that is malformed as a whole (not JSON,
 * truncated, an unclosed quote) throws FormatError naming the file and line.
 */
import Papa from 'papaparse';
import { AppError } from '../errors';
import { countNewlines, type TextParser } from '../corpus/parser';
import type { RawRecord } from './fields';

export type RecordHandler = (rec: RawRecord, line: number) => void;
export type IssueHandler = (line: number, reason: string) => void;

/** No single record should be longer than this; past it the file is malformed (or not this format). */
export const MAX_RECORD_CHARS = 16 * 1024 * 1024;

function isRecord(v: unknown): v is RawRecord {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function jsonMessage(e: unknown): string {
  return e instanceof Error ? e.message.replace(/\s+/g, ' ').slice(0, 100) : 'parse error';
}

/** JSON Lines: one object per line. */
export class JsonlRecords implements TextParser {
  private pending = '';
  private line = 1;
  private seenValid = false;

  constructor(
    private readonly file: string,
    private readonly onRecord: RecordHandler,
    private readonly onIssue: IssueHandler,
  ) {}

  push(text: string): void {
    const all = this.pending.length === 0 ? text : this.pending + text;
    let start = 0;
    let nl = all.indexOf('\n');
    while (nl !== -1) {
      this.handle(all.slice(start, nl), false);
      start = nl + 1;
      nl = all.indexOf('\n', start);
    }
    this.pending = all.slice(start);
    if (this.pending.length > MAX_RECORD_CHARS) {
      throw new AppError('FormatError', `a line longer than ${MAX_RECORD_CHARS / 1048576} MB: this is not JSON Lines (one persona object per line).`, { file: this.file, line: this.line });
    }
  }

  end(): void {
    if (this.pending.length > 0) this.handle(this.pending, true);
    this.pending = '';
  }

  private handle(text: string, last: boolean): void {
    const line = this.line++;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const loc = { file: this.file, line };
      if (last) throw new AppError('FormatError', `the last line is cut off (${jsonMessage(e)}): the file looks truncated. Download or export it again.`, loc);
      if (!this.seenValid) throw new AppError('FormatError', `not valid JSON (${jsonMessage(e)}): a JSON Lines file holds one JSON object per line.`, loc);
      this.onIssue(line, `not valid JSON (${jsonMessage(e)})`);
      return;
    }
    this.seenValid = true;
    if (!isRecord(value)) {
      this.onIssue(line, 'line is not a JSON object');
      return;
    }
    this.onRecord(value, line);
  }
}

/**
 * A JSON document: an array of records (streamed element by element), or an object that is one
 * record (a TinyTroupe agent spec), a map of records (`{"id": {...}, ...}`, the key becomes `_key`),
 * or a wrapper with one array of records (`{"agents": [...]}`). Objects are parsed whole.
 */
export class JsonRecords implements TextParser {
  /** Text not yet consumed: from the start of the array element being scanned, if any. */
  private buf = '';
  private line = 1;
  private depth = 0;
  private inString = false;
  private escape = false;
  private top: '[' | '{' | undefined;
  /** Start (index into buf) and line of the array element being scanned, or -1. */
  private elemStart = -1;
  private elemLine = 0;
  /** Inside a scalar element of the top-level list (skipped up to the next , or ]). */
  private inScalar = false;
  /** Whole text of a top-level object, parsed at the end. */
  private whole: string[] = [];
  private wholeChars = 0;
  private closed = false;
  private closedLine = 0;
  /** Lines where the values of a top-level object's members start, in order. */
  private readonly memberLines: number[] = [];
  private member: 'key' | 'colon' | 'value' | 'after' = 'key';

  constructor(
    private readonly file: string,
    private readonly onRecord: RecordHandler,
    private readonly onIssue: IssueHandler,
  ) {}

  push(text: string): void {
    if (this.top === '{') this.keepWhole(text);
    const from = this.elemStart >= 0 ? this.buf.length - this.elemStart : 0;
    this.buf = this.elemStart >= 0 ? this.buf.slice(this.elemStart) + text : text;
    if (this.elemStart >= 0) this.elemStart = 0;
    this.scan(from);
    if (this.elemStart >= 0 && this.buf.length - this.elemStart > MAX_RECORD_CHARS) {
      throw new AppError('FormatError', `a record longer than ${MAX_RECORD_CHARS / 1048576} MB: the file is not a list of persona records, or a bracket is never closed.`, { file: this.file, line: this.elemLine });
    }
  }

  private keepWhole(text: string): void {
    this.whole.push(text);
    this.wholeChars += text.length;
    if (this.wholeChars > 256 * 1024 * 1024) {
      throw new AppError('FormatError', 'a JSON object over 256 MB: save the personas as a JSON list or JSON Lines (one per line), which stream.', { file: this.file });
    }
  }

  private fail(message: string, line = this.line): never {
    throw new AppError('FormatError', message, { file: this.file, line });
  }

  private scan(from: number): void {
    const s = this.buf;
    for (let i = from; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) this.line++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === 92 /* \ */) this.escape = true;
        else if (c === 34 /* " */) {
          this.inString = false;
          if (this.depth === 1 && this.top === '{' && this.member === 'key') this.member = 'colon';
        }
        continue;
      }
      if (c === 10 || c === 32 || c === 9 || c === 13) continue;
      if (this.closed) this.fail('unexpected text after the end of the JSON document.');
      if (this.top === undefined) {
        if (c === 91 /* [ */) this.top = '[';
        else if (c === 123 /* { */) {
          this.top = '{';
          this.keepWhole(s.slice(i));
        } else this.fail('not a JSON document of persona records: it must start with [ (a list) or { (one record or a map of them).');
        this.depth = 1;
        continue;
      }
      if (this.depth === 1 && this.top === '[') {
        if (this.inScalar) {
          if (c !== 44 && c !== 93) continue;
          this.inScalar = false;
        }
        if (this.elemStart < 0) {
          if (c === 44 /* , */) continue;
          if (c === 93 /* ] */) {
            this.depth = 0;
            this.closed = true;
            this.closedLine = this.line;
            continue;
          }
          if (c !== 123 && c !== 91) {
            // A string, number, true, false or null in the list: not a record.
            this.onIssue(this.line, 'list element is not a JSON object');
            if (c === 34) this.inString = true;
            else this.inScalar = true;
            continue;
          }
          this.elemStart = i;
          this.elemLine = this.line;
        }
      }
      if (this.depth === 1 && this.top === '{') {
        if (c === 58 /* : */ && this.member === 'colon') this.member = 'value';
        else if (c === 44 /* , */) this.member = 'key';
        else if (this.member === 'value') {
          this.memberLines.push(this.line);
          this.member = 'after';
        }
      }
      if (c === 34) this.inString = true;
      else if (c === 91 || c === 123) this.depth++;
      else if (c === 93 || c === 125) {
        this.depth--;
        if (this.depth === 0) {
          this.closed = true;
          this.closedLine = this.line;
        } else if (this.depth === 1 && this.top === '[' && this.elemStart >= 0) this.emitElement(i + 1);
      }
    }
  }

  private emitElement(end: number): void {
    const text = this.buf.slice(this.elemStart, end);
    const line = this.elemLine;
    this.elemStart = -1;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      this.fail(`the record starting here is not valid JSON (${jsonMessage(e)}).`, line);
    }
    if (isRecord(value)) this.onRecord(value, line);
    else this.onIssue(line, 'list element is not a JSON object');
  }

  end(): void {
    if (this.top === undefined) this.fail('the file is empty: no JSON document.', 1);
    if (!this.closed || this.inString) {
      this.fail(`the file ends before the JSON ${this.top === '[' ? 'list' : 'object'} is closed: it looks truncated. Download or export it again.`);
    }
    if (this.top === '[') return;
    const text = this.whole.join('');
    this.whole = [];
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      const m = /position (\d+)/.exec(e instanceof Error ? e.message : '');
      const line = m ? 1 + countNewlines(text, 0, Number(m[1])) : this.closedLine;
      this.fail(`not valid JSON (${jsonMessage(e)}).`, line);
    }
    this.object(value as RawRecord);
  }

  /** Interprets a top-level object: one record, a map of records, or a wrapper of one list. */
  private object(obj: RawRecord): void {
    const entries = Object.entries(obj);
    const lineOf = (i: number): number => this.memberLines[i] ?? 1;
    if (entries.length === 1 && Array.isArray(entries[0]![1])) {
      // Elements of a wrapped list share the list's line: the object was parsed whole.
      for (const v of entries[0]![1] as unknown[]) {
        if (isRecord(v)) this.onRecord(v, lineOf(0));
        else this.onIssue(lineOf(0), 'list element is not a JSON object');
      }
      return;
    }
    const isSpec = obj['type'] === 'TinyPerson' || (entries.length === 1 && 'persona' in obj);
    if (!isSpec && entries.length > 0 && entries.every(([, v]) => isRecord(v))) {
      // Integer-like keys come first in JS objects; file order otherwise, as memberLines is.
      const ordered = entries.every(([k]) => !/^(0|[1-9]\d*)$/.test(k));
      entries.forEach(([k, v], i) => this.onRecord({ _key: k, ...(v as RawRecord) }, ordered ? lineOf(i) : 1));
      return;
    }
    this.onRecord(obj, 1);
  }
}

interface PapaStep {
  data: string[][];
  errors: { code: string }[];
  meta: { cursor: number };
}

/**
 * CSV/TSV with a header row, via Papa Parse's core parser (quoting rules), streamed the way its
 * ChunkStreamer does it: parse what there is, hold back the incomplete last row. A row with another
 * number of cells than the header is skipped; an unclosed quote at the end is a truncated file.
 */
export class TableRecords implements TextParser {
  private pending = '';
  private line = 1;
  private rowStart = 0;
  private rowLine = 1;
  private input = '';
  private final = false;
  private header: string[] | undefined;
  private readonly parser: Papa.Parser;

  constructor(
    delimiter: ',' | '\t',
    private readonly file: string,
    private readonly onRecord: RecordHandler,
    private readonly onIssue: IssueHandler,
  ) {
    this.parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"', step: (r: PapaStep) => this.step(r) });
  }

  /** Column names once the header was read (preview). */
  get columns(): string[] | undefined {
    return this.header;
  }

  private step(r: PapaStep): void {
    const end = r.meta.cursor;
    const fields = r.data[0];
    const line = this.rowLine;
    this.rowLine += countNewlines(this.input, this.rowStart, end);
    this.rowStart = end;
    if (this.final && r.errors.some((e) => e.code === 'MissingQuotes')) {
      throw new AppError('FormatError', 'a quote (") opened in this row is never closed: the file is truncated or its quoting is broken.', { file: this.file, line });
    }
    if (!fields || (fields.length === 1 && fields[0]!.trim() === '')) return;
    if (!this.header) {
      this.header = fields.map((f) => f.trim());
      const dup = this.header.find((h, i) => h !== '' && this.header!.indexOf(h) !== i);
      if (dup !== undefined) throw new AppError('FormatError', `the header names column "${dup}" twice; rename one of them.`, { file: this.file, line });
      return;
    }
    if (fields.length !== this.header.length) {
      this.onIssue(line, `${fields.length} cells, the header has ${this.header.length}`);
      return;
    }
    const rec: RawRecord = {};
    for (let i = 0; i < fields.length; i++) if (this.header[i] !== '') rec[this.header[i]!] = fields[i];
    this.onRecord(rec, line);
  }

  private parse(text: string, final: boolean): void {
    this.input = text;
    this.rowStart = 0;
    this.rowLine = this.line;
    this.final = final;
    (this.parser.parse as (input: string, base: number, ignoreLastRow: boolean) => unknown)(text, 0, !final);
    this.pending = final ? '' : text.slice(this.rowStart);
    this.line = this.rowLine;
    this.input = '';
    if (this.pending.length > MAX_RECORD_CHARS) {
      throw new AppError('FormatError', `a row longer than ${MAX_RECORD_CHARS / 1048576} MB: probably a quote (") that is never closed. Fix the quoting or export the file again.`, { file: this.file, line: this.line });
    }
  }

  push(text: string): void {
    this.parse(this.pending.length === 0 ? text : this.pending + text, false);
  }

  end(): void {
    if (this.pending.length > 0) this.parse(this.pending, true);
    if (!this.header) throw new AppError('FormatError', 'the file is empty: no header row.', { file: this.file, line: 1 });
  }
}
