import type { SourcePreview } from '../contracts/corpus-store';
import type { ColumnMapping } from '../contracts/corpus';

/**
 * Pure helpers behind the column-mapping dialog: a default mapping from the preview's guess (or
 * column names), and the checks that must pass before an import may start.
 */

const AUTHOR_NAMES = ['author', 'author_id', 'authorid', 'user', 'user_id', 'userid', 'username', 'id', 'blogger'];
const TEXT_NAMES = ['text', 'body', 'post', 'content', 'message', 'selftext', 'tweet', 'full_text'];
const DATE_NAMES = ['date', 'created_at', 'created_utc', 'timestamp', 'time', 'datetime', 'posted'];

function findColumn(columns: readonly string[], names: readonly string[]): string | undefined {
  const lower = columns.map((c) => c.toLowerCase());
  for (const n of names) {
    const i = lower.indexOf(n);
    if (i >= 0) return columns[i];
  }
  return undefined;
}

export function defaultMapping(preview: SourcePreview): ColumnMapping {
  const cols = preview.columns;
  const s = preview.suggested;
  if (s && cols.includes(s.author) && cols.includes(s.text)) {
    return {
      author: s.author,
      text: s.text,
      ...(s.date && cols.includes(s.date) ? { date: s.date } : {}),
      meta: s.meta.filter((m) => cols.includes(m)),
    };
  }
  const author = findColumn(cols, AUTHOR_NAMES) ?? '';
  const text = findColumn(cols, TEXT_NAMES) ?? '';
  const date = findColumn(cols, DATE_NAMES);
  return { author, text, ...(date ? { date } : {}), meta: [] };
}

/** Problems with a mapping, as sentences for the dialog; empty when it is usable. */
export function validateMapping(m: ColumnMapping, columns: readonly string[]): string[] {
  const errors: string[] = [];
  if (!m.author) errors.push('Choose the author column.');
  else if (!columns.includes(m.author)) errors.push(`There is no column “${m.author}”.`);
  if (!m.text) errors.push('Choose the text column.');
  else if (!columns.includes(m.text)) errors.push(`There is no column “${m.text}”.`);
  if (m.author && m.author === m.text) errors.push('Author and text must be different columns.');
  if (m.date && (m.date === m.author || m.date === m.text)) errors.push('The date column must differ from author and text.');
  return errors;
}
