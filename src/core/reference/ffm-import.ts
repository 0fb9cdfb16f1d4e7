/**
 * Streaming, push-based importer for the Open Psychometrics IPIP-FFM `data-final.csv`
 * (TAB-separated, ~1,015,000 rows, ~400 MB). Feed it Uint8Array chunks of any size and split
 * anywhere; it never holds more than one partial line besides its compact output. No Node APIs:
 * it runs in Node, the page and a Web Worker alike.
 *
 * The file has no quoting, so a hand-written byte splitter is enough. It handles CRLF, empty lines,
 * `NULL` fields, a UTF-8 BOM, and a truncated last line (dropped and counted, not an error). Item
 * answers are 0 (missing) or 1–5, written "4" or "4.0". Anything else is an InputError naming the
 * line and column.
 */
import type { Progress, ProgressCallback } from '../../contracts/progress';
import { AppError, throwIfAborted } from '../errors';
import { ITEM_INDEX, ITEM_KEYING, ITEM_TRAIT_INDEX, N_ITEMS, TRAIT_ITEMS } from '../psychometrics/ipip50';
import { cronbachAlphaFromSums } from '../psychometrics/reliability';
import { DEFAULT_MISSING_POLICY, formatMissingPolicy, type MissingPolicy } from '../psychometrics/scoring';
import { TRAITS } from '../traits';

const D = TRAITS.length;
const TAB = 9;
const LF = 10;
const CR = 13;

export interface FfmImportOptions {
  /** Keep only rows with IPC == 1 (one submission from that IP address), as the codebook advises. Default true. */
  ipcOne?: boolean;
  /** Missing-answer policy (default `drop`). */
  missing?: MissingPolicy;
  /** Drop rows whose `testelapse` (seconds on the questionnaire page) is below this. Off when undefined. */
  minTestTime?: number;
  /** Keep only these ISO alpha-2 countries (upper case; `NONE` = unknown). All when undefined. */
  countries?: readonly string[];
  /** Also keep the raw 50 answers per kept row (n × 50 bytes). Default false. */
  keepItems?: boolean;
  /** File name used in error locations. */
  file?: string;
  /** Total size in bytes, when known, for progress. */
  totalBytes?: number;
  onProgress?: ProgressCallback;
  /** Minimum milliseconds between progress reports (default 250). */
  progressIntervalMs?: number;
  signal?: AbortSignal;
}

export type FfmDropReason = 'ipc' | 'country' | 'testTime' | 'missing' | 'truncated';

export interface FfmImportResult {
  /** Kept rows. */
  n: number;
  /** n × 5 trait scores on the 1–5 mean scale, TRAITS order (neuroticism direction). */
  scores: Float32Array;
  /** Per kept row, an index into `countryNames`. */
  countryIndex: Uint16Array;
  countryNames: string[];
  /** n × 50 raw answers in file item order (0 = missing), only with `keepItems`. */
  items?: Uint8Array;
  /** Data rows read (header and empty lines excluded). */
  rowsRead: number;
  kept: number;
  dropped: Record<FfmDropReason, number>;
  /** Kept rows scored from fewer than 50 answers (`min:K` policy only). */
  keptWithMissing: number;
  emptyLines: number;
  /** Kept rows per country code. */
  perCountry: Record<string, number>;
  /** Cronbach's α per trait (TRAITS order) over kept rows that answered all 10 of its items. */
  alpha: number[];
  bytes: number;
  elapsedMs: number;
  options: { ipcOne: boolean; missing: string; minTestTime: number | null; countries: string[] | null; keepItems: boolean };
}

/** Country code of kept row i. */
export function countryOf(r: Pick<FfmImportResult, 'countryIndex' | 'countryNames'>, i: number): string {
  return r.countryNames[r.countryIndex[i]!] ?? 'NONE';
}

const ROLE_IGNORE = 0;
const ROLE_IPC = -1;
const ROLE_TEST = -2;
const ROLE_COUNTRY = -3;
// roles 1…50: item (file-order index + 1)

export class FfmImporter {
  private readonly ipcOne: boolean;
  private readonly policy: MissingPolicy;
  private readonly minTest: number | undefined;
  private readonly countryFilter: Set<string> | undefined;
  private readonly keepItems: boolean;
  private readonly file: string | undefined;
  private readonly started = now();
  private lastReport = 0;

  private headerDone = false;
  private roles: Int8Array = new Int8Array(0);
  private nFields = 0;
  private headerNames: string[] = [];

  private carry = new Uint8Array(4096);
  private carryLen = 0;
  private line = 0;
  private bytes = 0;

  private scores = new Float32Array(1024 * D);
  private countryIdx = new Uint16Array(1024);
  private items: Uint8Array | undefined;
  private n = 0;
  private rowsRead = 0;
  private emptyLines = 0;
  private keptWithMissing = 0;
  private readonly dropped: Record<FfmDropReason, number> = { ipc: 0, country: 0, testTime: 0, missing: 0, truncated: 0 };

  private readonly countryNames: string[] = [];
  private readonly countryByKey = new Map<number, number>();
  private readonly countryByName = new Map<string, number>();
  private countryAllowed = new Uint8Array(64);
  private perCountryKept = new Float64Array(64);
  private readonly decoder = new TextDecoder();

  // per-row scratch
  private readonly answers = new Uint8Array(N_ITEMS);
  private readonly sum = new Float64Array(D);
  private readonly cnt = new Int32Array(D);
  // streamed sums for α: per item (keyed), per trait total, per trait n
  private readonly itemSum = new Float64Array(N_ITEMS);
  private readonly itemSq = new Float64Array(N_ITEMS);
  private readonly totSum = new Float64Array(D);
  private readonly totSq = new Float64Array(D);
  private readonly alphaN = new Float64Array(D);

  constructor(private readonly opts: FfmImportOptions = {}) {
    this.ipcOne = opts.ipcOne ?? true;
    this.policy = opts.missing ?? DEFAULT_MISSING_POLICY;
    this.minTest = opts.minTestTime;
    this.countryFilter = opts.countries ? new Set(opts.countries.map((c) => c.trim().toUpperCase())) : undefined;
    this.keepItems = opts.keepItems ?? false;
    this.file = opts.file;
    if (this.keepItems) this.items = new Uint8Array(1024 * N_ITEMS);
  }

  /** Feeds the next chunk of the file. */
  push(chunk: Uint8Array): void {
    throwIfAborted(this.opts.signal);
    this.bytes += chunk.length;
    let pos = 0;
    if (!this.headerDone) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.appendCarry(chunk);
        if (this.carryLen > 1 << 20) this.fail('the first line is over 1 MB with no line break: this is not the IPIP-FFM data-final.csv.', 1);
        return;
      }
      this.appendCarry(chunk.subarray(0, nl));
      this.parseHeader(this.carry.subarray(0, this.carryLen));
      this.carryLen = 0;
      pos = nl + 1;
    } else if (this.carryLen > 0) {
      const nl = chunk.indexOf(LF);
      if (nl < 0) {
        this.appendCarry(chunk);
        return;
      }
      this.appendCarry(chunk.subarray(0, nl));
      this.processLine(this.carry, 0, this.carryLen, false);
      this.carryLen = 0;
      pos = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(LF, pos);
      if (nl < 0) break;
      this.processLine(chunk, pos, nl, false);
      pos = nl + 1;
    }
    if (pos < chunk.length) this.appendCarry(chunk.subarray(pos));
    this.maybeReport(false);
  }

  /** Ends the stream: processes an unterminated last line and returns the result. */
  finish(): FfmImportResult {
    throwIfAborted(this.opts.signal);
    if (!this.headerDone) {
      if (this.carryLen === 0) this.fail('the file is empty: expected the IPIP-FFM header line (EXT1, EXT2, … TAB-separated).', 1);
      this.parseHeader(this.carry.subarray(0, this.carryLen));
      this.carryLen = 0;
    }
    if (this.carryLen > 0) {
      this.processLine(this.carry, 0, this.carryLen, true);
      this.carryLen = 0;
    }
    this.maybeReport(true);
    const perCountry: Record<string, number> = {};
    this.countryNames.forEach((c, k) => {
      if (this.perCountryKept[k]! > 0) perCountry[c] = this.perCountryKept[k]!;
    });
    const result: FfmImportResult = {
      n: this.n,
      scores: this.scores.slice(0, this.n * D),
      countryIndex: this.countryIdx.slice(0, this.n),
      countryNames: this.countryNames.slice(),
      rowsRead: this.rowsRead,
      kept: this.n,
      dropped: { ...this.dropped },
      keptWithMissing: this.keptWithMissing,
      emptyLines: this.emptyLines,
      perCountry,
      alpha: TRAIT_ITEMS.map((idx, t) =>
        cronbachAlphaFromSums(this.alphaN[t]!, idx.map((j) => this.itemSum[j]!), idx.map((j) => this.itemSq[j]!), this.totSum[t]!, this.totSq[t]!),
      ),
      bytes: this.bytes,
      elapsedMs: now() - this.started,
      options: {
        ipcOne: this.ipcOne,
        missing: formatMissingPolicy(this.policy),
        minTestTime: this.minTest ?? null,
        countries: this.countryFilter ? [...this.countryFilter] : null,
        keepItems: this.keepItems,
      },
    };
    if (this.items) result.items = this.items.slice(0, this.n * N_ITEMS);
    return result;
  }

  private fail(message: string, line: number, column?: string | number): never {
    const loc: { file?: string; line: number; column?: string | number } = { line };
    if (this.file) loc.file = this.file;
    if (column !== undefined) loc.column = column;
    throw new AppError('InputError', message, loc);
  }

  private appendCarry(part: Uint8Array): void {
    const need = this.carryLen + part.length;
    if (need > this.carry.length) {
      const next = new Uint8Array(Math.max(need, this.carry.length * 2));
      next.set(this.carry.subarray(0, this.carryLen));
      this.carry = next;
    }
    this.carry.set(part, this.carryLen);
    this.carryLen = need;
  }

  private parseHeader(bytes: Uint8Array): void {
    this.line = 1;
    let text = this.decoder.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.endsWith('\r')) text = text.slice(0, -1);
    const names = text.split('\t').map((s) => s.trim());
    if (names.length === 1) {
      const sep = text.includes(',') ? 'commas' : text.includes(';') ? 'semicolons' : undefined;
      this.fail(
        sep
          ? `the header is separated by ${sep}, not TABs. data-final.csv from Open Psychometrics is TAB-separated; use the original file (for your own comma-separated trait or item file, use "reference CSV" import instead).`
          : 'the header has a single column; expected the TAB-separated IPIP-FFM header (EXT1 … OPN10, IPC, country, …).',
        1,
      );
    }
    const roles = new Int8Array(names.length);
    const seen = new Set<number>();
    names.forEach((raw, f) => {
      const name = raw.toUpperCase();
      const item = ITEM_INDEX.get(name);
      if (item !== undefined) {
        if (seen.has(item)) this.fail(`item column ${name} appears twice.`, 1, f + 1);
        seen.add(item);
        roles[f] = item + 1;
      } else if (name === 'IPC') roles[f] = ROLE_IPC;
      else if (name === 'TESTELAPSE') roles[f] = ROLE_TEST;
      else if (name === 'COUNTRY') roles[f] = ROLE_COUNTRY;
      else roles[f] = ROLE_IGNORE;
    });
    if (seen.size < N_ITEMS) {
      const missing = [...ITEM_INDEX.entries()].filter(([, i]) => !seen.has(i)).map(([c]) => c);
      this.fail(`the header lacks ${missing.length} of the 50 item columns: ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''}.`, 1, missing[0]);
    }
    const has = (r: number): boolean => roles.includes(r);
    if (this.ipcOne && !has(ROLE_IPC)) this.fail('the header has no IPC column; turn the IPC == 1 filter off (--no-ipc-one) to import without it.', 1, 'IPC');
    if (this.minTest !== undefined && !has(ROLE_TEST)) this.fail('the header has no testelapse column, so a minimum test time cannot be applied.', 1, 'testelapse');
    if (this.countryFilter && !has(ROLE_COUNTRY)) this.fail('the header has no country column, so a country filter cannot be applied.', 1, 'country');
    this.roles = roles;
    this.nFields = names.length;
    this.headerNames = names;
    this.headerDone = true;
  }

  /** One data line [start, end) without its LF. */
  private processLine(buf: Uint8Array, start: number, end: number, isLast: boolean): void {
    this.line++;
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) {
      this.emptyLines++;
      return;
    }
    this.rowsRead++;
    const roles = this.roles;
    const ans = this.answers;
    let field = 0;
    let fs = start;
    let ipc = NaN;
    let test = NaN;
    let cs = -1;
    let ce = -1;
    let badField = -1;
    const nRoles = roles.length;
    for (;;) {
      let i = fs;
      while (i < end && buf[i] !== TAB) i++;
      // field [fs, i)
      if (field < nRoles) {
        const role = roles[field]!;
        if (role > 0) {
          const len = i - fs;
          let v = -1;
          const c0 = buf[fs]!;
          if (len === 1 || (len === 3 && buf[fs + 1] === 46 && buf[fs + 2] === 48)) {
            v = c0 - 48; // "4" or "4.0"
          } else if (len === 0 || (len === 4 && c0 === 78 && buf[fs + 1] === 85 && buf[fs + 2] === 76 && buf[fs + 3] === 76)) {
            v = 0; // empty or NULL = missing
          }
          if (v < 0 || v > 5) {
            if (badField < 0) badField = field;
            v = 0;
          }
          ans[role - 1] = v;
        } else if (role === ROLE_IPC) ipc = parseNum(buf, fs, i);
        else if (role === ROLE_TEST) test = parseNum(buf, fs, i);
        else if (role === ROLE_COUNTRY) {
          cs = fs;
          ce = i;
        }
      }
      field++;
      if (i >= end) break;
      fs = i + 1;
    }
    if (field !== this.nFields) {
      if (isLast && field < this.nFields) {
        this.dropped.truncated++;
        return;
      }
      this.fail(`expected ${this.nFields} TAB-separated fields as in the header, found ${field}${field === 1 && hasByte(buf, start, end, 44) ? ' (the line looks comma-separated)' : ''}.`, this.line);
    }
    if (badField >= 0) {
      const text = this.fieldText(buf, start, end, badField);
      this.fail(`answer "${text}" is out of range: items must be 1–5, or 0 / NULL / empty for missing.`, this.line, this.headerNames[badField]);
    }
    if (this.ipcOne && ipc !== 1) {
      this.dropped.ipc++;
      return;
    }
    const country = cs < 0 ? this.countryIndex(buf, 0, 0) : this.countryIndex(buf, cs, ce);
    if (this.countryFilter && this.countryAllowed[country] === 0) {
      this.dropped.country++;
      return;
    }
    if (this.minTest !== undefined && !(test >= this.minTest)) {
      this.dropped.testTime++;
      return;
    }
    // Score: mean of keyed answers per trait (reverse: 6 − x), subject to the missing policy.
    const sum = this.sum;
    const cnt = this.cnt;
    sum.fill(0);
    cnt.fill(0);
    let missing = 0;
    for (let j = 0; j < N_ITEMS; j++) {
      const x = ans[j]!;
      if (x === 0) {
        missing++;
        continue;
      }
      const t = ITEM_TRAIT_INDEX[j]!;
      sum[t]! += ITEM_KEYING[j]! > 0 ? x : 6 - x;
      cnt[t]!++;
    }
    const need = this.policy.kind === 'drop' ? N_ITEMS / D : this.policy.minAnswered;
    for (let t = 0; t < D; t++) {
      if (cnt[t]! < need) {
        this.dropped.missing++;
        return;
      }
    }
    if (missing > 0) this.keptWithMissing++;
    this.ensureCapacity();
    const o = this.n * D;
    for (let t = 0; t < D; t++) this.scores[o + t] = sum[t]! / cnt[t]!;
    for (let t = 0; t < D; t++) {
      if (cnt[t] !== N_ITEMS / D) continue;
      this.alphaN[t]!++;
      this.totSum[t]! += sum[t]!;
      this.totSq[t]! += sum[t]! * sum[t]!;
    }
    for (let j = 0; j < N_ITEMS; j++) {
      const x = ans[j]!;
      if (x === 0 || cnt[ITEM_TRAIT_INDEX[j]!] !== N_ITEMS / D) continue;
      const k = ITEM_KEYING[j]! > 0 ? x : 6 - x;
      this.itemSum[j]! += k;
      this.itemSq[j]! += k * k;
    }
    this.countryIdx[this.n] = country;
    this.perCountryKept[country]!++;
    if (this.items) this.items.set(ans, this.n * N_ITEMS);
    this.n++;
  }

  private fieldText(buf: Uint8Array, start: number, end: number, want: number): string {
    let f = 0;
    let fs = start;
    for (let i = start; i <= end; i++) {
      if (i < end && buf[i] !== TAB) continue;
      if (f === want) return this.decoder.decode(buf.subarray(fs, i));
      f++;
      fs = i + 1;
    }
    return '';
  }

  /** Interns a country code; 2-byte ASCII codes take a fast numeric key. Empty/NULL → NONE. */
  private countryIndex(buf: Uint8Array, s: number, e: number): number {
    const len = e - s;
    let key = -1;
    if (len === 2) key = (buf[s]! << 8) | buf[s + 1]!;
    if (key >= 0) {
      const k = this.countryByKey.get(key);
      if (k !== undefined) return k;
    }
    let name = len === 0 ? 'NONE' : this.decoder.decode(buf.subarray(s, e)).trim().toUpperCase();
    if (name === '' || name === 'NULL') name = 'NONE';
    let k = this.countryByName.get(name);
    if (k === undefined) {
      k = this.countryNames.length;
      if (k >= 65535) this.fail('more than 65,535 distinct country values: the country column looks wrong.', this.line, 'country');
      this.countryNames.push(name);
      this.countryByName.set(name, k);
      if (k >= this.countryAllowed.length) {
        const a = new Uint8Array(this.countryAllowed.length * 2);
        a.set(this.countryAllowed);
        this.countryAllowed = a;
        const p = new Float64Array(this.perCountryKept.length * 2);
        p.set(this.perCountryKept);
        this.perCountryKept = p;
      }
      this.countryAllowed[k] = !this.countryFilter || this.countryFilter.has(name) ? 1 : 0;
    }
    if (key >= 0) this.countryByKey.set(key, k);
    return k;
  }

  private ensureCapacity(): void {
    if (this.n < this.countryIdx.length) return;
    const cap = this.countryIdx.length * 2;
    const s = new Float32Array(cap * D);
    s.set(this.scores);
    this.scores = s;
    const c = new Uint16Array(cap);
    c.set(this.countryIdx);
    this.countryIdx = c;
    if (this.items) {
      const it = new Uint8Array(cap * N_ITEMS);
      it.set(this.items);
      this.items = it;
    }
  }

  private maybeReport(final: boolean): void {
    const cb = this.opts.onProgress;
    if (!cb) return;
    const t = now();
    if (!final && t - this.lastReport < (this.opts.progressIntervalMs ?? 250)) return;
    this.lastReport = t;
    const elapsedMs = t - this.started;
    const mb = this.bytes / 1e6;
    const p: Progress = {
      stage: 'reference-import',
      done: this.bytes,
      unit: 'bytes',
      text: `${final ? 'Imported' : 'Importing'} ${this.rowsRead.toLocaleString('en')} rows (${this.n.toLocaleString('en')} kept), ${mb.toFixed(0)} MB${elapsedMs > 0 ? `, ${((mb * 1000) / elapsedMs).toFixed(0)} MB/s` : ''}`,
      elapsedMs,
      counts: { rows: this.rowsRead, kept: this.n, bytes: this.bytes },
    };
    if (this.opts.totalBytes !== undefined) p.total = this.opts.totalBytes;
    cb(p);
  }
}

/** Convenience: drains an (async) iterable of chunks through an FfmImporter. */
export async function importFfm(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: FfmImportOptions = {}): Promise<FfmImportResult> {
  const imp = new FfmImporter(options);
  for await (const chunk of source) imp.push(chunk);
  return imp.finish();
}

/** Decimal number in buf[s, e) ("12", "-3", "0.5"); NaN for anything else (NULL, empty). */
function parseNum(buf: Uint8Array, s: number, e: number): number {
  if (s >= e) return NaN;
  let i = s;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
  }
  let v = 0;
  let digits = 0;
  while (i < e && buf[i]! >= 48 && buf[i]! <= 57) {
    v = v * 10 + (buf[i]! - 48);
    i++;
    digits++;
  }
  if (i < e && buf[i] === 46) {
    i++;
    let scale = 0.1;
    while (i < e && buf[i]! >= 48 && buf[i]! <= 57) {
      v += (buf[i]! - 48) * scale;
      scale /= 10;
      i++;
      digits++;
    }
  }
  if (i !== e || digits === 0) return NaN;
  return neg ? -v : v;
}

function hasByte(buf: Uint8Array, s: number, e: number, b: number): boolean {
  const k = buf.indexOf(b, s);
  return k >= 0 && k < e;
}

function now(): number {
  return typeof performance !== 'undefined' ? performance.now() : Date.now();
}
