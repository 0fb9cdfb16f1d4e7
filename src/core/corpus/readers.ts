import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { CorpusReadOptions } from '../../contracts/corpus';
import { isAppError } from '../errors';
import { BlogCsvParser } from './blog-csv';
import { BlogXmlParser, parseBlogFileName } from './blog-xml';
import type { ReadContext } from './context';
import { ChunkDecoder } from './decode';
import { detectFormat, HEAD_BYTES, isHiddenPath, requireMapping, type SourceKind } from './detect';
import { JsonlParser, MappedTableParser } from './mapped';
import { baseName, type TextParser } from './parser';

/** Receives one file's bytes in order. */
export interface ByteSink {
  push(bytes: Uint8Array): void;
  end(): void;
}

const ignore: ByteSink = { push() {}, end() {} };

/** Holds the first bytes until the format can be told, then hands everything to what `open` returns. */
export class SniffingSink implements ByteSink {
  private head: Uint8Array[] = [];
  private headLength = 0;
  private target: ByteSink | undefined;

  constructor(private readonly open: (head: Uint8Array) => ByteSink) {}

  push(bytes: Uint8Array): void {
    if (this.target) return this.target.push(bytes);
    this.head.push(bytes);
    this.headLength += bytes.length;
    if (this.headLength >= HEAD_BYTES) this.start();
  }

  end(): void {
    if (!this.target) this.start();
    this.target!.end();
  }

  private start(): void {
    const head = new Uint8Array(this.headLength);
    let at = 0;
    for (const b of this.head) {
      head.set(b, at);
      at += b.length;
    }
    const chunks = this.head;
    this.head = [];
    this.target = this.open(head);
    // The original chunks, not `head`: parsers see the same chunking as the source gave.
    for (const c of chunks) this.target.push(c);
  }
}

/** Decodes bytes and feeds a format parser; reports an encoding fallback once per file. */
class TextFileReader implements ByteSink {
  private readonly decoder = new ChunkDecoder();

  constructor(
    private readonly ctx: ReadContext,
    private readonly file: string,
    private readonly parser: TextParser,
  ) {}

  push(bytes: Uint8Array): void {
    const text = this.decoder.push(bytes);
    if (text.length > 0) this.parser.push(text);
  }

  end(): void {
    const text = this.decoder.end();
    if (text.length > 0) this.parser.push(text);
    // Reported here, not when it happens, so the order of reports never depends on chunking.
    const fb = this.decoder.fallback;
    if (fb) {
      this.ctx.skip(this.file, fb.line, `not valid UTF-8 from byte ${fb.byte} on; read the rest of the file as windows-1252 (Latin-1)`);
    }
    this.parser.end();
  }
}

function parserFor(kind: Exclude<SourceKind, 'zip'>, file: string, ctx: ReadContext, options: CorpusReadOptions): TextParser {
  const mapping = requireMapping(kind, file, options.mapping);
  switch (kind) {
    case 'blog-xml': {
      const parsed = parseBlogFileName(file);
      const key = parsed?.id ?? baseName(file).replace(/\.[^.]*$/, '');
      const meta: Record<string, string> = parsed
        ? { gender: parsed.gender, age: parsed.age, industry: parsed.industry, sign: parsed.sign }
        : {};
      return new BlogXmlParser(ctx, file, key, meta);
    }
    case 'blog-csv':
      return new BlogCsvParser(ctx, file);
    case 'csv':
      return new MappedTableParser(ctx, file, mapping!, ',');
    case 'tsv':
      return new MappedTableParser(ctx, file, mapping!, '\t');
    case 'jsonl':
      return new JsonlParser(ctx, file, mapping!);
  }
}

/** Picks the reader for a file (or zip entry) from its name and first bytes. */
export function openFile(file: string, head: Uint8Array, ctx: ReadContext, options: CorpusReadOptions, inZip = false): ByteSink {
  if (head.length === 0) {
    ctx.skip(file, 1, 'empty file');
    return ignore;
  }
  const kind = detectFormat(file, head, options.format);
  if (kind === undefined) {
    ctx.skip(file, 1, 'not a corpus file (expected blog .xml, .csv, .tsv, .jsonl or .zip); ignored');
    return ignore;
  }
  if (kind === 'zip') {
    if (inZip) {
      ctx.skip(file, 1, 'zip inside a zip; unzip the inner archive first');
      return ignore;
    }
    return new ZipReader(file, ctx, options);
  }
  const parser = parserFor(kind, file, ctx, options);
  ctx.beginFile(kind);
  return new TextFileReader(ctx, file, parser);
}

/** Streams a zip archive (fflate's streaming Unzip) and reads each entry as a file of its own. */
export class ZipReader implements ByteSink {
  private readonly unzip: Unzip;
  private readonly open = new Map<string, ByteSink>();
  private broken = false;

  constructor(
    private readonly zipName: string,
    private readonly ctx: ReadContext,
    private readonly options: CorpusReadOptions,
  ) {
    this.unzip = new Unzip((f) => this.entry(f));
    this.unzip.register(UnzipInflate);
  }

  private entry(f: UnzipFile): void {
    if (f.name.endsWith('/') || isHiddenPath(f.name)) return;
    const name = `${this.zipName}/${f.name}`;
    const sink = new SniffingSink((head) => openFile(name, head, this.ctx, this.options, true));
    this.open.set(name, sink);
    let got = 0;
    f.ondata = (err, data, final) => {
      if (err) {
        if (!this.open.delete(name)) return;
        this.ctx.skip(name, 1, `cannot unzip this entry (${err.message}); the archive may be damaged${got > 0 ? '. Kept what was read' : ''}`);
        if (got > 0) sink.end();
        return;
      }
      if (!this.open.has(name)) return;
      got += data.length;
      sink.push(data);
      if (final) {
        this.open.delete(name);
        sink.end();
      }
    };
    try {
      f.start();
    } catch {
      this.open.delete(name);
      this.ctx.skip(name, 1, `zip compression method ${f.compression} is not supported; re-create the archive with standard (deflate) compression`);
    }
  }

  push(bytes: Uint8Array): void {
    if (!this.broken) this.guard(() => this.unzip.push(bytes, false));
  }

  end(): void {
    if (!this.broken) this.guard(() => this.unzip.push(new Uint8Array(0), true));
    for (const [name, sink] of this.open) {
      this.ctx.skip(name, 1, 'the archive ends inside this entry (truncated zip?); kept what was read');
      sink.end();
    }
    this.open.clear();
  }

  /** fflate's own errors mean a damaged archive: report it, keep what was read, read no further. */
  private guard(step: () => void): void {
    try {
      step();
    } catch (e) {
      if (isAppError(e)) throw e;
      this.broken = true;
      const why = e instanceof Error ? e.message : String(e);
      if (this.open.size === 0) this.ctx.skip(this.zipName, 1, `the archive is damaged or truncated (${why}); kept what was read`);
    }
  }
}
