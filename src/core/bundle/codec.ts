/**
 * Lossless JSON for what IndexedDB stores: typed arrays and ArrayBuffers (little-endian bytes,
 * base64), Blobs and Files (bytes, type, name, lastModified), Dates, NaN/±Infinity/−0, `undefined`
 * (as a property value or array element). Tagged values are objects with exactly one "$"-key; a
 * plain object that has any key starting with "$" is wrapped in {"$obj": …}, so no stored value
 * can pass for a tag. Decoding accepts only these tags and fails with the path of anything else.
 *
 * Blobs cannot be read synchronously: `prepareBlobs` (async) swaps them for BlobBytes first.
 */
import { AppError } from '../errors';

const TYPED = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
} as const;
type TypedName = keyof typeof TYPED;

/** A Blob's (or File's) content read ahead of encoding. */
export class BlobBytes {
  constructor(
    readonly bytes: Uint8Array,
    readonly type: string,
    /** Set for a File. */
    readonly name?: string,
    readonly lastModified?: number,
  ) {}
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function encodeValue(v: unknown, path = '$'): Json {
  if (v === null) return null;
  if (v === undefined) return { $undef: 1 };
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (Number.isNaN(v)) return { $num: 'NaN' };
      if (v === Infinity) return { $num: 'Infinity' };
      if (v === -Infinity) return { $num: '-Infinity' };
      if (Object.is(v, -0)) return { $num: '-0' };
      return v;
    case 'object':
      break;
    default:
      throw new AppError('FormatError', `Cannot put a ${typeof v} into a bundle (at ${path}).`);
  }
  if (Array.isArray(v)) {
    const out: Json[] = new Array<Json>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = encodeValue(v[i], `${path}[${i}]`);
    return out;
  }
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name as TypedName;
    if (!(name in TYPED) || v instanceof DataView) throw new AppError('FormatError', `Cannot put a ${v.constructor.name} into a bundle (at ${path}).`);
    return { $typed: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
  }
  if (v instanceof ArrayBuffer) return { $buffer: toBase64(new Uint8Array(v)) };
  if (v instanceof Date) return { $date: Number.isNaN(v.getTime()) ? null : v.toISOString() };
  if (v instanceof BlobBytes) {
    return { $blob: { type: v.type, b64: toBase64(v.bytes), ...(v.name !== undefined ? { name: v.name, lastModified: v.lastModified ?? 0 } : {}) } };
  }
  if (typeof Blob !== 'undefined' && v instanceof Blob) throw new AppError('FormatError', `A Blob at ${path} was not read first (prepareBlobs).`);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new AppError('FormatError', `Cannot put a ${(v as object).constructor?.name ?? 'value'} into a bundle (at ${path}).`);
  const out: { [k: string]: Json } = {};
  let dollar = false;
  for (const [k, x] of Object.entries(v)) {
    if (k.startsWith('$')) dollar = true;
    out[k] = encodeValue(x, `${path}.${k}`);
  }
  return dollar ? { $obj: out } : out;
}

export function decodeValue(j: unknown, path = '$'): unknown {
  if (j === null || typeof j === 'string' || typeof j === 'boolean') return j;
  if (typeof j === 'number') return j;
  if (Array.isArray(j)) return j.map((x, i) => decodeValue(x, `${path}[${i}]`));
  if (typeof j !== 'object') throw bad(path, 'is not JSON');
  const o = j as Record<string, unknown>;
  const keys = Object.keys(o);
  const tag = keys.find((k) => k.startsWith('$'));
  if (tag === undefined) {
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = decodeValue(o[k], `${path}.${k}`);
    return out;
  }
  const only = (...allowed: string[]): void => {
    if (keys.some((k) => !allowed.includes(k))) throw bad(path, `has unexpected keys beside "${tag}"`);
  };
  switch (tag) {
    case '$undef':
      only('$undef');
      return undefined;
    case '$num': {
      only('$num');
      const m: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
      const s = o.$num;
      if (typeof s !== 'string' || !(s in m)) throw bad(path, 'is an unknown special number');
      return m[s];
    }
    case '$typed': {
      only('$typed', 'b64');
      const name = o.$typed;
      if (typeof name !== 'string' || !(name in TYPED)) throw bad(path, `names an unknown typed array "${String(name)}"`);
      const bytes = fromBase64(o.b64, path);
      const Ctor = TYPED[name as TypedName];
      if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT !== 0) throw bad(path, `has ${bytes.byteLength} bytes, not a whole number of ${name} elements`);
      return new Ctor(bytes.buffer, bytes.byteOffset, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
    }
    case '$buffer':
      only('$buffer');
      return fromBase64(o.$buffer, path).buffer;
    case '$date': {
      only('$date');
      if (o.$date === null) return new Date(NaN);
      const d = new Date(String(o.$date));
      if (typeof o.$date !== 'string' || Number.isNaN(d.getTime())) throw bad(path, 'is not a date');
      return d;
    }
    case '$blob': {
      only('$blob');
      const b = o.$blob as Record<string, unknown> | null;
      if (typeof b !== 'object' || b === null || typeof b.type !== 'string') throw bad(path, 'is not a blob');
      const bytes = fromBase64(b.b64, path);
      if (b.name !== undefined) {
        if (typeof b.name !== 'string' || typeof b.lastModified !== 'number') throw bad(path, 'is not a file');
        return new File([bytes], b.name, { type: b.type, lastModified: b.lastModified });
      }
      return new Blob([bytes], { type: b.type });
    }
    case '$obj': {
      only('$obj');
      const inner = o.$obj;
      if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) throw bad(path, 'is not an object');
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(inner)) out[k] = decodeValue(x, `${path}.${k}`);
      return out;
    }
    default:
      throw bad(path, `has the unknown tag "${tag}"`);
  }
}

/** Replaces every Blob/File in `v` (deeply, plain objects and arrays) by its BlobBytes. */
export async function prepareBlobs(v: unknown): Promise<unknown> {
  if (typeof Blob !== 'undefined' && v instanceof Blob) {
    const bytes = new Uint8Array(await v.arrayBuffer());
    const f = typeof File !== 'undefined' && v instanceof File ? v : undefined;
    return new BlobBytes(bytes, v.type, f?.name, f?.lastModified);
  }
  if (Array.isArray(v)) return Promise.all(v.map(prepareBlobs));
  if (v !== null && typeof v === 'object' && !ArrayBuffer.isView(v) && !(v instanceof ArrayBuffer) && !(v instanceof Date)) {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) return v;
    if (!containsBlob(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await prepareBlobs(x);
    return out;
  }
  return v;
}

function containsBlob(v: unknown, depth = 0): boolean {
  if (typeof Blob !== 'undefined' && v instanceof Blob) return true;
  if (depth > 64 || v === null || typeof v !== 'object' || ArrayBuffer.isView(v)) return false;
  return Object.values(v).some((x) => containsBlob(x, depth + 1));
}

/** JSON with object keys sorted at every level: equal values ⇔ equal text (for content hashes). */
export function canonicalJson(j: Json): string {
  if (j === null || typeof j !== 'object') return JSON.stringify(j);
  if (Array.isArray(j)) return `[${j.map(canonicalJson).join(',')}]`;
  return `{${Object.keys(j)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(j[k]!)}`)
    .join(',')}}`;
}

function bad(path: string, what: string): AppError {
  return new AppError('FormatError', `The value at ${path} ${what}.`);
}

const CHUNK = 0x8000;

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += CHUNK) s += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(s);
}

function fromBase64(b64: unknown, path: string): Uint8Array<ArrayBuffer> {
  if (typeof b64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw bad(path, 'holds invalid base64');
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
