/**
 * Generated Blog Authorship Corpus files for the resilience e2e tests: seeded (src/core/rng.ts), so
 * the same seed gives the same bytes; random words so IndexedDB's compression cannot shrink them much.
 */
import type { Page } from 'playwright';
import { Rng } from '../../src/core/rng';

export interface GenFile {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

const SIGNS = ['Aries', 'Leo', 'Virgo', 'Libra', 'Scorpio', 'Pisces'];
const JOBS = ['Student', 'indUnk', 'Education', 'Technology', 'Arts'];

function word(rng: Rng): string {
  const n = 3 + rng.int(7);
  let w = '';
  for (let i = 0; i < n; i++) w += String.fromCharCode(97 + rng.int(26));
  return w;
}

/** `authors` files of about `bytesPerAuthor` bytes each, `postsPerAuthor` posts per file. */
export function generateCorpus(seed: number, authors: number, postsPerAuthor: number, bytesPerAuthor: number): GenFile[] {
  const rng = new Rng(seed);
  const files: GenFile[] = [];
  for (let a = 0; a < authors; a++) {
    const id = 2_000_000 + seed * 1000 + a;
    const gender = rng.int(2) === 0 ? 'male' : 'female';
    const age = 14 + rng.int(40);
    const name = `${id}.${gender}.${age}.${JOBS[rng.int(JOBS.length)]}.${SIGNS[rng.int(SIGNS.length)]}.xml`;
    const postBytes = Math.max(200, Math.floor(bytesPerAuthor / postsPerAuthor));
    let xml = '<Blog>\n';
    for (let p = 0; p < postsPerAuthor; p++) {
      const words: string[] = [];
      let len = 0;
      while (len < postBytes) {
        const w = word(rng);
        words.push(w);
        len += w.length + 1;
      }
      xml += `\n<date>${1 + rng.int(28)},May,2004</date>\n<post>\n\n      ${words.join(' ')}.\n\n</post>\n`;
    }
    xml += '\n</Blog>\n';
    files.push({ name, mimeType: 'text/xml', buffer: Buffer.from(xml, 'utf8') });
  }
  return files;
}

/** Picks files in the Corpus stage's file input, names the corpus and clicks Import. */
export async function startImport(page: Page, files: GenFile[], corpusName: string): Promise<void> {
  await page.locator('app-shell nav a[data-stage="corpus"]').click();
  await page.locator('import-panel input#files').setInputFiles(files);
  await page.locator('import-panel label.name input').fill(corpusName);
  await page.locator('import-panel button.primary').click();
}

export interface StoreCounts {
  corpora: { id: string; name: string; status: string; posts: number; authors: number }[];
  posts: number;
  authors: number;
}

/** Counts the app's IndexedDB records in the page (the app's own database, read-only). */
export async function storeCounts(page: Page): Promise<StoreCounts> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((ok, fail) => {
      const r = indexedDB.open('persona-align');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => fail(r.error);
    });
    try {
      const names = ['corpora', 'posts', 'authors'].filter((n) => db.objectStoreNames.contains(n));
      if (names.length < 3) return { corpora: [], posts: 0, authors: 0 };
      const tx = db.transaction(names, 'readonly');
      const req = <T>(r: IDBRequest<T>) => new Promise<T>((ok, fail) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => fail(r.error))));
      const corpora = (await req(tx.objectStore('corpora').getAll())) as { id: string; name: string; status: string; posts: number; authors: number }[];
      const posts = await req(tx.objectStore('posts').count());
      const authors = await req(tx.objectStore('authors').count());
      return {
        corpora: corpora.map((c) => ({ id: c.id, name: c.name, status: c.status, posts: c.posts, authors: c.authors })),
        posts,
        authors,
      };
    } finally {
      db.close();
    }
  });
}
