/** Reading a FieldSpec out of a record, and turning what is there into text. */
import type { FieldSpec } from './types';

/** One record as read from any format: CSV cells are strings, JSON and Parquet values keep their type. */
export type RawRecord = Record<string, unknown>;

/** `path` as a key of its own first, else as a dotted path into nested objects. */
function lookup(rec: RawRecord, path: string): unknown {
  if (path in rec) return rec[path];
  if (!path.includes('.')) return undefined;
  let v: unknown = rec;
  for (const part of path.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = (v as RawRecord)[part];
  }
  return v;
}

/** Nesting deeper than this is not rendered (a hostile file must not overflow the stack). */
const MAX_DEPTH = 16;

/** True when a value counts as absent: undefined, null, '' or only whitespace, empty list/object. */
export function isBlank(v: unknown, depth = 0): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (typeof v === 'number' || typeof v === 'bigint') return false;
  if (depth >= MAX_DEPTH) return true;
  if (Array.isArray(v)) return v.every((x) => isBlank(x, depth + 1));
  if (typeof v === 'object') return Object.values(v as RawRecord).every((x) => isBlank(x, depth + 1));
  return false;
}

/** The value of the first alternative of `spec` (`a|b`) that is not blank; undefined when none is. */
export function getField(rec: RawRecord, spec: FieldSpec): unknown {
  return getFirst(rec, alternatives(spec));
}

/** getField over alternatives already split (the mapper splits each spec once, not per row). */
export function getFirst(rec: RawRecord, alts: readonly string[]): unknown {
  for (let i = 0; i < alts.length; i++) {
    const v = lookup(rec, alts[i]!);
    if (!isBlank(v)) return v;
  }
  return undefined;
}

export function alternatives(spec: FieldSpec): string[] {
  return spec.split('|').map((s) => s.trim()).filter((s) => s !== '');
}

/** The alternatives of `spec` that name one of `fields` (joined with '|'), or undefined when none does. */
export function presentAlternative(spec: FieldSpec, fields: ReadonlySet<string>): string | undefined {
  const present = alternatives(spec).filter((a) => fields.has(a) || [...fields].some((f) => f.startsWith(a + '.')));
  return present.length > 0 ? present.join('|') : undefined;
}

/**
 * Text of a value: strings as they are, numbers and booleans written out, lists as "a; b; c",
 * objects as "key: value; …" (TinyTroupe's nested persona facets), Dates as ISO.
 */
export function renderValue(v: unknown, depth = 0): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : v.toISOString();
  if (depth >= MAX_DEPTH) return '';
  if (Array.isArray(v)) return v.map((x) => renderValue(x, depth + 1)).filter((s) => s !== '').join('; ');
  if (typeof v === 'object') {
    return Object.entries(v as RawRecord)
      .map(([k, x]) => [k, renderValue(x, depth + 1)] as const)
      .filter(([, s]) => s !== '')
      .map(([k, s]) => `${k.replace(/_/g, ' ')}: ${s}`)
      .join('; ');
  }
  return '';
}

/** Field names of a record, nested objects as dotted paths (depth-limited), lists as leaves. */
export function fieldPaths(rec: RawRecord, prefix = '', depth = 3, out: string[] = []): string[] {
  for (const [k, v] of Object.entries(rec)) {
    const path = prefix + k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && depth > 1) {
      out.push(path);
      fieldPaths(v as RawRecord, path + '.', depth - 1, out);
    } else out.push(path);
  }
  return out;
}
