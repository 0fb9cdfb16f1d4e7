/**
 * Byte chunks → text, for one file. UTF-8 first; at the first byte sequence that is not valid UTF-8
 * the rest of the file is read as windows-1252 (the Blog Authorship Corpus has Latin-1 files).
 * The switch happens at the exact invalid byte, so the text never depends on where chunks split.
 * Line ends are normalised to '\n' (CRLF and lone CR), which is what every parser counts as a line.
 */

/** Where decoding switched to windows-1252: byte offset in the file and the 1-based line. */
export interface EncodingFallback {
  byte: number;
  line: number;
}

export class ChunkDecoder {
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private mode: 'utf-8' | 'windows-1252' = 'utf-8';
  /** Bytes of an incomplete UTF-8 sequence at the end of the last chunk. */
  private carry: Uint8Array = new Uint8Array(0);
  private bytesSeen = 0;
  private pendingCR = false;
  private started = false;
  /** Newlines emitted while still in UTF-8 mode, to give the fallback a line number. */
  private newlines = 0;
  fallback: EncodingFallback | undefined;

  push(chunk: Uint8Array): string {
    return this.count(this.normalise(this.decode(chunk, false), false));
  }

  end(): string {
    return this.count(this.normalise(this.decode(new Uint8Array(0), true), true));
  }

  /** Counts emitted lines until a fallback happens, to give the fallback its line number. */
  private count(text: string): string {
    if (this.fallback) return text;
    let i = text.indexOf('\n');
    while (i !== -1) {
      this.newlines++;
      i = text.indexOf('\n', i + 1);
    }
    return text;
  }

  private decode(chunk: Uint8Array, final: boolean): string {
    const bytes = this.carry.length > 0 ? concat(this.carry, chunk) : chunk;
    const offset = this.bytesSeen - this.carry.length;
    this.bytesSeen += chunk.length;
    this.carry = new Uint8Array(0);
    if (this.mode === 'windows-1252') return decodeWindows1252(bytes);

    const tail = final ? 0 : incompleteTail(bytes);
    const body = tail > 0 ? bytes.subarray(0, bytes.length - tail) : bytes;
    if (tail > 0) this.carry = bytes.slice(bytes.length - tail);
    try {
      return this.stripBom(this.utf8.decode(body));
    } catch {
      // Only reached for invalid UTF-8 (including a sequence cut off by the end of the file).
      const bad = firstInvalidUtf8(body);
      const valid = this.stripBom(this.utf8.decode(body.subarray(0, bad)));
      const breaks = ((this.pendingCR ? '\r' : '') + valid).match(/\r\n?|\n/g)?.length ?? 0;
      this.fallback = { byte: offset + bad, line: this.newlines + breaks + 1 };
      this.mode = 'windows-1252';
      const rest = concat(body.subarray(bad), this.carry);
      this.carry = new Uint8Array(0);
      return valid + decodeWindows1252(rest);
    }
  }

  private stripBom(text: string): string {
    if (this.started || text.length === 0) return text;
    this.started = true;
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  private normalise(text: string, final: boolean): string {
    if (this.pendingCR) {
      text = '\r' + text;
      this.pendingCR = false;
    }
    if (!final && text.endsWith('\r')) {
      this.pendingCR = true;
      text = text.slice(0, -1);
    }
    return text.indexOf('\r') === -1 ? text : text.replace(/\r\n?/g, '\n');
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Length (0–3) of a UTF-8 sequence at the end of `bytes` that is started but not complete. */
export function incompleteTail(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (bytes.length if none). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // cut off by the end of the bytes
    const c1 = bytes[i + 1]!;
    if (c1 < lo || c1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return n;
}

// windows-1252 differs from Latin-1 only in 0x80–0x9F. Decoded here rather than with TextDecoder
// because Node's 'windows-1252' decoder maps those bytes as Latin-1 while browsers do not.
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

export function decodeWindows1252(bytes: Uint8Array): string {
  const parts: string[] = [];
  const block = 8192;
  const codes = new Uint16Array(Math.min(block, bytes.length));
  for (let start = 0; start < bytes.length; start += block) {
    const end = Math.min(bytes.length, start + block);
    for (let i = start; i < end; i++) {
      const b = bytes[i]!;
      codes[i - start] = b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80]! : b;
    }
    parts.push(String.fromCharCode(...codes.subarray(0, end - start)));
  }
  return parts.join('');
}
