import Papa from 'papaparse';
import { AppError } from '../errors';
import { countNewlines, type TextParser } from './parser';

/** A row of fields with the 1-based physical line it starts on (quoted newlines count as lines). */
export type RowHandler = (fields: string[], line: number) => void;

interface PapaStepResult {
  data: string[][];
  meta: { cursor: number };
}

/** No row should be longer than this; an unclosed quote would otherwise swallow the whole file. */
const MAX_PENDING_CHARS = 8 * 1024 * 1024;

/**
 * Streams CSV/TSV text into rows, using Papa Parse's core parser for the quoting rules. Papa's own
 * streaming needs a Node stream or a File; this does what its ChunkStreamer does: parse the text
 * so far, hold back the incomplete last row, and parse it again with the next chunk.
 */
export class CsvRowReader implements TextParser {
  private pending = '';
  /** Line of pending[0]. */
  private line = 1;
  /** Start of the next row within the text being parsed, and the line it starts on. */
  private rowStart = 0;
  private rowLine = 1;
  private input = '';
  private readonly parser: Papa.Parser;

  constructor(
    delimiter: ',' | '\t',
    private readonly onRow: RowHandler,
    private readonly file: string,
  ) {
    this.parser = new Papa.Parser({
      delimiter,
      newline: '\n',
      quoteChar: '"',
      step: (r: PapaStepResult) => this.step(r),
    });
  }

  private step(r: PapaStepResult): void {
    const end = r.meta.cursor;
    const fields = r.data[0];
    const line = this.rowLine;
    this.rowLine += countNewlines(this.input, this.rowStart, end);
    this.rowStart = end;
    // Blank lines come back as one empty field: not a row.
    if (fields && !(fields.length === 1 && fields[0] === '')) this.onRow(fields, line);
  }

  private parse(text: string, final: boolean): void {
    this.input = text;
    this.rowStart = 0;
    this.rowLine = this.line;
    (this.parser.parse as (input: string, base: number, ignoreLastRow: boolean) => unknown)(text, 0, !final);
    this.pending = final ? '' : text.slice(this.rowStart);
    this.line = this.rowLine;
    this.input = '';
    if (this.pending.length > MAX_PENDING_CHARS) {
      throw new AppError(
        'FormatError',
        `a row longer than ${MAX_PENDING_CHARS / 1048576} MB: probably a quote (") that is never closed. Fix the quoting or export the file again.`,
        { file: this.file, line: this.line },
      );
    }
  }

  push(text: string): void {
    this.parse(this.pending.length === 0 ? text : this.pending + text, false);
  }

  end(): void {
    if (this.pending.length > 0) this.parse(this.pending, true);
  }
}
