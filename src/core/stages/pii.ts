/**
 * Identifier stripping before any post reaches a prompt, and detection of identifiers that leaked
 * into a persona anyway. Regex heuristics, deliberately broad (a false positive costs a word of
 * context; a false negative may copy someone's address into a persona).
 */

export type IdentifierKind = 'email' | 'url' | 'handle' | 'phone';

// Order matters: e-mails before handles (the "@" of an address is not a handle), URLs before both.
const PATTERNS: ReadonlyArray<readonly [IdentifierKind, RegExp, string]> = [
  ['url', /\b(?:https?:\/\/|ftp:\/\/|www\.)[^\s<>"']+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|edu|gov|io|co|uk|de|info|biz)(?:\/[^\s<>"']*)?(?![\w@])/gi, '[link]'],
  ['email', /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '[email]'],
  ['handle', /(?<![\w@])@[A-Za-z0-9_]{2,30}\b/g, '[handle]'],
  // 7+ digits with optional separators/parentheses/leading +, e.g. +1 (555) 123-4567, 555.123.4567.
  ['phone', /(?<![\w])\+?\d[\d\s().-]{5,}\d(?![\w])/g, '[phone]'],
];

export interface StripResult {
  text: string;
  counts: Record<IdentifierKind, number>;
}

export function emptyCounts(): Record<IdentifierKind, number> {
  return { email: 0, url: 0, handle: 0, phone: 0 };
}

/** Replaces e-mails, URLs, @handles and phone numbers with placeholders ([email], [link], ...). */
export function stripIdentifiers(text: string): StripResult {
  const counts = emptyCounts();
  let out = text;
  // E-mails first so that "name@site.com" is not split into a handle and a URL.
  for (const kind of ['email', 'url', 'handle', 'phone'] as const) {
    const [, re, placeholder] = PATTERNS.find(([k]) => k === kind)!;
    out = out.replace(re, (m) => {
      if (kind === 'phone' && !isPhoneLike(m)) return m;
      counts[kind]++;
      return placeholder + trailingPunctuation(kind, m);
    });
  }
  return { text: out, counts };
}

/** Identifiers present in `text` (kind and the matched string), for the quality stage's leak check. */
export function findIdentifiers(text: string): { kind: IdentifierKind; match: string }[] {
  const found: { kind: IdentifierKind; match: string }[] = [];
  let rest = text;
  for (const kind of ['email', 'url', 'handle', 'phone'] as const) {
    const [, re] = PATTERNS.find(([k]) => k === kind)!;
    rest = rest.replace(re, (m) => {
      if (kind === 'phone' && !isPhoneLike(m)) return m;
      const tail = trailingPunctuation(kind, m);
      found.push({ kind, match: m.slice(0, m.length - tail.length) });
      return ' ';
    });
  }
  return found;
}

/** A URL match may swallow the sentence's punctuation after it; give that back. */
function trailingPunctuation(kind: IdentifierKind, m: string): string {
  return kind === 'url' ? (/[.,;:!?)\]]+$/.exec(m)?.[0] ?? '') : '';
}

/** 7+ digits and not a date or a year range ("20.11.2003", "2003-11-20", "2003 - 2004"). */
function isPhoneLike(m: string): boolean {
  const t = m.trim();
  if (countDigits(t) < 7) return false;
  if (/^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/.test(t) || /^\d{4}[./-]\d{1,2}[./-]\d{1,2}$/.test(t)) return false;
  if (/^(19|20)\d{2}\s*[-–]\s*(19|20)\d{2}$/.test(t)) return false;
  return true;
}

function countDigits(s: string): number {
  let n = 0;
  for (const ch of s) if (ch >= '0' && ch <= '9') n++;
  return n;
}
