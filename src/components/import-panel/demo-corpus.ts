/**
 * The bundled demo corpus (public/demo-corpus/): synthetic Blog-XML files listed in index.json,
 * fetched from this app's own origin and wrapped as Files so they take the same import path as
 * a user's files.
 */

export const DEMO_CORPUS_NAME = 'Demo corpus (synthetic blogs)';

/** Accepts `["a.xml", …]`, `{files: ["a.xml", …]}` or `{files: [{name: "a.xml"}, …]}`. */
export function parseDemoIndex(json: unknown): string[] {
  const list = Array.isArray(json)
    ? json
    : typeof json === 'object' && json !== null && Array.isArray((json as { files?: unknown }).files)
      ? (json as { files: unknown[] }).files
      : null;
  if (!list) throw new Error('The demo corpus index has an unexpected shape (expected a list of file names).');
  const names = list.map((item) =>
    typeof item === 'string'
      ? item
      : typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string'
        ? (item as { name: string }).name
        : null,
  );
  const valid = names.filter((n): n is string => n !== null && !n.includes('..') && !n.startsWith('/'));
  if (valid.length === 0) throw new Error('The demo corpus index lists no files.');
  return valid;
}

export async function fetchDemoCorpus(
  baseUrl: string = `${import.meta.env.BASE_URL}demo-corpus/`,
  signal?: AbortSignal,
): Promise<File[]> {
  const res = await fetch(`${baseUrl}index.json`, { signal });
  if (!res.ok) throw new Error(`The demo corpus is missing from this build (HTTP ${res.status} for index.json).`);
  const names = parseDemoIndex(await res.json());
  return Promise.all(
    names.map(async (name) => {
      const r = await fetch(baseUrl + name.split('/').map(encodeURIComponent).join('/'), { signal });
      if (!r.ok) throw new Error(`Demo file ${name} could not be loaded (HTTP ${r.status}).`);
      return new File([await r.blob()], name.split('/').pop() ?? name, { type: r.headers.get('content-type') ?? '' });
    }),
  );
}
