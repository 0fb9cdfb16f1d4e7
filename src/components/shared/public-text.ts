import { BUILTIN_REFERENCE_PATH, validateBuiltinReference, type BuiltinEntry } from '../../core/reference/builtin';

export type FetchText = (path: string) => Promise<string>;

/**
 * `fetchText` when the host was given one (tests), else the app's public files from its own
 * origin; the fetching module loads on first use, so it stays out of the first chunk.
 */
export function publicTextFetcher(fetchText: FetchText | undefined): FetchText {
  if (fetchText) return fetchText;
  return async (path) => (await import('../align-stage/default-runner')).fetchPublicText(path);
}

/** The built-in reference's entries, checked (throws when the file is missing or malformed). */
export async function loadBuiltinEntries(fetchText: FetchText): Promise<BuiltinEntry[]> {
  return validateBuiltinReference(JSON.parse(await fetchText(BUILTIN_REFERENCE_PATH)) as unknown).entries;
}
