import { describe, expect, it } from 'vitest';
import { LexicalEmbedder, hashedCounts, lexicalTokens } from '../../../src/core/embed/lexical';
import { createLexicalEmbedderService } from '../../../src/core/embed/lexical-service';

const CORPUS = [
  'Sota is a 35-year-old electrician living in Osaka, Japan, in East Asia.',
  'Jacob is a 32-year-old physiotherapist living in Austin, the United States, in North America.',
  'Marta is a retired teacher living in Porto, Portugal, in Europe. She loves gardening.',
  'Priya is a software engineer living in Pune, India, in South Asia.',
  'Lucas is a nurse living in Recife, Brazil, in Latin America, and plays football on Sundays.',
  'Wei is a 41-year-old accountant living in Shanghai, China, in East Asia.',
];

function norm(v: Float32Array): number {
  let s = 0;
  for (const x of v) s += x * x;
  return Math.sqrt(s);
}
function cos(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s / (norm(a) * norm(b));
}

describe('lexical tokens', () => {
  it('lower-cases, keeps Unicode letters and digits and stop words, splits on everything else', () => {
    expect(lexicalTokens('Sota, 35-year-old — in EAST Asia!')).toEqual(['sota', '35', 'year', 'old', 'in', 'east', 'asia']);
    expect(lexicalTokens('São Paulo Ärzte ＡＢＣ')).toEqual(['são', 'paulo', 'ärzte', 'abc']); // NFKC folds full-width
    expect(lexicalTokens('... !!')).toEqual([]);
  });

  it('counts unigrams and bigrams across punctuation', () => {
    const c = hashedCounts('Osaka, Japan', 14);
    expect([...c.values()].reduce((a, b) => a + b, 0)).toBe(3); // osaka, japan, "osaka japan"
  });
});

describe.each([
  ['no reduction', null],
  ['SVD to 4', 4],
])('LexicalEmbedder (%s)', (_label, svdDims) => {
  const make = () => new LexicalEmbedder({ hashBits: 12, svdDims }).fit(CORPUS);

  it('is deterministic: same texts, same options → identical bits and modelId', () => {
    const a = make().embed(CORPUS);
    const b = make().embed(CORPUS);
    expect(a.modelId).toBe(b.modelId);
    expect(Buffer.from(a.vectors.buffer).equals(Buffer.from(b.vectors.buffer))).toBe(true);
  });

  it('gives unit-norm vectors of the reported dim (zero for a text without tokens)', () => {
    const e = make();
    const out = e.embed([...CORPUS, 'adults in East Asia', 'zzz unseen words', '!!!']);
    expect(out.dim).toBe(e.dim);
    expect(out.vectors.length).toBe(out.n * out.dim);
    expect(out.dim).toBe(svdDims ?? 4096);
    const norms = chunk(out).map(norm);
    for (let i = 0; i < out.n - 2; i++) expect(norms[i]).toBeCloseTo(1, 5);
    // Words never seen in the fit: their own hashed vector without reduction, nothing after SVD.
    if (svdDims === null) expect(norms[out.n - 2]).toBeCloseTo(1, 5);
    else expect(norms[out.n - 2]).toBe(0);
    expect(norms[out.n - 1]).toBe(0);
  });
});

describe('LexicalEmbedder without reduction', () => {
  it('scores a query higher against texts that share more of its n-grams', () => {
    const e = new LexicalEmbedder({ svdDims: null }).fit(CORPUS);
    const [q, both, one, none] = chunk(e.embed([
      'electrician in East Asia',
      'an electrician living in East Asia',
      'an accountant living in East Asia',
      'a nurse who plays football',
    ]));
    expect(cos(q!, both!)).toBeGreaterThan(cos(q!, one!));
    expect(cos(q!, one!)).toBeGreaterThan(cos(q!, none!));
    // The bigram matters: "east asia" beats the same words apart.
    const [q2, together, apart] = chunk(e.embed(['East Asia', 'in East Asia today', 'Asia in the east']));
    expect(cos(q2!, together!)).toBeGreaterThan(cos(q2!, apart!));
  });

  it('names its configuration and fit in modelId', () => {
    const a = new LexicalEmbedder({ svdDims: null }).fit(CORPUS);
    const b = new LexicalEmbedder({ svdDims: null }).fit(CORPUS.slice(1));
    expect(a.modelId).toMatch(/^lexical-tfidf12-h14@[0-9a-f]{8}n6$/);
    expect(b.modelId).not.toBe(a.modelId);
    expect(a.info()).toMatchObject({ backend: 'lexical', normalized: true, needsFit: true, fitted: true, dim: 16384 });
  });
});

describe('LexicalEmbedder errors and limits', () => {
  it('refuses to embed before fit, unknown options and bad sizes', () => {
    expect(() => new LexicalEmbedder().embed(['x'])).toThrow(/no fit yet/);
    expect(() => new LexicalEmbedder({ hasBits: 12 } as never)).toThrow(/Unknown lexical embedder option "hasBits"/);
    expect(() => new LexicalEmbedder({ hashBits: 30 })).toThrow(/hashBits/);
    expect(() => new LexicalEmbedder().fit([])).toThrow(/at least one text/);
  });

  it('caps the SVD rank at the number of fitted texts', () => {
    const e = new LexicalEmbedder({ svdDims: 256 }).fit(CORPUS);
    expect(e.dim).toBeLessThanOrEqual(CORPUS.length);
    expect(e.embed(['x']).dim).toBe(e.dim);
    expect(e.modelId).toContain(`svd${e.dim}`);
  });

  it('honours an aborted signal', () => {
    const c = new AbortController();
    c.abort();
    expect(() => new LexicalEmbedder().fit(CORPUS, { signal: c.signal })).toThrow(expect.objectContaining({ name: 'AbortError' }));
  });
});

describe('createLexicalEmbedderService', () => {
  it('loads, fits, embeds in chunks with progress, aborts and unloads', async () => {
    const s = createLexicalEmbedderService({ hashBits: 12, svdDims: 8 });
    await expect(s.embed(['x'])).rejects.toMatchObject({ name: 'ModelError' });
    await expect(s.load('all-MiniLM-L6-v2')).rejects.toMatchObject({ name: 'ModelError' });
    const loaded = await s.load('lexical');
    expect(loaded).toMatchObject({ fitted: false, needsFit: true });
    await expect(s.embed(['x'])).rejects.toMatchObject({ name: 'ModelError' });
    const info = await s.fit(CORPUS);
    expect(info.fitted).toBe(true);
    const texts = Array.from({ length: 600 }, (_, i) => CORPUS[i % CORPUS.length] as string);
    const progress: number[] = [];
    const out = await s.embed(texts, { role: 'passage' }, (p) => progress.push(p.done));
    expect(progress).toEqual([256, 512, 600]);
    expect(out).toMatchObject({ n: 600, dim: info.dim, modelId: info.modelId, normalized: true });
    // Same text, same vector as the direct embedder fitted the same way.
    const direct = new LexicalEmbedder({ hashBits: 12, svdDims: 8 }).fit(CORPUS).embed([CORPUS[0] as string]);
    expect([...out.vectors.subarray(0, out.dim)]).toEqual([...direct.vectors]);

    const pending = s.embed(texts);
    await s.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    // An abort ends only the work in flight.
    expect((await s.embed(['x'])).n).toBe(1);
    await s.unload();
    expect(await s.info()).toBeUndefined();
  });
});

function chunk(e: { vectors: Float32Array; n: number; dim: number }): Float32Array[] {
  return Array.from({ length: e.n }, (_, i) => e.vectors.subarray(i * e.dim, (i + 1) * e.dim));
}
