/** Corpus parsers: pure TypeScript, streaming, the same in Node, the browser and workers. */
export { readCorpus } from './read';
export { previewSource, suggestMapping } from './preview';
export { SummaryBuilder, nullSink } from './summary';
export { ReadContext } from './context';
export { detectFormat, requireMapping, isZipMagic, isHiddenPath, CORPUS_EXTENSIONS, type SourceKind } from './detect';
export { BlogXmlParser, parseBlogFileName, type BlogFileName } from './blog-xml';
export { BlogCsvParser, BLOG_CSV_COLUMNS, isBlogCsvHeader } from './blog-csv';
export { MappedTableParser, JsonlParser, jsonValue } from './mapped';
export { CsvRowReader, type RowHandler } from './csv-rows';
export { ChunkDecoder, decodeWindows1252, type EncodingFallback } from './decode';
export { parseBlogDate, parseAnyDate } from './dates';
export { countWords, decodeEntities } from './text';
export { openFile, SniffingSink, ZipReader, type ByteSink } from './readers';
export type { TextParser } from './parser';
