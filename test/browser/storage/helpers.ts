/** Shared by the storage browser tests: fresh databases, whole-database dumps, generated corpora. */
import type { AuthorSummary, CorpusInfo } from '../../../src/contracts/corpus-store';
import { openAppDb, type AppDb, type PostRow } from '../../../src/storage/db';
import { uniqueDbName } from '../db-helpers';

export { dump } from '../db-helpers';

/** A database name no other test (or earlier run) uses. */
export function freshDbName(): string {
  return uniqueDbName('storage');
}

export async function freshDb(): Promise<{ db: AppDb; name: string }> {
  const name = freshDbName();
  return { db: await openAppDb(name), name };
}

export function corpusInfo(id: string, over: Partial<CorpusInfo> = {}): CorpusInfo {
  return {
    id, name: `corpus ${id}`, createdAt: Date.now(), status: 'ready', files: [], formats: ['blog-xml'], authors: 0,
    posts: 0, words: 0, dateMin: null, dateMax: null, metaKeys: [], skippedCount: 0, skipped: [], ...over,
  };
}

/**
 * Writes a corpus record, its authors and `postsPerAuthor` posts each, directly (no parser), in
 * pages of `pageSize` posts.
 */
export async function seedCorpus(db: AppDb, info: CorpusInfo, authors: AuthorSummary[], postsPerAuthor = 2, pageSize = 5): Promise<void> {
  const tx = db.transaction(['corpora', 'authors', 'posts'], 'readwrite');
  const puts: Promise<unknown>[] = [tx.objectStore('corpora').put(info)];
  for (const a of authors) {
    puts.push(tx.objectStore('authors').put(a));
    for (let first = 0; first < postsPerAuthor; first += pageSize) {
      const page: PostRow[] = [];
      for (let s = first; s < Math.min(postsPerAuthor, first + pageSize); s++) {
        page.push({ d: a.dateMin, t: `post ${s} of ${a.key}`, f: `${a.key}.xml`, l: s + 1 });
      }
      puts.push(tx.objectStore('posts').put(page, [info.id, a.key, first]));
    }
  }
  await Promise.all([...puts, tx.done]);
}

// ---- generated corpora (seeded, deterministic) ----

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WORDS = ['the', 'blog', 'today', 'went', 'school', 'work', 'friend', 'music', 'movie', 'happy', 'tired', 'really', 'think', 'love', 'game', 'night', 'weekend', 'coffee', 'rain', 'city'];
const INDUSTRIES = ['Student', 'Technology', 'Arts', 'Education', 'indUnk'];
const SIGNS = ['Aries', 'Leo', 'Libra', 'Pisces', 'Virgo'];

/** Small deterministic PRNG (mulberry32) so generated corpora are the same on every run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GenAuthor {
  id: string;
  gender: 'male' | 'female';
  age: number;
  industry: string;
  sign: string;
  posts: { day: number; month: number; year: number; text: string }[];
}

/** `n` authors with 1..maxPosts posts of `wordsPerPost` words each. */
export function generateAuthors(n: number, maxPosts: number, wordsPerPost: number, seed = 1): GenAuthor[] {
  const r = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const out: GenAuthor[] = [];
  for (let i = 0; i < n; i++) {
    const posts = [];
    const count = 1 + Math.floor(r() * maxPosts);
    for (let p = 0; p < count; p++) {
      const words: string[] = [];
      for (let w = 0; w < wordsPerPost; w++) words.push(pick(WORDS));
      posts.push({ day: 1 + Math.floor(r() * 28), month: Math.floor(r() * 12), year: 2001 + Math.floor(r() * 4), text: words.join(' ') });
    }
    out.push({ id: String(1000000 + i * 7), gender: r() < 0.5 ? 'male' : 'female', age: 13 + Math.floor(r() * 35), industry: pick(INDUSTRIES), sign: pick(SIGNS), posts });
  }
  return out;
}

export function isoDate(p: { day: number; month: number; year: number }): string {
  return `${p.year}-${String(p.month + 1).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** One Blog Authorship Corpus XML file per author, named ID.GENDER.AGE.INDUSTRY.SIGN.xml. */
export function blogXmlFiles(authors: GenAuthor[]): File[] {
  return authors.map((a) => {
    const body = a.posts
      .map((p) => `<date>${p.day},${MONTHS[p.month]},${p.year}</date>\n<post>\n\n      ${p.text}\n\n</post>\n\n`)
      .join('');
    return new File([`<Blog>\n\n${body}</Blog>\n`], `${a.id}.${a.gender}.${a.age}.${a.industry}.${a.sign}.xml`, { type: 'text/xml' });
  });
}

/** The Kaggle CSV form: id,gender,age,topic,sign,date,text, one row per post. */
export function blogCsvFile(authors: GenAuthor[], name = 'blogtext.csv'): File {
  const lines = ['id,gender,age,topic,sign,date,text'];
  for (const a of authors) {
    for (const p of a.posts) {
      lines.push(`${a.id},${a.gender},${a.age},${a.industry},${a.sign},"${p.day},${MONTHS[p.month]},${p.year}","${p.text.replace(/"/g, '""')}"`);
    }
  }
  return new File([lines.join('\n') + '\n'], name, { type: 'text/csv' });
}
