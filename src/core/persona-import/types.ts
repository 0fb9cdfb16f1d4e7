/**
 * The persona-import API: how a persona file the user brought (PersonaHub, Nemotron-Personas,
 * TinyTroupe, OASIS, this app's own JSONL/export, any JSONL/JSON/CSV/TSV/Parquet) becomes
 * PersonaRecords. Pure data types, shared by the CLI, the import worker and the mapping dialog.
 */
import type { PersonaRecord } from '../../contracts/persona';
import type { Trait } from '../traits';

export const PERSONA_FILE_FORMATS = ['jsonl', 'json', 'csv', 'tsv', 'parquet'] as const;
/** The file's syntax (not its layout: that is the preset). */
export type PersonaFileFormat = (typeof PERSONA_FILE_FORMATS)[number];

export const PERSONA_PRESETS = ['personahub', 'nemotron', 'tinytroupe', 'oasis', 'persona-align', 'generic'] as const;
/** A known layout of persona records; 'generic' = a mapping the user made by hand. */
export type PersonaPresetId = (typeof PERSONA_PRESETS)[number];

export const TRAIT_SCALES = ['1-5', '0-1', '0-100', 'z'] as const;
/**
 * Scale of the trait scores in the file; every one is normalised to the 1–5 Likert mean:
 * '1-5' as is, '0-1' → 1 + 4x, '0-100' → 1 + 4x/100, 'z' → zMean + zSd·z clamped to [1, 5].
 */
export type TraitScale = (typeof TRAIT_SCALES)[number];

/**
 * A field of a record: a column name, a key, or a dotted path into nested objects
 * (`persona.occupation.title`). `a|b` means the first of a, b that has a value, so one preset
 * covers layouts that name a field differently (PersonaHub's `persona` / `input persona`).
 */
export type FieldSpec = string;

/** One piece of the persona text. With several parts each non-empty one becomes "Label: value". */
export interface TextPart {
  field: FieldSpec;
  /** Shown before the value when several parts are joined; the field name when absent. */
  label?: string;
}

export interface TraitMapping {
  /** Trait → field holding its score; traits left out make the persona's scores incomplete (none kept). */
  fields: Partial<Record<Trait, FieldSpec>>;
  scale: TraitScale;
  /** For 'z': the 1–5 value of z = 0 (default 3) and of one standard deviation (default 0.7). */
  zMean?: number;
  zSd?: number;
}

/** How the records of a file become personas (stored with the set and in the run manifest). */
export interface PersonaMapping {
  /** The preset this mapping came from ('generic' once the user changed it by hand). */
  preset: PersonaPresetId;
  /** The text: one field, or several joined with labels (e.g. Nemotron-Personas' persona facets). */
  text: TextPart[];
  /** The id field; absent or empty in a row → a stable id from the row's text ("p-…"). */
  id?: FieldSpec;
  /** meta key (see PERSONA_META_KEYS in src/contracts/persona.ts, or any other key) → field. */
  meta: Record<string, FieldSpec>;
  /** A field holding an object of strings merged into meta as is (this app's own `meta`). */
  metaObject?: FieldSpec;
  /** Trait scores that came with the file, if any. */
  traits?: TraitMapping;
}

/** A file to read: a browser File / Blob and a Node openAsBlob both fit. */
export interface PersonaFileSource {
  name: string;
  size: number;
  stream(): ReadableStream<Uint8Array>;
  /** Random access, needed for Parquet (its footer comes first). Blobs have it via `slice`. */
  slice?(start: number, end: number): Promise<ArrayBuffer>;
}

export interface PersonaReadOptions {
  mapping: PersonaMapping;
  /** The file's syntax; detected from the name and first bytes when absent. */
  format?: PersonaFileFormat;
  /** SHA-256 of the file when the caller already has it: stamped on every record's source. */
  sha256?: string;
  /** Records per yielded batch (default 1000). */
  batchSize?: number;
  /** Issues listed in full in the summary (default 1000; the counts stay exact). */
  maxIssuesListed?: number;
  signal?: AbortSignal;
}

/**
 * A row that did not become a persona as it was ('skipped'), or did with a change ('kept': a
 * generated id, trait scores dropped). `line` is the physical line (JSONL, JSON, CSV; quoted
 * newlines count) or the 1-based row number (Parquet).
 */
export interface PersonaRowIssue {
  file: string;
  line: number;
  reason: string;
  outcome: 'skipped' | 'kept';
}

export interface PersonaReadProgress {
  /** Bytes of the file consumed so far, of `totalBytes`. */
  bytesRead: number;
  totalBytes: number;
  /** Records seen in the file, personas produced, rows skipped. */
  rows: number;
  records: number;
  skipped: number;
  /** Personas that came with complete trait scores. */
  withTraits: number;
}

/** What readPersonaRecords yields: the next personas and issues, and where the read stands. */
export interface PersonaBatch {
  records: PersonaRecord[];
  issues: PersonaRowIssue[];
  progress: PersonaReadProgress;
}

export interface PersonaImportSummary extends PersonaReadProgress {
  file: string;
  format: PersonaFileFormat;
  mapping: PersonaMapping;
  /** SHA-256 (hex) of the bytes read: the whole file. */
  sha256: string;
  /** Counts by outcome; `issues` lists the first maxIssuesListed of them. */
  issueCount: number;
  issues: PersonaRowIssue[];
}

/** What the mapping dialog shows before the import: first rows, fields, a suggested mapping. */
export interface PersonaFilePreview {
  file: string;
  format: PersonaFileFormat;
  /** Every field seen in the first rows, nested keys as dotted paths. */
  fields: string[];
  /** The first rows, values as text (long ones clipped). */
  rows: Record<string, string>[];
  /** The preset the fields look like, and its mapping restricted to the fields present. */
  suggested: { preset: PersonaPresetId; mapping: PersonaMapping };
  /** The text the suggested mapping makes of the first row, for the dialog's sample. */
  sampleText: string;
}
