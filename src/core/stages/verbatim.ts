/**
 * Verbatim-copy detection with word n-gram shingles: every n consecutive (case-folded) words of
 * the posts go into a set; a persona span is verbatim when each of its n-grams is in that set.
 * Overlapping hits merge into maximal spans, so a copied 12-word sentence is one 12-word span.
 */
import type { VerbatimSpan } from './types';
import { normWords, words } from './words';

export const DEFAULT_VERBATIM_WORDS = 8;

function shingleKey(ws: readonly string[], i: number, n: number): string {
  return ws.slice(i, i + n).join(' ');
}

/** The set of n-word shingles of the given texts. */
export function shingles(texts: readonly string[], n = DEFAULT_VERBATIM_WORDS): Set<string> {
  const set = new Set<string>();
  for (const t of texts) {
    const ws = normWords(t);
    for (let i = 0; i + n <= ws.length; i++) set.add(shingleKey(ws, i, n));
  }
  return set;
}

/** Maximal spans of ≥ n words of `persona` that also occur word for word in `sources`. */
export function findVerbatimSpans(persona: string, sources: readonly string[] | Set<string>, n = DEFAULT_VERBATIM_WORDS): VerbatimSpan[] {
  const set = sources instanceof Set ? sources : shingles(sources, n);
  const raw = words(persona);
  const ws = raw.map((w) => w.toLowerCase().replace(/’/g, "'"));
  const spans: VerbatimSpan[] = [];
  let start = -1;
  let end = -1; // exclusive end of the current merged span
  for (let i = 0; i + n <= ws.length; i++) {
    if (!set.has(shingleKey(ws, i, n))) continue;
    if (start >= 0 && i < end) {
      end = i + n;
    } else {
      if (start >= 0) spans.push({ start, words: end - start, text: raw.slice(start, end).join(' ') });
      start = i;
      end = i + n;
    }
  }
  if (start >= 0) spans.push({ start, words: end - start, text: raw.slice(start, end).join(' ') });
  return spans;
}
