/**
 * A synthetic Blog Authorship Corpus of the real size (19,320 bloggers, 681,288 posts, ~140M
 * words), seeded, as per-blogger XML Files or one CSV File. Texts are slices of a shared pool of
 * Zipf-distributed pseudo-words: realistic sizes and word counts without paying for 140M random
 * draws, and never duplicate (the parser drops duplicate posts).
 */
import { Rng } from '../../src/core/rng';

export const FULL = { authors: 19_320, posts: 681_288, words: 140_000_000 } as const;

export interface GeneratedCorpus {
  files: File[];
  bytes: number;
  authors: number;
  posts: number;
  words: number;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const GENDERS = ['male', 'female'];
const INDUSTRIES = ['Student', 'indUnk', 'Technology', 'Arts', 'Education', 'Communications-Media', 'Internet', 'Non-Profit', 'Engineering', 'Law'];
const SIGNS = ['Aries', 'Taurus', 'Gemini', 'Cancer', 'Leo', 'Virgo', 'Libra', 'Scorpio', 'Sagittarius', 'Capricorn', 'Aquarius', 'Pisces'];

interface Pool {
  text: string;
  /** Start offset of each word in `text`; one extra entry = text.length + 1. */
  starts: Int32Array;
}

function makePool(rng: Rng, words: number): Pool {
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  const vocab: string[] = [];
  for (let i = 0; i < 5000; i++) {
    const len = 1 + Math.min(11, Math.floor(-Math.log(1 - rng.next()) * 4));
    let w = '';
    for (let k = 0; k < len; k++) w += letters[Math.floor(letters.length * rng.next() ** 2)];
    vocab.push(w);
  }
  const parts: string[] = [];
  const starts = new Int32Array(words + 1);
  let at = 0;
  for (let i = 0; i < words; i++) {
    // Zipf-like: small indices (frequent words) far more often; now and then punctuation.
    let w = vocab[Math.floor(vocab.length * rng.next() ** 3)]!;
    const r = rng.next();
    if (r < 0.06) w += ',';
    else if (r < 0.11) w += '.';
    starts[i] = at;
    parts.push(w);
    at += w.length + 1;
  }
  starts[words] = at;
  return { text: parts.join(' ') + ' ', starts };
}

/** Posts per author: log-normal shares (a few prolific bloggers), at least 1 each, exact total. */
function postsPerAuthor(rng: Rng, authors: number, posts: number): Int32Array {
  const w = new Float64Array(authors);
  let sum = 0;
  for (let i = 0; i < authors; i++) sum += w[i] = Math.exp(1.3 * rng.normal());
  const counts = new Int32Array(authors);
  let given = 0;
  for (let i = 0; i < authors; i++) given += counts[i] = 1 + Math.floor(((posts - authors) * w[i]!) / sum);
  for (let i = 0; given < posts; i = (i + 1) % authors, given++) counts[i]!++;
  return counts;
}

function dateParts(rng: Rng): { d: number; m: number; y: number } {
  return { d: 1 + rng.int(28), m: rng.int(12), y: 2000 + rng.int(5) };
}

/**
 * Generates the corpus at `scale` (1 = full size). Words per post are uniform in [20, 2·mean−20],
 * so the total is ~scale·140M.
 */
export function generateCorpus(form: 'xml' | 'csv', scale: number, seed: number): GeneratedCorpus {
  const rng = new Rng(seed);
  const authors = Math.max(1, Math.round(FULL.authors * scale));
  const posts = Math.max(authors, Math.round(FULL.posts * scale));
  const meanWords = FULL.words / FULL.posts;
  const pool = makePool(rng, 2_000_000);
  const poolWords = pool.starts.length - 1;
  const counts = postsPerAuthor(rng, authors, posts);
  const files: File[] = [];
  let bytes = 0;
  let words = 0;
  let csvParts: string[] = [];
  let csvChunk: string[] = [];
  let csvChunkLen = 0;
  if (form === 'csv') csvChunk.push('id,gender,age,topic,sign,date,text\n');

  for (let a = 0; a < authors; a++) {
    const id = String(1_000_000 + a * 53);
    const gender = GENDERS[rng.int(2)]!;
    const age = 13 + rng.int(36);
    const industry = INDUSTRIES[rng.int(INDUSTRIES.length)]!;
    const sign = SIGNS[rng.int(SIGNS.length)]!;
    const xml: string[] = form === 'xml' ? ['<Blog>\n\n'] : [];
    for (let p = 0; p < counts[a]!; p++) {
      const n = 20 + rng.int(Math.round(2 * meanWords) - 39);
      const s = rng.int(poolWords - n);
      const text = pool.text.slice(pool.starts[s]!, pool.starts[s + n]! - 1);
      words += n;
      const { d, m, y } = dateParts(rng);
      if (form === 'xml') {
        xml.push(`<date>${d},${MONTHS[m]},${y}</date>\n<post>\n\n      ${text}\n\n</post>\n\n`);
      } else {
        const row = `${id},${gender},${age},${industry},${sign},"${d},${MONTHS[m]},${y}","${text}"\n`;
        csvChunk.push(row);
        csvChunkLen += row.length;
        // Blob parts of ~4 MB: few enough parts, no giant intermediate string.
        if (csvChunkLen > 4_000_000) {
          csvParts.push(csvChunk.join(''));
          csvChunk = [];
          csvChunkLen = 0;
        }
      }
    }
    if (form === 'xml') {
      xml.push('</Blog>\n');
      const f = new File(xml, `${id}.${gender}.${age}.${industry}.${sign}.xml`, { type: 'text/xml' });
      bytes += f.size;
      files.push(f);
    }
  }
  if (form === 'csv') {
    csvParts.push(csvChunk.join(''));
    const f = new File(csvParts, 'blogtext.csv', { type: 'text/csv' });
    csvParts = [];
    bytes += f.size;
    files.push(f);
  }
  return { files, bytes, authors, posts, words };
}
