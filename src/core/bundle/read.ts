/**
 * Reads and checks a whole bundle before anything is written: the zip's directory (names, sizes
 * against the limits, no duplicates, nothing unlisted), manifest.json (format, version, schema
 * version, entries), each entry's SHA-256 and record count, and every line: JSON, the codec's
 * tags, the key's shape for its store, a keyPath key equal to the value's own fields, no duplicate
 * keys. Every failure is a FormatError that names the entry (and line), so a user knows what is
 * wrong; a valid bundle returns every record decoded.
 */
import { unzipSync, strFromU8, type UnzipFileInfo } from 'fflate';
import { AppError } from '../errors';
import { decodeValue } from './codec';
import { sha256Bytes } from './write';
import { BUNDLE_FORMAT, BUNDLE_MANIFEST, BUNDLE_STORES, BUNDLE_VERSION, DEFAULT_LIMITS, entryPath, type BundleLimits, type BundleManifest, type BundleStore, type KeySpec } from './format';

export interface ReadBundleOptions {
  /** The app's IndexedDB schema version: a bundle from a newer schema is refused. */
  dbVersion: number;
  limits?: Partial<BundleLimits>;
  /** Bundle file name for messages. */
  file?: string;
  onEntry?: (path: string, done: number, total: number) => void;
}

export interface ReadBundle {
  manifest: BundleManifest;
  stores: Array<{ store: BundleStore; rows: Array<[unknown, unknown]> }>;
}

export async function readBundle(bytes: Uint8Array, o: ReadBundleOptions): Promise<ReadBundle> {
  const limits = { ...DEFAULT_LIMITS, ...o.limits };
  const file = o.file ?? 'bundle';
  const fail = (msg: string, entry?: string, line?: number): never => {
    throw new AppError('FormatError', `${file}${entry ? `, ${entry}` : ''}${line !== undefined ? `, line ${line}` : ''}: ${msg}`);
  };

  // 1. The directory only (nothing decompressed): names and sizes.
  const infos: UnzipFileInfo[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        infos.push(f);
        return false;
      },
    });
  } catch (e) {
    fail(`not a readable zip file; it may be truncated or not a bundle (${errText(e)}).`);
  }
  if (infos.length > limits.maxEntries) fail(`has ${infos.length} entries; a bundle has at most ${limits.maxEntries}.`);
  const seen = new Set<string>();
  let total = 0;
  for (const f of infos) {
    if (seen.has(f.name)) fail('appears twice in the zip.', f.name);
    seen.add(f.name);
    if (f.originalSize > limits.maxEntryBytes) fail(`is ${f.originalSize} bytes uncompressed, above the limit of ${limits.maxEntryBytes}.`, f.name);
    total += f.originalSize;
  }
  if (total > limits.maxTotalBytes) fail(`is ${total} bytes uncompressed in all, above the limit of ${limits.maxTotalBytes}.`);
  if (!seen.has(BUNDLE_MANIFEST)) fail(`has no ${BUNDLE_MANIFEST}; it is not a Persona Align project bundle.`);

  const extract = (name: string): Uint8Array => {
    let out: Uint8Array | undefined;
    try {
      out = unzipSync(bytes, { filter: (f) => f.name === name })[name];
    } catch (e) {
      fail(`could not be decompressed (${errText(e)}); the bundle is damaged.`, name);
    }
    if (!out) fail('is missing from the zip.', name);
    return out!;
  };

  // 2. The manifest.
  let manifestValue: unknown;
  try {
    manifestValue = JSON.parse(strFromU8(extract(BUNDLE_MANIFEST)));
  } catch (e) {
    if (e instanceof AppError) throw e;
    fail('is not valid JSON.', BUNDLE_MANIFEST);
  }
  const manifest = checkManifest(manifestValue, o.dbVersion, (m) => fail(m, BUNDLE_MANIFEST));
  const listed = new Set([BUNDLE_MANIFEST, ...manifest.entries.map((e) => e.path)]);
  for (const name of seen) if (!listed.has(name)) fail('is not listed in manifest.json.', name);

  // 3. Every entry: hash, count, lines.
  const stores: ReadBundle['stores'] = [];
  let k = 0;
  for (const entry of manifest.entries) {
    if (!seen.has(entry.path)) fail('is listed in manifest.json but missing from the zip.', entry.path);
    const data = extract(entry.path);
    if (data.length !== entry.bytes) fail(`has ${data.length} bytes, manifest.json says ${entry.bytes}.`, entry.path);
    if ((await sha256Bytes(data)) !== entry.sha256) fail('does not match its SHA-256 in manifest.json; the bundle is damaged or was edited.', entry.path);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      return fail('is not UTF-8 text.', entry.path);
    }
    stores.push({ store: entry.store, rows: parseLines(text, entry.store, BUNDLE_STORES[entry.store], (m, line) => fail(m, entry.path, line), entry.records) });
    o.onEntry?.(entry.path, ++k, manifest.entries.length);
  }
  return { manifest, stores };
}

function checkManifest(v: unknown, dbVersion: number, fail: (m: string) => never): BundleManifest {
  if (typeof v !== 'object' || v === null) fail('must be a JSON object.');
  const m = v as Partial<BundleManifest>;
  if (m.format !== BUNDLE_FORMAT) fail(`"format" must be "${BUNDLE_FORMAT}"; this is not a Persona Align project bundle.`);
  if (typeof m.version !== 'number' || !Number.isInteger(m.version) || m.version < 1) fail('"version" must be a whole number ≥ 1.');
  if (m.version! > BUNDLE_VERSION) fail(`the bundle is version ${m.version}, made by a newer Persona Align; this app reads version ${BUNDLE_VERSION}. Update the app, then import it.`);
  if (typeof m.dbVersion !== 'number' || !Number.isInteger(m.dbVersion) || m.dbVersion < 1) fail('"dbVersion" must be a whole number ≥ 1.');
  if (m.dbVersion! > dbVersion) fail(`the bundle was written by storage schema ${m.dbVersion}, newer than this app's ${dbVersion}. Update the app, then import it.`);
  if (typeof m.options !== 'object' || m.options === null || typeof m.options.postText !== 'boolean' || typeof m.options.embeddings !== 'boolean') fail('"options" must say postText and embeddings (true or false).');
  if (!Array.isArray(m.entries)) fail('"entries" must be a list.');
  const stores = new Set<string>();
  m.entries!.forEach((e: unknown, i) => {
    const x = e as Partial<BundleManifest['entries'][number]> | null;
    if (typeof x !== 'object' || x === null) fail(`entries[${i}] must be an object.`);
    if (typeof x!.store !== 'string' || !Object.hasOwn(BUNDLE_STORES, x!.store)) fail(`entries[${i}] names an unknown store ${JSON.stringify(x!.store)}.`);
    if (stores.has(x!.store!)) fail(`store "${x!.store}" is listed twice.`);
    stores.add(x!.store!);
    if (x!.path !== entryPath(x!.store as BundleStore)) fail(`entries[${i}].path must be "${entryPath(x!.store as BundleStore)}".`);
    if (!isCount(x!.records) || !isCount(x!.bytes)) fail(`entries[${i}] needs whole-number "records" and "bytes".`);
    if (typeof x!.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(x!.sha256)) fail(`entries[${i}].sha256 must be 64 hex digits.`);
  });
  return m as BundleManifest;
}

function parseLines(text: string, store: BundleStore, spec: KeySpec, fail: (m: string, line?: number) => never, expected: number): Array<[unknown, unknown]> {
  const rows: Array<[unknown, unknown]> = [];
  const keys = new Set<string>();
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  if (lines.length !== expected) fail(`has ${lines.length} records, manifest.json says ${expected}.`);
  lines.forEach((line, i) => {
    const n = i + 1;
    let j: unknown;
    try {
      j = JSON.parse(line);
    } catch {
      fail('is not valid JSON.', n);
    }
    if (!Array.isArray(j) || j.length !== 2) fail('must be a [key, value] pair.', n);
    let key: unknown;
    let value: unknown;
    try {
      key = decodeValue((j as unknown[])[0], 'key');
      value = decodeValue((j as unknown[])[1], 'value');
    } catch (e) {
      fail(errText(e), n);
    }
    const problem = keyProblem(spec, key, value);
    if (problem) fail(`${problem} (store "${store}").`, n);
    const id = JSON.stringify(key);
    if (keys.has(id)) fail(`repeats the key ${id}.`, n);
    keys.add(id);
    rows.push([key, value]);
  });
  return rows;
}

function keyProblem(spec: KeySpec, key: unknown, value: unknown): string | null {
  const isObj = typeof value === 'object' && value !== null && !Array.isArray(value);
  switch (spec.kind) {
    case 'path':
      if (typeof key !== 'string' || key === '') return 'the key must be a non-empty string';
      if (!isObj) return 'the value must be an object';
      if ((value as Record<string, unknown>)[spec.path] !== key) return `the key differs from the value's "${spec.path}"`;
      return null;
    case 'compoundPath': {
      if (!Array.isArray(key) || key.length !== spec.paths.length || !key.every(validKeyPart)) return `the key must be [${spec.paths.join(', ')}]`;
      if (!isObj) return 'the value must be an object';
      const v = value as Record<string, unknown>;
      return spec.paths.every((p, i) => v[p] === key[i]) ? null : `the key differs from the value's [${spec.paths.join(', ')}]`;
    }
    case 'outOfLine':
      if (spec.shape === 'string') return typeof key === 'string' && key !== '' ? null : 'the key must be a non-empty string';
      if (!Array.isArray(key) || key.length !== spec.shape.length) return `the key must be an array of ${spec.shape.length} parts`;
      return spec.shape.every((t, i) => (t === 'number' ? Number.isFinite(key[i]) : typeof key[i] === 'string')) ? null : `the key must be [${spec.shape.join(', ')}]`;
  }
}

function validKeyPart(p: unknown): boolean {
  return typeof p === 'string' || (typeof p === 'number' && Number.isFinite(p));
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
