/**
 * Storage capability for the UI's capability panel: how much the origin uses and may use, and
 * whether its data is protected from eviction. Each wrapper returns null where the browser lacks
 * the API (old browsers, some private modes) instead of throwing.
 */

export interface StorageEstimateInfo {
  /** Bytes used by this origin (all storage types). */
  usage: number;
  /** Bytes this origin may use; browsers report an upper bound, often a share of free disk. */
  quota: number;
  /** quota − usage, never negative. */
  available: number;
}

function storageManager(): StorageManager | undefined {
  return typeof navigator !== 'undefined' && 'storage' in navigator ? navigator.storage : undefined;
}

/** navigator.storage.estimate(), or null when unsupported. */
export async function estimateStorage(): Promise<StorageEstimateInfo | null> {
  const sm = storageManager();
  if (!sm?.estimate) return null;
  const e = await sm.estimate();
  const usage = e.usage ?? 0;
  const quota = e.quota ?? 0;
  return { usage, quota, available: Math.max(0, quota - usage) };
}

/** Whether storage is already persistent (not evicted under pressure), or null when unsupported. */
export async function isPersisted(): Promise<boolean | null> {
  const sm = storageManager();
  if (!sm?.persisted) return null;
  return sm.persisted();
}

/**
 * Asks the browser to make storage persistent. Browsers may grant silently (installed app, site
 * engagement), ask the user, or refuse; resolves with the outcome, or null when unsupported.
 */
export async function requestPersistence(): Promise<boolean | null> {
  const sm = storageManager();
  if (!sm?.persist) return null;
  return sm.persist();
}

/** "1.2 GB" style, for the panel and for error messages. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}
