/**
 * The human reference as the app stores it (METHOD.md §4–§5): one record per imported or sampled
 * reference, plus its points. Implemented by src/storage/reference-store.ts (reads, delete, cloud
 * loading) and the reference worker (workers/reference.worker.ts, reached through
 * src/services/reference-service.ts), which writes.
 *
 * Everything a user needs to judge a reference travels in ReferenceInfo: where it came from, which
 * filters were applied, how many rows each filter dropped, and per-trait summaries. Points stay in
 * a separate store and are read only by loadReferenceCloud.
 */
import type { WeightedCloud } from '../core/cloud';
import type { Progress, ProgressCallback } from './progress';

export type ReferenceKind = 'ffm' | 'csv' | 'builtin';

/** Where the rows came from. */
export type ReferenceSource =
  /** A file the user chose (IPIP-FFM data-final.csv or a reference CSV). */
  | {
      kind: 'file';
      fileName: string;
      /** Bytes. */
      size: number;
      lastModified: number;
      /** Lower-case hex SHA-256 of the file's bytes, computed while streaming; null when not computed. */
      sha256: string | null;
    }
  /** A seeded sample from public/reference/builtin-reference.json (approximate, never real norms). */
  | {
      kind: 'builtin';
      builtinId: string;
      builtinName: string;
      seed: number;
      n: number;
      /** The entry's one-line source and its citations, copied so the record stays self-describing. */
      sourceText: string;
      citations: string[];
      /** Which of mean / sd / correlation the entry assumed rather than sourced. */
      assumed: ('mean' | 'sd' | 'correlation')[];
      /** Drawn values outside [1, 5] that were clamped. */
      clampedValues: number;
    };

/** The filters applied while importing; null = not applied / not applicable to this kind. */
export interface ReferenceFilters {
  /** IPIP-FFM: keep only IPC == 1 rows. */
  ipcOne: boolean | null;
  /** "drop" or "min:K" (scoring.ts formatMissingPolicy); null for trait-column CSVs and builtins. */
  missing: string | null;
  /** IPIP-FFM: minimum `testelapse` seconds. */
  minTestTime: number | null;
  /** Kept countries (ISO alpha-2, NONE = unknown); null = all. */
  countries: string[] | null;
  /** The region preset or custom group the country list came from, when one was picked. */
  countryGroup: { id: string; name: string; basis: string } | null;
}

export interface ReferenceRowCounts {
  /** Data rows read (header and empty lines excluded). */
  read: number;
  kept: number;
  /** Rows dropped, by reason (ffm: ipc, country, testTime, missing, truncated; csv: missing). */
  dropped: Record<string, number>;
  /** Kept rows scored from fewer than 50 answers (min:K policy). */
  keptWithMissing: number;
}

export interface ReferenceInfo {
  id: string;
  name: string;
  kind: ReferenceKind;
  /** ms since the epoch. */
  createdAt: number;
  /** Points stored (= rows.kept). */
  n: number;
  source: ReferenceSource;
  filters: ReferenceFilters;
  rows: ReferenceRowCounts;
  /** Kept rows per country code; null when the source has no country column. */
  perCountry: Record<string, number> | null;
  /** Weighted per-trait mean and SD, TRAITS order, on the points as stored. */
  mean: number[];
  sd: number[];
  /** Weighted 5×5 Pearson correlation of the stored points, TRAITS order. */
  correlation: number[][];
  /** Cronbach's α per trait (TRAITS order) when item answers were available; null otherwise. */
  alpha: number[] | null;
  /** True when the file had a weight column (otherwise weights are uniform). */
  weighted: boolean;
  /** 'approximate' for builtin samples; null for real data. The UI shows it as a badge. */
  label: 'approximate' | null;
  /** Extra notes shown with the reference (e.g. the builtin sampling note). */
  notes: string[];
  /** Milliseconds the import took. */
  elapsedMs: number;
}

export interface LoadCloudOptions {
  /** Keep only points of these countries (ISO alpha-2, NONE = unknown). All points when omitted. */
  countries?: readonly string[];
}

/**
 * What the Align stage (and the reference manager) reads. Bound to one database; the app's
 * implementation is ReferenceStore in src/storage/reference-store.ts.
 */
export interface ReferenceStoreApi {
  /** Stored references, newest first. */
  listReferences(): Promise<ReferenceInfo[]>;
  getReferenceInfo(id: string): Promise<ReferenceInfo | undefined>;
  /**
   * The reference's points as a WeightedCloud (d = 5, TRAITS order; stored weights renormalised to
   * the subset). With `countries`, only those rows: InputError when the reference has no country
   * data or no row matches. NotFound is an InputError naming the id.
   */
  loadReferenceCloud(id: string, options?: LoadCloudOptions): Promise<WeightedCloud>;
  /** Removes record and points together; unknown ids are a no-op. */
  deleteReference(id: string): Promise<void>;
}

/** Filters for an IPIP-FFM import (all optional; ipcOne defaults to true). */
export interface FfmFilterOptions {
  ipcOne?: boolean;
  /** "drop" (default) or "min:K". */
  missing?: string;
  minTestTime?: number;
  countries?: string[];
  /** Recorded with the reference when the list came from a preset or custom group. */
  countryGroup?: { id: string; name: string; basis: string };
}

export interface FfmImportRequest {
  file: File;
  name?: string;
  filters?: FfmFilterOptions;
  /** Compute the file's SHA-256 while streaming (default true; measured +36% time on a 422 MB file). */
  hash?: boolean;
}

export interface CsvImportRequest {
  file: File;
  name?: string;
  /** Missing-answer policy for item-column files: "drop" (default) or "min:K". */
  missing?: string;
}

export interface BuiltinSampleRequest {
  /** Entry id in builtin-reference.json (e.g. "global", "east-asia"). */
  builtinId: string;
  n: number;
  seed: number;
  name?: string;
}

/** The reference worker's API (comlink). One job at a time; every write is all-or-nothing. */
export interface ReferenceImportWorkerApi {
  /** Streams the file (never whole in memory); rejects with AbortError on cancel, store unchanged. */
  importFfm(req: FfmImportRequest, onProgress: ProgressCallback): Promise<ReferenceInfo>;
  importCsv(req: CsvImportRequest, onProgress: ProgressCallback): Promise<ReferenceInfo>;
  /** `builtinJson` is the parsed builtin-reference.json (the page fetches it; workers need no base URL). */
  createBuiltinSample(req: BuiltinSampleRequest, builtinJson: unknown, onProgress: ProgressCallback): Promise<ReferenceInfo>;
  cancel(): void;
}

export type { Progress, ProgressCallback };
