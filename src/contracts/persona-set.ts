/**
 * An imported persona set (store `personaSets`, v4): a persona file the user brought (PersonaHub,
 * Nemotron-Personas, TinyTroupe, OASIS, this app's export, any JSONL/JSON/CSV/Parquet). Its personas
 * live in the `personas` store under `corpusId = set id` (the store's owner key: a corpus id for
 * mined personas, a set id for imported ones) with `source.kind === 'imported'`, so they go through
 * Quality → Profile → Align → Target → Results like mined ones and are never confused with them.
 */
export type PersonaSetStatus = 'importing' | 'ready';

export interface PersonaSetInfo {
  /** "set-…"; never equal to a corpus id. */
  id: string;
  name: string;
  status: PersonaSetStatus;
  createdAt: string;
  /** The file: name, size, SHA-256, detected or chosen format/preset. */
  file: { name: string; bytes: number; sha256: string | null; format: string };
  /** How records became personas (text field(s), id field, metadata fields, trait fields). */
  mapping: Record<string, unknown>;
  count: number;
  /** Personas that came with trait scores in the file. */
  withTraits: number;
  /** Rows skipped and why (first few kept with line numbers). */
  skipped: number;
  skips: Array<{ line: number; reason: string }>;
}
