/**
 * Will an import fit in the browser storage left to the app? A pure estimate the import panel makes
 * before it starts (from navigator.storage.estimate(): quota − usage).
 *
 * IMPORT_OVERHEAD, how many bytes of storage one byte of source takes once imported, was measured
 * with the current importer in Chromium (test project `browser`): 40 Blog Authorship XML files,
 * 1.71 MB of random words (incompressible, the worst case for IndexedDB's value compression),
 * raised estimate().usage by 1.83 MB once the import finished: a factor of 1.07. Post pages, author
 * summaries and the corpus record are all in that figure; markup the parser drops is not stored.
 * Real prose compresses, so it needs less. 1.25 adds room for LevelDB's write-ahead log and
 * compaction, which hold extra bytes while the import runs, without warning on imports that fit.
 */
export const IMPORT_OVERHEAD = 1.25;

export interface StorageFitInput {
  /** Total size of the files to import, in bytes. */
  sourceBytes: number;
  /** navigator.storage.estimate().usage, bytes. */
  usage: number;
  /** navigator.storage.estimate().quota, bytes. */
  quota: number;
  /** Storage bytes per source byte; IMPORT_OVERHEAD unless given. */
  overhead?: number;
}

export interface StorageFit {
  /** Bytes the import is expected to need: sourceBytes × overhead, rounded up. */
  needed: number;
  /** quota − usage, never negative. */
  free: number;
  fits: boolean;
}

export function storageFit(input: StorageFitInput): StorageFit {
  const overhead = input.overhead ?? IMPORT_OVERHEAD;
  const sane = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);
  const needed = Math.ceil(sane(input.sourceBytes) * (Number.isFinite(overhead) && overhead > 0 ? overhead : IMPORT_OVERHEAD));
  const free = Math.max(0, sane(input.quota) - sane(input.usage));
  return { needed, free, fits: needed <= free };
}

/**
 * The fit for an estimate that may lack figures (browsers without StorageManager, or a failed
 * estimate): null when the quota is unknown, since then nothing can be said.
 */
export function storageFitFromEstimate(sourceBytes: number, estimate: { usage?: number; quota?: number } | null | undefined): StorageFit | null {
  if (!estimate || typeof estimate.quota !== 'number' || !Number.isFinite(estimate.quota) || estimate.quota <= 0) return null;
  return storageFit({ sourceBytes, usage: estimate.usage ?? 0, quota: estimate.quota });
}
