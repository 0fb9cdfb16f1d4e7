/**
 * The Align stage's inputs as weighted clouds, with what the run manifest needs to name them
 * (name, size, SHA-256). Pure apart from the fetch/store/hash functions passed in, so Node tests
 * drive it with files read from disk.
 *
 * Pool: persona JSONL (the demo personas, or a user's file), a CSV with the five trait columns,
 * read by the same core parser as a reference CSV (src/core/reference/reference-csv.ts), or stored
 * personas (an imported persona set, or a corpus's profiled personas; src/storage/persona-set-pools.ts).
 * Reference: a seeded sample of the built-in approximate reference, or a stored reference.
 */
import Papa from 'papaparse';
import type { PersonaRecord } from '../contracts/persona';
import type { ReferenceStoreApi } from '../contracts/reference-store';
import { makeCloud, type WeightedCloud } from '../core/cloud';
import { parsePersonaJsonl } from '../core/persona-jsonl';
import { AppError } from '../core/errors';
import { BUILTIN_REFERENCE_PATH, builtinEntry, sampleBuiltin, validateBuiltinReference } from '../core/reference/builtin';
import { parseReferenceCsv } from '../core/reference/reference-csv';
import { TRAITS } from '../core/traits';
import type { StoredPoolData } from '../storage/persona-set-pools';

/** Path of the demo personas under the app's public root. */
export const DEMO_PERSONAS_PATH = 'demo-personas/personas.jsonl';

export type PoolInput =
  /** public/demo-personas/personas.jsonl (2,000 synthetic personas, deliberately tilted). */
  | { kind: 'demo' }
  | { kind: 'jsonl'; name: string; data: Blob | string }
  /** Header with openness … neuroticism (or the 50 IPIP items); optional `id` and `weight` columns. */
  | { kind: 'csv'; name: string; data: Blob | string }
  /** Stored personas of one owner: an imported persona set ("set-…") or a corpus (its profiled personas). */
  | { kind: 'stored'; ownerId: string; name: string; /** IndexedDB database holding them (default: the app's). */ dbName?: string };

export type ReferenceInput =
  /** A seeded sample of the built-in approximate reference (never real norms). */
  | { kind: 'builtin'; entryId: string; n: number; seed: number }
  | { kind: 'stored'; id: string; countries?: string[] };

export interface LoadedPool {
  kind: PoolInput['kind'];
  name: string;
  cloud: WeightedCloud;
  /** A stable id per row (persona id, the CSV's `id` column, or "row N"). */
  ids: string[];
  /** The persona records when the pool was JSONL (for the selected-set export). */
  records: PersonaRecord[] | undefined;
  bytes: number;
  sha256: string;
  /** Why rows were left out, e.g. personas without trait scores. */
  notes: string[];
  /** CSV pools: the file's header and rows (row i ↔ point i), so the export keeps every column, as the CLI's --out does. */
  csv: { header: string[]; rows: string[][] } | undefined;
}

export interface LoadedReference {
  kind: ReferenceInput['kind'];
  name: string;
  cloud: WeightedCloud;
  /** 'approximate' for the built-in sample: the UI must say so. */
  label: 'approximate' | null;
  /** Built-in: entry id, n, seed and the SHA-256 of the JSON it was drawn from; stored: id and filters. */
  details: Record<string, string | number | boolean | string[] | null>;
  notes: string[];
}

export interface InputServices {
  /** Text of a file under the app's public root (relative path). */
  fetchText: (path: string) => Promise<string>;
  /** Stored references; absent until the reference store is available. */
  references?: Pick<ReferenceStoreApi, 'getReferenceInfo' | 'loadReferenceCloud'> | undefined;
  /** Lower-case hex SHA-256 of a text (default: Web Crypto). */
  sha256?: (text: string) => Promise<string>;
  /** Stored pools (default: the app's IndexedDB database, src/storage/persona-set-pools.ts). */
  storedPool?: (ownerId: string) => Promise<StoredPoolData>;
}

export async function loadPool(input: PoolInput, services: InputServices): Promise<LoadedPool> {
  const hash = services.sha256 ?? sha256Hex;
  if (input.kind === 'demo') {
    const text = await services.fetchText(DEMO_PERSONAS_PATH);
    return poolFromJsonl('demo personas (synthetic)', 'demo', text, await hash(text));
  }
  if (input.kind === 'stored') {
    const load = services.storedPool ?? (async (id: string) => (await import('../storage/persona-set-pools')).appDbPools(input.dbName).load(id));
    const data = await load(input.ownerId);
    // Hash what is aligned (records as exported), so the manifest pins the pool's content.
    const jsonl = data.personas.map((r) => JSON.stringify(r)).join('\n');
    const pool = poolFromRecords(input.name, 'stored', data.personas, data.personas.length, await hash(jsonl), byteLength(jsonl));
    return { ...pool, notes: [...data.provenance, ...pool.notes] };
  }
  const text = typeof input.data === 'string' ? input.data : await input.data.text();
  const sha = await hash(text);
  return input.kind === 'jsonl' ? poolFromJsonl(input.name, 'jsonl', text, sha) : poolFromCsv(input.name, text, sha);
}

/** Personas without trait scores cannot be aligned: they are left out and counted in a note. */
export function poolFromJsonl(name: string, kind: 'demo' | 'jsonl', text: string, sha256: string): LoadedPool {
  const all = parsePersonaJsonl(text, name);
  return poolFromRecords(name, kind, all.filter((r) => r.traits !== undefined), all.length, sha256, byteLength(text));
}

/** A pool of the personas that have trait scores (`total`: how many there were before that filter). */
export function poolFromRecords(name: string, kind: 'demo' | 'jsonl' | 'stored', records: PersonaRecord[], total: number, sha256: string, bytes: number): LoadedPool {
  if (records.length === 0) throw new AppError('InputError', `${name}: no persona has trait scores yet; score them in the Profile stage first.`);
  const pts = new Float32Array(records.length * TRAITS.length);
  records.forEach((r, i) => TRAITS.forEach((t, k) => (pts[i * TRAITS.length + k] = r.traits![t])));
  const notes = total > records.length ? [`${total - records.length} of ${total} personas have no trait scores${kind === 'stored' ? ' or were rejected by the quality stage' : ''} and were left out.`] : [];
  return { kind, name, cloud: makeCloud(pts, TRAITS.length, undefined, name), ids: records.map((r) => r.id), records, bytes, sha256, notes, csv: undefined };
}

/** Trait-column CSV through the core reference parser; the optional `id` column names the rows. */
export function poolFromCsv(name: string, text: string, sha256: string): LoadedPool {
  const parsed = parseReferenceCsv(text, { file: name });
  const notes: string[] = [];
  if (parsed.droppedMissing > 0) notes.push(`${parsed.droppedMissing} rows were dropped for missing answers.`);
  if (parsed.weighted) notes.push('The file has a weight column: the pool keeps those weights.');
  let ids = Array.from({ length: parsed.cloud.n }, (_, i) => `row ${i + 1}`);
  let csv: LoadedPool['csv'];
  if (parsed.droppedMissing === 0) {
    // Same row walk as parseReferenceCsv (header, then every line that is not empty), so row i ↔ point i.
    const all = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: false }).data;
    const header = all[0] ?? [];
    const rows = all.slice(1).filter((r) => !(r.length === 1 && r[0]!.trim() === ''));
    if (rows.length === ids.length) {
      csv = { header, rows };
      const idCol = header.map((h) => h.trim().toLowerCase()).indexOf('id');
      if (idCol >= 0) ids = rows.map((r, i) => r[idCol]?.trim() || `row ${i + 1}`);
    }
  }
  return { kind: 'csv', name, cloud: parsed.cloud, ids, records: undefined, bytes: byteLength(text), sha256, notes, csv };
}

export async function loadReference(input: ReferenceInput, services: InputServices): Promise<LoadedReference> {
  if (input.kind === 'builtin') {
    const text = await services.fetchText(BUILTIN_REFERENCE_PATH);
    const entry = builtinEntry(validateBuiltinReference(JSON.parse(text) as unknown), input.entryId);
    const sample = sampleBuiltin(entry, input.n, input.seed);
    return {
      kind: 'builtin',
      name: entry.name,
      cloud: sample.cloud,
      label: 'approximate',
      details: {
        entryId: entry.id,
        n: input.n,
        seed: input.seed,
        sha256: await (services.sha256 ?? sha256Hex)(text),
        clampedValues: sample.clampedValues,
        assumed: entry.assumed,
      },
      notes: [sample.note],
    };
  }
  const store = services.references;
  if (!store) throw new AppError('InputError', 'Stored references are not available here; pick the built-in reference or import one first.');
  const info = await store.getReferenceInfo(input.id);
  if (!info) throw new AppError('InputError', `No stored reference "${input.id}"; it may have been deleted. Pick another.`);
  const opts = input.countries && input.countries.length > 0 ? { countries: input.countries } : undefined;
  const cloud = await store.loadReferenceCloud(input.id, opts);
  const src = info.source;
  return {
    kind: 'stored',
    name: info.name,
    cloud,
    label: info.label,
    details: {
      id: info.id,
      referenceKind: info.kind,
      storedRows: info.n,
      countries: input.countries ?? null,
      sha256: src.kind === 'file' ? src.sha256 : null,
      fileName: src.kind === 'file' ? src.fileName : null,
      weighted: info.weighted,
    },
    notes: [...info.notes],
  };
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text` (Web Crypto: browsers, workers and Node ≥ 20). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

function byteLength(text: string): number {
  return new TextEncoder().encode(text).length;
}
