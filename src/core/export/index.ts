/**
 * The export formats of a final persona set, by id: what the export panel lists and what a
 * download is named. Everything here is pure and runs in Node (tests, CLI) and the page alike.
 */
import type { StoredRun } from '../../contracts/run';
import type { PersonaRecord } from '../../contracts/persona';
import { finalSetOf, type FinalSet } from './final-set';
import { finalSetCsv, finalSetJsonl } from './tabular';
import { oasisRedditJson, oasisTwitterCsv } from './oasis';
import { tinyTroupeZip } from './tinytroupe';
import { systemPromptJsonl } from './system-prompt';
import { finalSetParquet } from './parquet';

export type ExportFormatId = 'jsonl' | 'csv' | 'parquet' | 'oasis-reddit' | 'oasis-twitter' | 'tinytroupe' | 'system-prompts';

export interface ExportFormat {
  id: ExportFormatId;
  label: string;
  /** One sentence for the panel: what it is and what reads it. */
  description: string;
  extension: string;
  mime: string;
  write: (set: FinalSet) => string | Uint8Array;
}

export const EXPORT_FORMATS: readonly ExportFormat[] = [
  { id: 'jsonl', label: 'JSONL (everything)', description: 'One persona per line: narrative, traits, percentiles vs the reference, weight, group, provenance, quality and answers.', extension: 'jsonl', mime: 'application/x-ndjson', write: finalSetJsonl },
  { id: 'csv', label: 'CSV', description: 'Flat columns for R, pandas or a spreadsheet; cells that a spreadsheet would run as formulas get a leading apostrophe.', extension: 'csv', mime: 'text/csv', write: finalSetCsv },
  { id: 'parquet', label: 'Parquet', description: 'The CSV columns, typed, for pandas, Polars, DuckDB or Arrow.', extension: 'parquet', mime: 'application/vnd.apache.parquet', write: finalSetParquet },
  { id: 'oasis-reddit', label: 'OASIS profiles (Reddit JSON)', description: 'Agent profiles for camel-ai OASIS generate_reddit_agent_graph.', extension: 'oasis-reddit.json', mime: 'application/json', write: oasisRedditJson },
  { id: 'oasis-twitter', label: 'OASIS profiles (Twitter CSV)', description: 'Agent profiles for camel-ai OASIS generate_twitter_agent_graph.', extension: 'oasis-twitter.csv', mime: 'text/csv', write: oasisTwitterCsv },
  { id: 'tinytroupe', label: 'TinyTroupe agents (.agent.json, zip)', description: 'One TinyPerson specification per persona for TinyPerson.load_specification.', extension: 'tinytroupe.zip', mime: 'application/zip', write: tinyTroupeZip },
  { id: 'system-prompts', label: 'System prompts (chat JSONL)', description: 'One {"messages":[{"role":"system",…}]} line per persona for any chat model.', extension: 'system-prompts.jsonl', mime: 'application/x-ndjson', write: systemPromptJsonl },
];

export function exportFormat(id: string): ExportFormat | undefined {
  return EXPORT_FORMATS.find((f) => f.id === id);
}

export interface ExportFile {
  filename: string;
  mime: string;
  data: string | Uint8Array;
}

/** The file for one run in one format (records: see finalSetOf); an InputError when the run has not finished. */
export function exportRun(run: StoredRun, format: ExportFormatId, records?: readonly PersonaRecord[]): ExportFile {
  const f = exportFormat(format)!;
  const set = finalSetOf(run, records);
  return { filename: `${fileStem(run)}.${f.extension}`, mime: f.mime, data: f.write(set) };
}

/** "persona-set-<method>-k<K>-<run id>" reduced to safe file-name characters. */
export function fileStem(run: StoredRun): string {
  const m = run.result?.manifest;
  const method = typeof m?.method === 'string' ? m.method : run.kind;
  const k = run.result?.selected.length ?? 0;
  return `persona-set-${method}-k${k}-${run.id}`.replace(/[^A-Za-z0-9._-]+/g, '_');
}

export { finalSetOf, finalSetRows, type FinalSet, type FinalSetRow } from './final-set';
export { referencePercentiles } from './percentiles';
export { finalSetCsv, finalSetJsonl, CSV_COLUMNS } from './tabular';
export { oasisRedditJson, oasisRedditProfiles, oasisTwitterCsv, OASIS_TWITTER_COLUMNS } from './oasis';
export { tinyPersonSpec, tinyTroupeFiles, tinyTroupeZip } from './tinytroupe';
export { systemPrompt, systemPromptJsonl } from './system-prompt';
export { finalSetParquet } from './parquet';
