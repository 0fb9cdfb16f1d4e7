/** Dates found in corpora → ISO YYYY-MM-DD (UTC), or null when we cannot read them with confidence. */

const MONTHS: Record<string, number> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9,
  october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
};

function iso(y: number, m: number, d: number): string | null {
  if (!(y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && d >= 1)) return null;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  if (d > days) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * The blog corpus form `31,May,2004`. English month names only: the real corpus also has months in
 * other languages (e.g. `12,Mai,2004`); those posts are kept without a date and counted.
 */
export function parseBlogDate(raw: string): string | null {
  const m = /^\s*(\d{1,2})\s*,\s*([A-Za-z]+)\s*,\s*(\d{4})\s*$/.exec(raw);
  if (!m) return null;
  const month = MONTHS[m[2]!.toLowerCase()];
  return month === undefined ? null : iso(Number(m[3]), month, Number(m[1]));
}

/**
 * Dates of generic exports: ISO dates/timestamps, the blog form, Unix epoch seconds or
 * milliseconds (Reddit `created_utc`), and `May 31, 2004` / `31 May 2004`.
 */
export function parseAnyDate(raw: string): string | null {
  const s = raw.trim();
  if (s === '') return null;
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T\s])/.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})\/(\d{1,2})\/(\d{1,2})(?:$|\s)/.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  if (/^\d{9,13}(\.\d+)?$/.test(s)) {
    const n = Number(s);
    const ms = s.split('.')[0]!.length >= 12 ? n : n * 1000;
    const d = new Date(ms);
    return iso(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
  }
  const blog = parseBlogDate(s);
  if (blog) return blog;
  // Twitter API v1: `Wed Oct 10 20:19:24 +0000 2018`
  m = /^[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) \d\d:\d\d:\d\d [+-]\d{4} (\d{4})$/.exec(s);
  if (m && MONTHS[m[1]!.toLowerCase()] !== undefined) return iso(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]));
  m = /^([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})/.exec(s);
  if (m && MONTHS[m[1]!.toLowerCase()] !== undefined) return iso(Number(m[3]), MONTHS[m[1]!.toLowerCase()]!, Number(m[2]));
  m = /^(?:[A-Za-z]{3},\s*)?(\d{1,2})\s+([A-Za-z]+)\.?\s+(\d{4})/.exec(s);
  if (m && MONTHS[m[2]!.toLowerCase()] !== undefined) return iso(Number(m[3]), MONTHS[m[2]!.toLowerCase()]!, Number(m[1]));
  return null;
}
