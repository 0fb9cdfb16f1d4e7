/**
 * The reference worker's API object (workers/reference.worker.ts exposes it with comlink; tests
 * call it directly in the page). One job at a time; each ends with a single transaction that
 * writes the ReferenceInfo and its points together (saveReference), so a cancel or a failure at
 * any point leaves the database exactly as before.
 *
 * - importFfm streams the IPIP-FFM file chunk by chunk through FfmImporter (never the whole ~400 MB
 *   in memory: only the compact n × 5 scores grow) and hashes the same chunks with an incremental
 *   SHA-256. crypto.subtle.digest has no streaming form, so hash-wasm's WebAssembly SHA-256 does it
 *   (≈75 MB/s in headless Chromium here, against ≈15 MB/s for a pure-JS hash). Measured on a
 *   generated 422 MB, 1,000,000-row file through the worker: 9.9 s without the hash, 13.5 s with
 *   it; `hash: false` skips it. Where WebAssembly is unavailable (e.g. a CSP without
 *   'wasm-unsafe-eval') the import goes on and records sha256: null with a note.
 *   The download from Open Psychometrics is a zip (IPIP-FFM-data-8Nov2018.zip); it is accepted as it
 *   is: the zip's central directory locates data-final.csv, and its deflate stream is inflated on the
 *   fly by the browser's own DecompressionStream('deflate-raw') with its CRC-32 checked, so the user
 *   need not unpack 400 MB first. Measured on an 84 MB generated file (36 MB zipped): 1.5 s from the
 *   zip against 1.9 s unpacked, where fflate's JS inflate had taken 6.6 s. Progress counts the zip's
 *   bytes; the SHA-256 is of the zip the user chose.
 * - importCsv reads a user's reference CSV whole (parseReferenceCsv is string-based), so it refuses
 *   files above CSV_MAX_BYTES and points to the streaming importers instead.
 * - createBuiltinSample draws a seeded sample from the built-in approximate reference.
 */
import { createCRC32, createSHA256, type IHasher } from 'hash-wasm';
import Papa from 'papaparse';
import type {
  BuiltinSampleRequest,
  CsvImportRequest,
  FfmImportRequest,
  ReferenceFilters,
  ReferenceImportWorkerApi,
  ReferenceInfo,
} from '../contracts/reference-store';
import type { Progress, ProgressCallback } from '../contracts/progress';
import { AppError, isAppError, throwIfAborted } from '../core/errors';
import { ITEM_CODES, N_ITEMS } from '../core/psychometrics/ipip50';
import { traitReliability } from '../core/psychometrics/reliability';
import { formatMissingPolicy, parseMissingPolicy } from '../core/psychometrics/scoring';
import { builtinEntry, sampleBuiltin, validateBuiltinReference } from '../core/reference/builtin';
import { FfmImporter } from '../core/reference/ffm-import';
import { parseReferenceCsv } from '../core/reference/reference-csv';
import { parseCountryList } from '../core/reference/regions';
import { TRAITS } from '../core/traits';
import type { AppDb, ReferenceDataRow } from './db';
import { isQuotaExceeded, toStorageError } from './errors';
import { LazyDb } from './lazy-db';
import { saveReference } from './reference-store';

const D = TRAITS.length;

/** Largest reference CSV read whole (the parser needs the text); bigger files: use the FFM importer or the CLI. */
export const CSV_MAX_BYTES = 200 * 1024 * 1024;
/** Largest built-in sample (n × 5 float32 + weights ≈ 28 bytes per point). */
export const BUILTIN_MAX_N = 2_000_000;

export interface ReferenceImportApiOptions {
  /** Database name (default: the app's); tests use their own. */
  dbName?: string;
  /** Least time between two progress messages (default 100 ms); final states are always sent. */
  progressIntervalMs?: number;
  /** Test hook, awaited after each chunk of an FFM file is parsed (e.g. to cancel mid-file). */
  afterChunk?: (bytesSoFar: number) => void | Promise<void>;
}

/** The worker API plus the database choice, which only tests change. */
export interface ReferenceImportApi extends ReferenceImportWorkerApi {
  useDatabase(name: string): void;
}

export function createReferenceImportApi(options: ReferenceImportApiOptions = {}): ReferenceImportApi {
  const conn = new LazyDb(options.dbName);
  let running: AbortController | undefined;

  /** Runs one job with the single-job guard, its own AbortController and error mapping. */
  const job = async <T>(fn: (db: AppDb, signal: AbortSignal) => Promise<T>): Promise<T> => {
    if (running) throw new AppError('InputError', 'A reference import is already running: wait for it to finish or cancel it.');
    const controller = new AbortController();
    running = controller;
    try {
      const db = await conn.get();
      return await fn(db, controller.signal);
    } catch (e) {
      throw mapError(e, controller.signal);
    } finally {
      running = undefined;
    }
  };

  const interval = options.progressIntervalMs ?? 100;

  return {
    useDatabase(name: string): void {
      if (running) throw new AppError('InputError', 'Cannot switch databases while an import runs; cancel it first.');
      conn.use(name);
    },

    cancel(): void {
      running?.abort();
    },

    importFfm(req: FfmImportRequest, onProgress: ProgressCallback): Promise<ReferenceInfo> {
      return job(async (db, signal) => {
        checkFile(req.file);
        const started = performance.now();
        const f = req.filters ?? {};
        const ipcOne = f.ipcOne ?? true;
        const policy = parseMissingPolicy(f.missing ?? 'drop');
        const countries = f.countries === undefined ? undefined : normaliseCountries(f.countries);
        if (f.minTestTime !== undefined && !(Number.isFinite(f.minTestTime) && f.minTestTime >= 0)) {
          throw new AppError('InputError', `Minimum test time must be a number of seconds ≥ 0, got ${f.minTestTime}.`);
        }
        const progress = throttle(onProgress, interval);
        let head: Uint8Array;
        try {
          head = new Uint8Array(await req.file.slice(0, 4).arrayBuffer());
        } catch (e) {
          throw unreadable(req.file.name, e);
        }
        const zipEntry = isZip(head) ? await locateZipEntry(req.file) : undefined;
        const zip = zipEntry !== undefined;
        let bytes = 0;
        const importer = new FfmImporter({
          ipcOne,
          missing: policy,
          ...(f.minTestTime !== undefined ? { minTestTime: f.minTestTime } : {}),
          ...(countries !== undefined ? { countries } : {}),
          file: zipEntry ? `${req.file.name}/${zipEntry.name}` : req.file.name,
          totalBytes: req.file.size,
          // From a zip, the importer counts inflated bytes; progress and ETA follow the zip's own bytes.
          onProgress: (p) =>
            progress(
              zip
                ? { ...p, done: bytes, total: req.file.size, counts: { ...p.counts, bytes, inflatedBytes: p.done }, elapsedMs: performance.now() - started }
                : { ...p, elapsedMs: performance.now() - started },
            ),
          progressIntervalMs: interval,
          signal,
        });
        const notes: string[] = [];
        let hash: IHasher | undefined;
        if (req.hash !== false) {
          try {
            hash = await createSHA256();
            hash.init();
          } catch (e) {
            notes.push(`SHA-256 not computed: WebAssembly is unavailable here (${e instanceof Error ? e.message : String(e)}).`);
          }
        } else {
          notes.push('SHA-256 not computed (switched off for this import).');
        }
        const inflater = zipEntry ? await ZipEntryInflater.create(zipEntry, importer, req.file.name) : undefined;
        const reader = req.file.stream().getReader();
        let lastYield = performance.now();
        try {
          for (;;) {
            throwIfAborted(signal);
            const r = await readChunk(reader, req.file.name);
            if (r.done) break;
            const pos = bytes;
            bytes += r.value.length;
            hash?.update(r.value);
            if (inflater) await inflater.write(r.value, pos);
            else importer.push(r.value);
            await options.afterChunk?.(bytes);
            // Blob reads may resolve as microtasks; yield a task now and then so a cancel message gets in.
            if (performance.now() - lastYield > 50) {
              await new Promise((resolve) => setTimeout(resolve, 0));
              lastYield = performance.now();
            }
          }
          await inflater?.end();
        } finally {
          reader.cancel().catch(() => {});
          inflater?.dispose();
        }
        const result = importer.finish();
        if (result.n === 0) {
          const why = Object.entries(result.dropped).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${v.toLocaleString('en')}`).join(', ');
          throw new AppError('InputError', `No rows were kept from ${req.file.name} (${result.rowsRead.toLocaleString('en')} read; dropped: ${why || 'none'}). Loosen the filters (country list, minimum test time, IPC == 1, missing answers) and import again.`);
        }
        const weights = new Float64Array(result.n).fill(1);
        const stats = summariseCloud(result.scores, weights);
        const filters: ReferenceFilters = {
          ipcOne,
          missing: formatMissingPolicy(policy),
          minTestTime: f.minTestTime ?? null,
          countries: countries ?? null,
          countryGroup: f.countryGroup ?? null,
        };
        const info: ReferenceInfo = {
          id: crypto.randomUUID(),
          name: req.name?.trim() || defaultName(req.file.name, f.countryGroup?.name),
          kind: 'ffm',
          createdAt: Date.now(),
          n: result.n,
          source: { kind: 'file', fileName: req.file.name, size: req.file.size, lastModified: req.file.lastModified, sha256: hash ? hash.digest('hex') : null },
          filters,
          rows: { read: result.rowsRead, kept: result.kept, dropped: { ...result.dropped }, keptWithMissing: result.keptWithMissing },
          perCountry: result.perCountry,
          ...stats,
          alpha: result.alpha.map(finiteOrNaN),
          weighted: false,
          label: null,
          notes: [
            ...(zipEntry ? [`Read ${zipEntry.name} from inside the zip archive ${req.file.name} (CRC-32 checked; the SHA-256 is of the zip).`] : []),
            ...notes,
            ...(result.emptyLines > 0 ? [`${result.emptyLines} empty lines were skipped.`] : []),
          ],
          elapsedMs: 0,
        };
        const data: ReferenceDataRow = { points: result.scores, weights, countryIndex: result.countryIndex, countryNames: result.countryNames };
        return save(db, info, data, signal, started, onProgress, bytes, req.file.size);
      });
    },

    importCsv(req: CsvImportRequest, onProgress: ProgressCallback): Promise<ReferenceInfo> {
      return job(async (db, signal) => {
        checkFile(req.file);
        if (req.file.size > CSV_MAX_BYTES) {
          throw new AppError(
            'InputError',
            `${req.file.name} is ${(req.file.size / 1e6).toFixed(0)} MB; reference CSVs are read whole and must be under ${CSV_MAX_BYTES / 1024 / 1024} MB. ` +
              'For the IPIP-FFM data-final.csv use "Import IPIP-FFM file" (streamed); for other large files reduce them first (npm run reference).',
          );
        }
        const started = performance.now();
        const policy = parseMissingPolicy(req.missing ?? 'drop');
        const step = (text: string, done: number): void => {
          safeCall(onProgress, { stage: 'reference-import', done, total: req.file.size, unit: 'bytes', text, elapsedMs: performance.now() - started });
        };
        step(`Reading ${req.file.name}`, 0);
        let buf: ArrayBuffer;
        try {
          buf = await req.file.arrayBuffer();
        } catch (e) {
          throw unreadable(req.file.name, e);
        }
        throwIfAborted(signal);
        // The whole buffer is in memory anyway (≤ CSV_MAX_BYTES), so the one-shot digest is fine here.
        const digest = toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', buf)));
        const text = new TextDecoder().decode(buf);
        step(`Parsing ${req.file.name}`, req.file.size);
        throwIfAborted(signal);
        const parsed = parseReferenceCsv(text, { file: req.file.name, missing: policy });
        throwIfAborted(signal);
        const n = parsed.cloud.n;
        // Stored weights are the file's (normalised): the cloud's weights sum to 1 either way.
        const weights = parsed.cloud.weights;
        let countryIndex: Uint16Array | null = null;
        let countryNames: string[] = [];
        let perCountry: Record<string, number> | null = null;
        if (parsed.countries) {
          const interned = internCountries(parsed.countries);
          countryIndex = interned.index;
          countryNames = interned.names;
          perCountry = interned.perCountry;
        }
        const alpha = parsed.mode === 'items' ? itemAlpha(text) : null;
        const info: ReferenceInfo = {
          id: crypto.randomUUID(),
          name: req.name?.trim() || defaultName(req.file.name),
          kind: 'csv',
          createdAt: Date.now(),
          n,
          source: { kind: 'file', fileName: req.file.name, size: req.file.size, lastModified: req.file.lastModified, sha256: digest },
          filters: { ipcOne: null, missing: parsed.mode === 'items' ? formatMissingPolicy(policy) : null, minTestTime: null, countries: null, countryGroup: null },
          rows: { read: parsed.rowsRead, kept: n, dropped: parsed.mode === 'items' ? { missing: parsed.droppedMissing } : {}, keptWithMissing: 0 },
          perCountry,
          ...summariseCloud(parsed.cloud.points, weights),
          alpha,
          weighted: parsed.weighted,
          label: null,
          notes: [parsed.mode === 'items' ? 'Scored from the 50 IPIP item columns with the app’s key.' : 'Trait scores taken from the file as they are (the app’s scale is the 1–5 item mean).'],
          elapsedMs: 0,
        };
        const data: ReferenceDataRow = { points: parsed.cloud.points, weights, countryIndex, countryNames };
        return save(db, info, data, signal, started, onProgress, req.file.size, req.file.size);
      });
    },

    createBuiltinSample(req: BuiltinSampleRequest, builtinJson: unknown, onProgress: ProgressCallback): Promise<ReferenceInfo> {
      return job(async (db, signal) => {
        const started = performance.now();
        if (!Number.isInteger(req.n) || req.n < 1 || req.n > BUILTIN_MAX_N) {
          throw new AppError('InputError', `Sample size must be a whole number from 1 to ${BUILTIN_MAX_N.toLocaleString('en')}, got ${req.n}.`);
        }
        if (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > 0xffffffff) {
          throw new AppError('InputError', `Seed must be a whole number from 0 to 4294967295, got ${req.seed}.`);
        }
        const ref = validateBuiltinReference(builtinJson);
        const entry = builtinEntry(ref, req.builtinId);
        safeCall(onProgress, { stage: 'reference-import', done: 0, total: req.n, unit: 'points', text: `Sampling ${req.n.toLocaleString('en')} points from ${entry.name}`, elapsedMs: 0 });
        const sample = sampleBuiltin(entry, req.n, req.seed);
        throwIfAborted(signal);
        const weights = new Float64Array(req.n).fill(1);
        const info: ReferenceInfo = {
          id: crypto.randomUUID(),
          name: req.name?.trim() || `${entry.name}, n = ${req.n.toLocaleString('en')}, seed ${req.seed}`,
          kind: 'builtin',
          createdAt: Date.now(),
          n: req.n,
          source: {
            kind: 'builtin',
            builtinId: entry.id,
            builtinName: entry.name,
            seed: req.seed,
            n: req.n,
            sourceText: entry.source,
            citations: [...entry.citations],
            assumed: [...entry.assumed],
            clampedValues: sample.clampedValues,
          },
          filters: { ipcOne: null, missing: null, minTestTime: null, countries: entry.countries ? [...entry.countries] : null, countryGroup: null },
          rows: { read: req.n, kept: req.n, dropped: {}, keptWithMissing: 0 },
          perCountry: null,
          ...summariseCloud(sample.cloud.points, weights),
          alpha: null,
          weighted: false,
          label: 'approximate',
          notes: [sample.note, ref.howToUseRealData],
          elapsedMs: 0,
        };
        const data: ReferenceDataRow = { points: sample.cloud.points, weights, countryIndex: null, countryNames: [] };
        return save(db, info, data, signal, started, onProgress, req.n, req.n, 'points');
      });
    },
  };
}

/** A zip archive starts with a local file header, "PK\x03\x04". */
function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** Where data-final.csv sits in a zip, from the central directory (sizes there are always set). */
export interface ZipEntryLocation {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Offset of the entry's compressed bytes in the file. */
  dataStart: number;
}

const u16 = (b: Uint8Array, o: number): number => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number): number => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

/**
 * Finds data-final.csv (any folder, not __MACOSX/) through the zip's end record and central
 * directory, reading only the file's tail and one local header. InputError for anything the
 * streaming path cannot read (no such entry, encryption, Zip64, other compression methods).
 */
export async function locateZipEntry(file: Blob & { name?: string }): Promise<ZipEntryLocation> {
  const zipName = file.name ?? 'archive.zip';
  const bad = (msg: string): AppError => new AppError('InputError', `${msg} Unpack the archive and choose data-final.csv itself.`, { file: zipName });
  const read = async (start: number, end: number): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await file.slice(start, end).arrayBuffer());
    } catch (e) {
      throw unreadable(zipName, e);
    }
  };
  // End of central directory: 22 bytes plus a comment of up to 65,535 bytes.
  const tailStart = Math.max(0, file.size - 22 - 65535);
  const tail = await read(tailStart, file.size);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw bad('the zip has no end record (truncated or damaged download?).');
  const count = u16(tail, eocd + 10);
  const cdSize = u32(tail, eocd + 12);
  const cdOffset = u32(tail, eocd + 16);
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw bad('this is a Zip64 archive, which is not read on the fly.');
  const cd = await read(cdOffset, cdOffset + cdSize);
  const names: string[] = [];
  const decoder = new TextDecoder();
  let found: { name: string; flags: number; method: number; crc32: number; compressedSize: number; size: number; localOffset: number } | undefined;
  for (let o = 0, k = 0; k < count && o + 46 <= cd.length; k++) {
    if (u32(cd, o) !== 0x02014b50) throw bad('the zip directory is damaged.');
    const nameLen = u16(cd, o + 28);
    const name = decoder.decode(cd.subarray(o + 46, o + 46 + nameLen));
    if (!name.endsWith('/')) names.push(name);
    if (!found && name.split('/').pop()!.toLowerCase() === 'data-final.csv' && !name.startsWith('__MACOSX/')) {
      found = { name, flags: u16(cd, o + 8), method: u16(cd, o + 10), crc32: u32(cd, o + 16), compressedSize: u32(cd, o + 20), size: u32(cd, o + 24), localOffset: u32(cd, o + 42) };
    }
    o += 46 + nameLen + u16(cd, o + 30) + u16(cd, o + 32);
  }
  if (!found) {
    throw new AppError('InputError', `the zip has no data-final.csv (it holds ${names.slice(0, 6).join(', ') || 'no files'}${names.length > 6 ? ', …' : ''}). Choose the IPIP-FFM download or data-final.csv itself.`, { file: zipName });
  }
  if (found.flags & 1) throw bad(`${found.name} is encrypted.`);
  if (found.method !== 0 && found.method !== 8) throw bad(`${found.name} uses zip compression method ${found.method}, not deflate.`);
  if (found.size === 0xffffffff || found.compressedSize === 0xffffffff || found.localOffset === 0xffffffff) throw bad('this is a Zip64 archive, which is not read on the fly.');
  const local = await read(found.localOffset, found.localOffset + 30);
  if (local.length < 30 || u32(local, 0) !== 0x04034b50) throw bad('the zip directory points at a damaged entry.');
  const dataStart = found.localOffset + 30 + u16(local, 26) + u16(local, 28);
  if (dataStart + found.compressedSize > file.size) throw new AppError('InputError', `the archive ends inside ${found.name} (truncated download?). Download it again.`, { file: zipName });
  return { name: found.name, method: found.method, crc32: found.crc32, compressedSize: found.compressedSize, size: found.size, dataStart };
}

/**
 * Inflates one zip entry as its compressed bytes go by (write(chunk, filePos) takes any chunk of the
 * file and keeps the entry's range) and pushes the output into the importer; end() checks size and
 * CRC-32. Backpressure: write() resolves when the decompressor has taken the bytes.
 */
class ZipEntryInflater {
  private readonly writer: WritableStreamDefaultWriter<Uint8Array>;
  private readonly pump: Promise<void>;
  private failure: unknown;
  private out = 0;

  static async create(entry: ZipEntryLocation, importer: FfmImporter, zipName: string): Promise<ZipEntryInflater> {
    let crc: IHasher | undefined;
    try {
      crc = await createCRC32();
      crc.init();
    } catch {
      crc = undefined; // no WebAssembly: the inflater still checks the size
    }
    return new ZipEntryInflater(entry, importer, zipName, crc);
  }

  private constructor(
    private readonly entry: ZipEntryLocation,
    importer: FfmImporter,
    private readonly zipName: string,
    private readonly crc: IHasher | undefined,
  ) {
    let stream: ReadableWritablePair<Uint8Array, Uint8Array>;
    if (entry.method === 0) stream = new TransformStream<Uint8Array, Uint8Array>();
    else {
      try {
        stream = new DecompressionStream('deflate-raw') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>;
      } catch {
        throw new AppError('InputError', 'this browser cannot unpack zip archives on the fly; unpack the archive and choose data-final.csv itself.', { file: zipName });
      }
    }
    this.writer = stream.writable.getWriter();
    const reader = stream.readable.getReader();
    this.pump = (async () => {
      for (;;) {
        const r = await reader.read();
        if (r.done) return;
        this.out += r.value.length;
        this.crc?.update(r.value);
        importer.push(r.value);
      }
    })();
    this.pump.catch((e: unknown) => {
      this.failure ??= e;
      this.writer.abort(e).catch(() => {});
      reader.cancel(e).catch(() => {});
    });
  }

  async write(chunk: Uint8Array, filePos: number): Promise<void> {
    const start = Math.max(this.entry.dataStart, filePos);
    const end = Math.min(this.entry.dataStart + this.entry.compressedSize, filePos + chunk.length);
    if (end <= start) return;
    try {
      await this.writer.write(chunk.subarray(start - filePos, end - filePos));
    } catch (e) {
      throw this.error(e);
    }
  }

  async end(): Promise<void> {
    try {
      await this.writer.close();
      await this.pump;
    } catch (e) {
      throw this.error(e);
    }
    const where = { file: this.zipName };
    if (this.out !== this.entry.size) {
      throw new AppError('InputError', `${this.entry.name} inflated to ${this.out} bytes, but the zip says ${this.entry.size}: the archive is damaged. Download it again.`, where);
    }
    if (this.crc && Number.parseInt(this.crc.digest('hex'), 16) !== this.entry.crc32) {
      throw new AppError('InputError', `${this.entry.name} fails its CRC-32 check: the archive is damaged. Download it again.`, where);
    }
  }

  /** Stops the streams after a failure or cancel elsewhere. */
  dispose(): void {
    this.writer.abort(new AppError('AbortError', 'Cancelled.')).catch(() => {});
    this.pump.catch(() => {});
  }

  /** The importer's own error (bad row, cancel) wins; otherwise the decompressor's, in the user's words. */
  private error(e: unknown): AppError {
    const cause = this.failure ?? e;
    if (cause instanceof AppError) return cause;
    if (isAppError(cause)) return new AppError((cause as Error).name as AppError['name'], (cause as Error).message);
    const why = cause instanceof Error ? cause.message : String(cause);
    return new AppError('InputError', `cannot unpack ${this.entry.name} (${why}); the archive is damaged. Download it again, or unpack it and choose data-final.csv.`, { file: this.zipName });
  }
}

/** The final all-or-nothing write, with its progress messages. */
async function save(
  db: AppDb,
  info: ReferenceInfo,
  data: ReferenceDataRow,
  signal: AbortSignal,
  started: number,
  onProgress: ProgressCallback,
  done: number,
  total: number,
  unit = 'bytes',
): Promise<ReferenceInfo> {
  const counts = { rows: info.rows.read, kept: info.n };
  safeCall(onProgress, { stage: 'reference-import', done, total, unit, text: `Saving ${info.n.toLocaleString('en')} points`, elapsedMs: performance.now() - started, counts });
  const stored: ReferenceInfo = { ...info, elapsedMs: Math.round(performance.now() - started) };
  await saveReference(db, stored, compactData(data), signal);
  safeCall(onProgress, {
    stage: 'reference-import',
    done,
    total,
    unit,
    text: `Stored ${info.n.toLocaleString('en')} points (${info.rows.read.toLocaleString('en')} rows read)`,
    elapsedMs: performance.now() - started,
    counts,
  });
  return stored;
}

/**
 * Typed arrays that are views of a larger buffer would be stored with the whole buffer
 * (structured clone copies the ArrayBuffer): copy them to exact size first.
 */
function compactData(d: ReferenceDataRow): ReferenceDataRow {
  const exact = <T extends Float32Array | Float64Array | Uint16Array>(a: T): T => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : (a.slice() as T));
  return { points: exact(d.points), weights: exact(d.weights), countryIndex: d.countryIndex ? exact(d.countryIndex) : null, countryNames: d.countryNames };
}

export interface CloudSummary {
  mean: number[];
  sd: number[];
  correlation: number[][];
}

/**
 * Weighted per-column mean and SD (population form, Σw-normalised) and Pearson correlation of an
 * n × 5 matrix, in float64 with one pass for means and one for the co-moments. A zero-variance
 * column gets correlation NaN off the diagonal (1 on it).
 */
export function summariseCloud(points: Float32Array, weights: ArrayLike<number>): CloudSummary {
  const n = weights.length;
  let W = 0;
  const mean = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    W += w;
    for (let t = 0; t < D; t++) mean[t]! += w * points[i * D + t]!;
  }
  for (let t = 0; t < D; t++) mean[t] = W > 0 ? mean[t]! / W : NaN;
  const cov = new Float64Array(D * D);
  const dev = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    const w = weights[i]!;
    for (let t = 0; t < D; t++) dev[t] = points[i * D + t]! - mean[t]!;
    for (let a = 0; a < D; a++) for (let b = a; b < D; b++) cov[a * D + b]! += w * dev[a]! * dev[b]!;
  }
  for (let a = 0; a < D; a++) for (let b = a; b < D; b++) cov[a * D + b] = W > 0 ? cov[a * D + b]! / W : NaN;
  const sd = Array.from({ length: D }, (_, t) => Math.sqrt(cov[t * D + t]!));
  const correlation = Array.from({ length: D }, (_, a) =>
    Array.from({ length: D }, (_, b) => {
      if (a === b) return 1;
      const [lo, hi] = a < b ? [a, b] : [b, a];
      const r = cov[lo * D + hi]! / (sd[a]! * sd[b]!);
      return Number.isFinite(r) ? r : NaN;
    }),
  );
  return { mean: Array.from(mean), sd, correlation };
}

/** Country codes per row → Uint16 indices, names and counts. */
export function internCountries(codes: readonly string[]): { index: Uint16Array; names: string[]; perCountry: Record<string, number> } {
  const names: string[] = [];
  const byName = new Map<string, number>();
  const index = new Uint16Array(codes.length);
  const perCountry: Record<string, number> = {};
  codes.forEach((raw, i) => {
    const c = raw.trim().toUpperCase() || 'NONE';
    let k = byName.get(c);
    if (k === undefined) {
      k = names.length;
      if (k >= 65535) throw new AppError('InputError', 'More than 65,535 distinct country values: the country column looks wrong.');
      names.push(c);
      byName.set(c, k);
    }
    index[i] = k;
    perCountry[c] = (perCountry[c] ?? 0) + 1;
  });
  return { index, names, perCountry };
}

/** α per trait from the 50 item columns of a reference CSV (listwise per trait); NaN below 3 rows. */
function itemAlpha(text: string): number[] | null {
  const rows = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { header: false, skipEmptyLines: true }).data;
  const header = rows[0]?.map((h) => h.trim().toUpperCase());
  if (!header) return null;
  const cols = ITEM_CODES.map((c) => header.indexOf(c.toUpperCase()));
  if (cols.some((c) => c < 0)) return null;
  const answers: Float64Array[] = [];
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const a = new Float64Array(N_ITEMS);
    for (let j = 0; j < N_ITEMS; j++) {
      const v = Number((row[cols[j]!] ?? '').trim());
      a[j] = Number.isFinite(v) && v >= 1 && v <= 5 ? v : 0;
    }
    answers.push(a);
  }
  return traitReliability(answers).map((t) => finiteOrNaN(t.alpha));
}

function normaliseCountries(list: readonly string[]): string[] {
  if (list.length === 0) throw new AppError('InputError', 'The country list is empty: add at least one country code, or clear the country filter to keep all countries.');
  return parseCountryList(list.join(','));
}

function toHex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

function finiteOrNaN(x: number): number {
  return Number.isFinite(x) ? x : NaN;
}

function defaultName(fileName: string, group?: string): string {
  return group ? `${fileName} — ${group}` : fileName;
}

function checkFile(file: File): void {
  if (!(file instanceof Blob)) throw new AppError('InputError', 'Not a file from this page: choose the file again.');
  if (file.size === 0) throw new AppError('InputError', `${file.name} is empty (0 bytes); choose the right file.`);
}

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>, name: string): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (e) {
    throw unreadable(name, e);
  }
}

function unreadable(name: string, e: unknown): AppError {
  // Chromium reports an unreadable File as "network error" (NotReadableError elsewhere).
  const why = e instanceof Error ? e.message : String(e);
  return new AppError('InputError', `could not read the file (${why}); it may have been moved, changed or deleted since it was chosen. Choose it again.`, { file: name });
}

/** The user's words for what went wrong; every path ends with the store unchanged. */
function mapError(e: unknown, signal: AbortSignal): AppError {
  if (signal.aborted) return new AppError('AbortError', 'Import cancelled; nothing was stored.');
  if (isQuotaExceeded(e)) {
    return new AppError(
      'QuotaError',
      'Browser storage is full: the reference did not fit in the space this browser allows the app. Free space (delete references ' +
        "or corpora you no longer need, or other sites' data) or request persistent storage, then try again; nothing was stored.",
    );
  }
  if (e instanceof AppError) return e;
  if (isAppError(e)) return new AppError((e as Error).name as AppError['name'], (e as Error).message);
  return toStorageError(e, 'store the reference');
}

function safeCall(cb: ProgressCallback, p: Progress): void {
  try {
    const r: unknown = cb(p);
    if (r instanceof Promise) r.catch(() => {});
  } catch {
    // A progress listener that throws must not fail the import.
  }
}

/** At most one message per `intervalMs` (FfmImporter throttles too; this guards other callers). */
function throttle(cb: ProgressCallback, intervalMs: number): ProgressCallback {
  let last = -Infinity;
  return (p) => {
    const now = performance.now();
    if (now - last < intervalMs && p.text.startsWith('Importing')) return;
    last = now;
    safeCall(cb, p);
  };
}
