/** Small text helpers shared by the parsers: entity decoding, control-character cleanup, word counts. */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '\u00a9', reg: '\u00ae',
  trade: '\u2122', hellip: '\u2026', mdash: '\u2014', ndash: '\u2013', lsquo: '\u2018', rsquo: '\u2019',
  ldquo: '\u201c', rdquo: '\u201d', laquo: '\u00ab', raquo: '\u00bb', middot: '\u00b7', bull: '\u2022',
  deg: '\u00b0', eacute: '\u00e9', egrave: '\u00e8', ecirc: '\u00ea', aacute: '\u00e1', agrave: '\u00e0',
  acirc: '\u00e2', auml: '\u00e4', ouml: '\u00f6', uuml: '\u00fc', Auml: '\u00c4', Ouml: '\u00d6',
  Uuml: '\u00dc', szlig: '\u00df', ccedil: '\u00e7', ntilde: '\u00f1', iacute: '\u00ed', oacute: '\u00f3',
  uacute: '\u00fa', euro: '\u20ac', pound: '\u00a3', yen: '\u00a5', cent: '\u00a2', times: '\u00d7',
  divide: '\u00f7', frac12: '\u00bd', frac14: '\u00bc', frac34: '\u00be', iexcl: '\u00a1', iquest: '\u00bf',
};

/**
 * Decodes the XML/HTML entities we know (&amp;, &nbsp;, &#233;, &#xE9; ...). A bare '&' or an
 * unknown entity stays as written: the text is kept, never rejected, for one stray character.
 */
export function decodeEntities(text: string): string {
  if (text.indexOf('&') === -1) return text;
  return text.replace(/&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,9});/g, (whole, body: string) => {
    if (body.charCodeAt(0) === 35 /* # */) {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      const valid = code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
      return valid ? String.fromCodePoint(code) : whole;
    }
    return NAMED[body] ?? whole;
  });
}

/** Removes C0 control characters other than tab and newline (stray bytes in the blog corpus). */
export function stripControls(text: string): string {
  return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text)
    ? text.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    : text;
}

/** 1 for the UTF-16 code units counted as whitespace between words (C0 controls, space, Unicode spaces). */
const SPACE = new Uint8Array(65536);
for (let c = 0; c <= 32; c++) SPACE[c] = 1;
for (let c = 0x2000; c <= 0x200a; c++) SPACE[c] = 1;
for (const c of [0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff]) SPACE[c] = 1;

/**
 * Number of whitespace-separated tokens. Branch-free table loop: this runs over every character of
 * a corpus (800 MB for the blog corpus), so it is written for speed.
 */
export function countWords(text: string): number {
  let words = 0;
  let prevSpace = 1;
  for (let i = 0; i < text.length; i++) {
    const space = SPACE[text.charCodeAt(i)]!;
    words += prevSpace & (space ^ 1);
    prevSpace = space;
  }
  return words;
}

/** 53-bit string hash (cyrb53), for duplicate detection without keeping texts in memory. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * A copy of parser-cut values that shares no memory with the parser's input. V8 keeps substrings
 * of 13+ chars as slices of their parent, so an author key or metadata value held for a whole read
 * ("Communications-Media") would otherwise pin each whole decoded chunk it came from. Use it on
 * values kept for the whole read (once per author), not on per-post text.
 */
export function detached<T>(value: T): T {
  return structuredClone(value);
}
