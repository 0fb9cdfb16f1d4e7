import { AppError } from '../core/errors';
import type { Rng } from '../core/rng';

/**
 * The JSON Schema subset the app's prompts use (draft-07 keywords): type (one or a list), enum,
 * const, properties, required, additionalProperties (false only), items, minItems, maxItems,
 * minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers), minLength, maxLength, pattern
 * (validated, not generated), anyOf / oneOf. `$ref` and other composition keywords are refused
 * rather than silently ignored.
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type Schema = Record<string, unknown>;

const MAX_DEPTH = 12;
const FILLER = ['steady', 'curious', 'quiet', 'reading', 'music', 'weekend', 'friends', 'work', 'travel', 'coffee'];

function asSchema(v: unknown, path: string): Schema {
  if (typeof v === 'boolean') return v ? {} : { not: {} };
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    throw new AppError('InputError', `JSON schema at ${path} is not an object; pass a JSON Schema object.`);
  }
  const s = v as Schema;
  for (const k of ['$ref', 'allOf', 'not', 'if', 'patternProperties', 'dependencies']) {
    if (k in s) throw new AppError('InputError', `JSON schema at ${path} uses "${k}", which this app's schema subset does not support; inline it.`);
  }
  return s;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function types(s: Schema): string[] {
  const t = s['type'];
  if (typeof t === 'string') return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string');
  if (s['properties'] !== undefined || s['required'] !== undefined) return ['object'];
  if (s['items'] !== undefined) return ['array'];
  return [];
}

/** Inclusive integer bounds, or throws when none exists. */
function intBounds(s: Schema, path: string): [number, number] {
  let lo = num(s['minimum']);
  let hi = num(s['maximum']);
  const xlo = num(s['exclusiveMinimum']);
  const xhi = num(s['exclusiveMaximum']);
  if (lo !== undefined) lo = Math.ceil(lo);
  if (xlo !== undefined) lo = Math.max(lo ?? -Infinity, Math.floor(xlo) + 1);
  if (hi !== undefined) hi = Math.floor(hi);
  if (xhi !== undefined) hi = Math.min(hi ?? Infinity, Math.ceil(xhi) - 1);
  if (lo === undefined && hi === undefined) [lo, hi] = [0, 10];
  else if (lo === undefined) lo = hi! - 10;
  else if (hi === undefined) hi = lo + 10;
  if (lo! > hi!) throw new AppError('InputError', `JSON schema at ${path}: no integer satisfies its bounds.`);
  return [lo!, hi!];
}

/**
 * A value that satisfies `schema`, drawn with `rng` (same rng state → same value). Strings are made
 * of `words` (e.g. words of the prompt) so outputs look content-dependent.
 */
export function generateFromSchema(schema: unknown, rng: Rng, words: readonly string[] = FILLER, path = '$', depth = 0): JsonValue {
  if (depth > MAX_DEPTH) throw new AppError('InputError', `JSON schema at ${path} nests deeper than ${MAX_DEPTH} levels.`);
  const s = asSchema(schema, path);
  if ('const' in s) return s['const'] as JsonValue;
  const en = s['enum'];
  if (Array.isArray(en)) {
    if (en.length === 0) throw new AppError('InputError', `JSON schema at ${path} has an empty enum.`);
    return en[rng.int(en.length)] as JsonValue;
  }
  const alts = (s['anyOf'] ?? s['oneOf']) as unknown;
  if (Array.isArray(alts) && alts.length > 0) return generateFromSchema(alts[rng.int(alts.length)], rng, words, `${path}/anyOf`, depth + 1);
  const ts = types(s);
  const nonNull = ts.filter((t) => t !== 'null');
  const t = nonNull.length > 0 ? nonNull[rng.int(nonNull.length)]! : ts.length > 0 ? 'null' : 'string';
  const pool = words.length > 0 ? words : FILLER;
  switch (t) {
    case 'null':
      return null;
    case 'boolean':
      return rng.next() < 0.5;
    case 'integer': {
      const [lo, hi] = intBounds(s, path);
      return lo + rng.int(hi - lo + 1);
    }
    case 'number': {
      const lo = num(s['minimum']) ?? num(s['exclusiveMinimum']);
      const hi = num(s['maximum']) ?? num(s['exclusiveMaximum']);
      const a = lo ?? (hi !== undefined ? hi - 10 : 0);
      const b = hi ?? a + 10;
      if (a > b) throw new AppError('InputError', `JSON schema at ${path}: minimum is above maximum.`);
      // Strictly inside (a, b) so exclusive bounds hold; round to 3 decimals when that stays inside.
      const raw = a + (b - a) * ((rng.int(998) + 1) / 1000);
      const rounded = Math.round(raw * 1000) / 1000;
      const v = validateJson(rounded, s).length === 0 ? rounded : raw;
      if (validateJson(v, s).length > 0) {
        if (a === b && num(s['exclusiveMinimum']) === undefined && num(s['exclusiveMaximum']) === undefined) return a;
        throw new AppError('InputError', `JSON schema at ${path}: no number satisfies its bounds.`);
      }
      return v;
    }
    case 'string': {
      const min = num(s['minLength']) ?? 0;
      const max = num(s['maxLength']) ?? Math.max(min, 80);
      if (min > max) throw new AppError('InputError', `JSON schema at ${path}: minLength is above maxLength.`);
      const target = min + rng.int(Math.min(max, min + 60) - min + 1);
      let out = '';
      while (out.length < target) out += (out ? ' ' : '') + pool[rng.int(pool.length)]!;
      return out.slice(0, target).trimEnd().padEnd(target, 'x');
    }
    case 'array': {
      const min = num(s['minItems']) ?? 0;
      const max = num(s['maxItems']) ?? min + 3;
      if (min > max) throw new AppError('InputError', `JSON schema at ${path}: minItems is above maxItems.`);
      const n = min + rng.int(Math.min(max, min + 3) - min + 1);
      const out: JsonValue[] = [];
      for (let i = 0; i < n; i++) out.push(generateFromSchema(s['items'] ?? {}, rng, words, `${path}[${i}]`, depth + 1));
      return out;
    }
    case 'object': {
      const props = (s['properties'] ?? {}) as Record<string, unknown>;
      const required = new Set(Array.isArray(s['required']) ? (s['required'] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
      const out: { [key: string]: JsonValue } = {};
      for (const [k, sub] of Object.entries(props)) {
        if (required.has(k) || rng.next() < 0.5) out[k] = generateFromSchema(sub, rng, words, `${path}.${k}`, depth + 1);
      }
      for (const k of required) {
        if (!(k in out)) {
          if (s['additionalProperties'] === false) throw new AppError('InputError', `JSON schema at ${path} requires "${k}" but does not define it.`);
          out[k] = generateFromSchema({}, rng, words, `${path}.${k}`, depth + 1);
        }
      }
      return out;
    }
    default:
      throw new AppError('InputError', `JSON schema at ${path} has type "${t}", which is not a JSON type.`);
  }
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Problems of `value` against `schema`, as "path: what is wrong" strings (empty when valid). Used to
 * check a model's JSON answer before trusting it.
 */
export function validateJson(value: unknown, schema: unknown, path = '$'): string[] {
  const s = asSchema(schema, path);
  const errors: string[] = [];
  if ('not' in s && Object.keys(s).length === 1) return [`${path}: schema false admits nothing`];
  if ('const' in s && !jsonEqual(value, s['const'])) errors.push(`${path}: expected const ${JSON.stringify(s['const'])}`);
  const en = s['enum'];
  if (Array.isArray(en) && !en.some((e) => jsonEqual(e, value))) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(en)}`);
  const alts = (s['anyOf'] ?? s['oneOf']) as unknown;
  if (Array.isArray(alts) && !alts.some((a) => validateJson(value, a, path).length === 0)) errors.push(`${path}: matches none of the alternatives`);
  const ts = types(s);
  const actual = typeOf(value);
  if (ts.length > 0 && !ts.some((t) => t === actual || (t === 'number' && actual === 'integer'))) {
    errors.push(`${path}: expected ${ts.join(' or ')}, got ${actual}`);
    return errors;
  }
  if (typeof value === 'number') {
    const min = num(s['minimum']);
    const max = num(s['maximum']);
    const xmin = num(s['exclusiveMinimum']);
    const xmax = num(s['exclusiveMaximum']);
    if (!Number.isFinite(value)) errors.push(`${path}: not a finite number`);
    if (min !== undefined && value < min) errors.push(`${path}: ${value} < minimum ${min}`);
    if (max !== undefined && value > max) errors.push(`${path}: ${value} > maximum ${max}`);
    if (xmin !== undefined && value <= xmin) errors.push(`${path}: ${value} <= exclusiveMinimum ${xmin}`);
    if (xmax !== undefined && value >= xmax) errors.push(`${path}: ${value} >= exclusiveMaximum ${xmax}`);
  } else if (typeof value === 'string') {
    const min = num(s['minLength']);
    const max = num(s['maxLength']);
    if (min !== undefined && value.length < min) errors.push(`${path}: shorter than minLength ${min}`);
    if (max !== undefined && value.length > max) errors.push(`${path}: longer than maxLength ${max}`);
    if (typeof s['pattern'] === 'string' && !new RegExp(s['pattern'], 'u').test(value)) errors.push(`${path}: does not match pattern ${s['pattern']}`);
  } else if (Array.isArray(value)) {
    const min = num(s['minItems']);
    const max = num(s['maxItems']);
    if (min !== undefined && value.length < min) errors.push(`${path}: fewer than minItems ${min}`);
    if (max !== undefined && value.length > max) errors.push(`${path}: more than maxItems ${max}`);
    if (s['items'] !== undefined) value.forEach((item, i) => errors.push(...validateJson(item, s['items'], `${path}[${i}]`)));
  } else if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (s['properties'] ?? {}) as Record<string, unknown>;
    for (const k of Array.isArray(s['required']) ? (s['required'] as unknown[]) : []) {
      if (typeof k === 'string' && !(k in obj)) errors.push(`${path}: missing required "${k}"`);
    }
    for (const [k, v] of Object.entries(obj)) {
      if (k in props) errors.push(...validateJson(v, props[k], `${path}.${k}`));
      else if (s['additionalProperties'] === false) errors.push(`${path}: unexpected property "${k}"`);
      else if (typeof s['additionalProperties'] === 'object') errors.push(...validateJson(v, s['additionalProperties'], `${path}.${k}`));
    }
  }
  return errors;
}
