/**
 * Which of an author's posts go into the prompt, measured in the model's own tokens.
 *
 * Posts are put in chronological order (undated posts keep their place after the post before
 * them). When everything fits the budget, everything is used. Otherwise posts are taken in a
 * van der Corput order over the author's time span (first, last, middle, quarters, …: at each
 * target time the nearest post not yet taken) while they fit, so the selection is spread evenly
 * over time — a burst of posts in one month does not crowd out the other years. Without dates,
 * post positions stand in for time. The selection is returned in chronological order. A single
 * post longer than `maxPostTokens` is cut to fit.
 */
import { words } from './words';

export interface SelectablePost {
  seq: number;
  date: string | null;
  text: string;
}

export interface PreparedPost extends SelectablePost {
  /** Tokens of the post as rendered into a prompt ("[date] text\n\n"). */
  tokens: number;
  truncated: boolean;
}

export type CountTokens = (text: string) => Promise<number>;

/** The post as renderPosts() puts it into a prompt, separator included. */
export function renderedPost(p: { date: string | null; text: string }): string {
  return `[${p.date ?? 'undated'}] ${p.text.trim()}\n\n`;
}

/** Chronological order; undated posts sort right after the dated post before them (by seq). */
export function chronological<T extends SelectablePost>(posts: readonly T[]): T[] {
  const bySeq = [...posts].sort((a, b) => a.seq - b.seq);
  let last = '';
  const keyed = bySeq.map((p, i) => {
    if (p.date !== null) last = p.date;
    return { p, key: p.date ?? last, i };
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i));
  return keyed.map((k) => k.p);
}

/** Indices 0..n-1 in van der Corput (bit-reversal) order over the span: 0, n-1, mid, quarters, … */
export function spreadOrder(n: number): number[] {
  if (n <= 0) return [];
  const seen = new Uint8Array(n);
  const out: number[] = [];
  const push = (i: number): void => {
    if (!seen[i]) {
      seen[i] = 1;
      out.push(i);
    }
  };
  push(0);
  push(n - 1);
  for (let k = 1; out.length < n && k < 4 * n + 8; k++) {
    // Radical inverse of k in base 2 gives 1/2, 1/4, 3/4, 1/8, ...
    let x = 0;
    let f = 0.5;
    for (let m = k; m > 0; m >>= 1, f /= 2) if (m & 1) x += f;
    push(Math.min(n - 1, Math.round(x * (n - 1))));
  }
  for (let i = 0; i < n; i++) push(i); // whatever rounding skipped
  return out;
}

/** Days since 1970 of an ISO date, or NaN. */
function dayNumber(date: string | null): number {
  return date === null ? NaN : Date.parse(`${date}T00:00:00Z`) / 86_400_000;
}

/**
 * Indices of chronologically sorted posts in the order they are taken: van der Corput targets
 * over [first date, last date], each mapped to the nearest post not yet taken. Undated posts
 * take the date of the dated post before them; with fewer than two distinct dates, positions
 * are used instead (spreadOrder).
 */
export function spreadOrderByTime(posts: readonly { date: string | null }[]): number[] {
  const n = posts.length;
  let last = NaN;
  const t = posts.map((p) => {
    const d = dayNumber(p.date);
    if (!Number.isNaN(d)) last = d;
    return last;
  });
  const firstDated = t.findIndex((x) => !Number.isNaN(x));
  if (firstDated < 0) return spreadOrder(n);
  for (let i = 0; i < firstDated; i++) t[i] = t[firstDated]!;
  const t0 = t[0]!;
  const span = t[n - 1]! - t0;
  if (!(span > 0)) return spreadOrder(n);
  const taken = new Uint8Array(n);
  const out: number[] = [];
  const nearestFree = (target: number): number => {
    // Binary search for the first post at or after the target, then walk outwards to a free one.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (t[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    // Times are sorted, so the nearest free post is the first free one on either side.
    let a = lo - 1;
    while (a >= 0 && taken[a]) a--;
    let b = lo;
    while (b < n && taken[b]) b++;
    const da = a >= 0 ? target - t[a]! : Infinity;
    const db = b < n ? t[b]! - target : Infinity;
    const best = da === Infinity && db === Infinity ? -1 : db <= da ? b : a;
    return best;
  };
  for (const k of spreadOrder(4 * n + 1)) {
    if (out.length === n) break;
    const i = nearestFree(t0 + (k / (4 * n)) * span);
    if (i >= 0) {
      taken[i] = 1;
      out.push(i);
    }
  }
  for (let i = 0; i < n; i++) if (!taken[i]) out.push(i);
  return out;
}

/** Token-counts each post (rendered), cutting any longer than maxPostTokens to fit. */
export async function preparePosts(posts: readonly SelectablePost[], countTokens: CountTokens, maxPostTokens: number): Promise<PreparedPost[]> {
  const out: PreparedPost[] = [];
  for (const p of chronological(posts)) {
    let text = p.text.trim();
    let tokens = await countTokens(renderedPost({ date: p.date, text }));
    let truncated = false;
    // Cut by the word/token ratio; a few rounds converge because each cut is proportional.
    for (let round = 0; tokens > maxPostTokens && round < 6; round++) {
      const ws = words(text);
      const keep = Math.max(1, Math.floor(ws.length * (maxPostTokens / tokens) * 0.9));
      text = cutWords(text, keep) + ' …';
      tokens = await countTokens(renderedPost({ date: p.date, text }));
      truncated = true;
    }
    if (tokens > maxPostTokens) continue; // cannot be made to fit (pathological tokenizer); leave it out
    out.push({ ...p, text, tokens, truncated });
  }
  return out;
}

/** The first `n` words of `text`, keeping the original spacing and punctuation up to there. */
function cutWords(text: string, n: number): string {
  const re = /[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu;
  let m: RegExpExecArray | null;
  let count = 0;
  let end = 0;
  while ((m = re.exec(text)) !== null) {
    count++;
    end = m.index + m[0].length;
    if (count >= n) break;
  }
  return text.slice(0, end);
}

/**
 * The posts to use within `budget` tokens: all of them when they fit, else an evenly spread
 * subset (see module comment), chronological either way.
 */
export function selectWithinBudget(prepared: readonly PreparedPost[], budget: number): PreparedPost[] {
  const total = prepared.reduce((s, p) => s + p.tokens, 0);
  if (total <= budget) return [...prepared];
  const chosen = new Uint8Array(prepared.length);
  let used = 0;
  for (const i of spreadOrderByTime(prepared)) {
    const t = prepared[i]!.tokens;
    if (used + t <= budget) {
      chosen[i] = 1;
      used += t;
    }
  }
  return prepared.filter((_, i) => chosen[i]);
}

/** Packs chronological posts into consecutive chunks of at most `budget` tokens each. */
export function packChunks(posts: readonly PreparedPost[], budget: number): PreparedPost[][] {
  const chunks: PreparedPost[][] = [];
  let cur: PreparedPost[] = [];
  let used = 0;
  for (const p of posts) {
    if (cur.length > 0 && used + p.tokens > budget) {
      chunks.push(cur);
      cur = [];
      used = 0;
    }
    cur.push(p);
    used += p.tokens;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}
