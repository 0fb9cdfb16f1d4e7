// The bundle format in Node: the codec is lossless (fast-check over values IndexedDB stores), a
// written bundle reads back record for record, and malformed, truncated, edited, wrong-version and
// huge bundles fail fast with a FormatError naming the entry — never a hang, never a partial result.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zipSync, unzipSync, strToU8, strFromU8 } from 'fflate';
import { BlobBytes, buildBundle, canonicalJson, decodeValue, encodeValue, prepareBlobs, readBundle, sha256Bytes, type BundleManifest, type StoreRecords } from '../../../src/core/bundle';
import { isAppError } from '../../../src/core/errors';

const app = { name: 'persona-align', version: '0.0.0' };
const DBV = 4;

const typedArb = fc.oneof(
  fc.float32Array({ maxLength: 20 }),
  fc.float64Array({ maxLength: 20 }),
  fc.int32Array({ maxLength: 20 }),
  fc.uint16Array({ maxLength: 20 }),
  fc.uint8Array({ maxLength: 20 }),
);
const leaf = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), typedArb, fc.date({ noInvalidDate: true }));
const valueArb = fc.letrec((tie) => ({
  v: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$typed', '$obj', '$undef', '__proto__x')), tie('v'), { maxKeys: 4, noNullPrototype: true })),
})).v;

function sample(): StoreRecords[] {
  return [
    { store: 'corpora', rows: [['c1', { id: 'c1', name: 'Demo <b>', status: 'ready', n: NaN, skipped: undefined }]] },
    { store: 'authors', rows: [[['c1', 'a1'], { corpusId: 'c1', key: 'a1', posts: 2 }]] },
    { store: 'posts', rows: [[['c1', 'a1', 0], [{ d: null, t: 'hello <script>x</script>', f: 'f.xml', l: 3 }, { d: '2004-01-01', t: 'second', f: 'f.xml', l: 9 }]]] },
    { store: 'referenceData', rows: [['r1', { points: new Float32Array([1.5, 2, 3, 4, 5]), weights: new Float64Array([0.1]), countryIndex: null, countryNames: [] }]] },
    { store: 'embeddings', rows: [[['c1', 'lexical', 'p1'], { textHash: 'x', vector: new Float32Array([0.25, -0.5]), normalized: true }]] },
    { store: 'runs', rows: [['run1', { id: 'run1', request: { pool: new BlobBytes(new Uint8Array([1, 2, 3]), 'text/csv', 'pool.csv', 5) }, selected: new Int32Array([4, 2]) }]] },
  ];
}

async function bundleOf(stores = sample(), post = true, emb = true): Promise<Uint8Array> {
  return (await buildBundle(stores, { app, dbVersion: DBV, postText: post, embeddings: emb, createdAt: new Date(0) })).bytes;
}

/** Rewrites entries of a valid bundle (fixing nothing else), for targeted corruption. */
function rezip(bytes: Uint8Array, edit: (files: Record<string, Uint8Array>) => void): Uint8Array {
  const files = unzipSync(bytes);
  edit(files);
  return zipSync(files);
}

async function formatError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(isAppError(e, 'FormatError')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected a FormatError');
}

describe('codec', () => {
  it('decode(encode(v)) equals v for typed arrays, dates, NaN/−0, undefined and "$" keys (fast-check)', () => {
    fc.assert(
      fc.property(valueArb, (v) => {
        const text = JSON.stringify(encodeValue(v));
        expect(decodeValue(JSON.parse(text))).toStrictEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it('Files keep bytes, type, name and lastModified', async () => {
    const f = new File([new Uint8Array([9, 8, 7])], 'a.csv', { type: 'text/csv', lastModified: 1234 });
    const back = decodeValue(JSON.parse(JSON.stringify(encodeValue(await prepareBlobs({ f }))))) as { f: File };
    expect(back.f).toBeInstanceOf(File);
    expect(back.f.name).toBe('a.csv');
    expect(back.f.lastModified).toBe(1234);
    expect(back.f.type).toBe('text/csv');
    expect(Array.from(new Uint8Array(await back.f.arrayBuffer()))).toEqual([9, 8, 7]);
  });

  it('unknown tags, bad base64 and misaligned typed arrays are refused with their path', () => {
    expect(() => decodeValue({ a: { $evil: 1 } })).toThrow(/\$\.a has the unknown tag/);
    expect(() => decodeValue({ $typed: 'Float64Array', b64: 'AAAA' })).toThrow(/not a whole number/);
    expect(() => decodeValue({ $typed: 'Float64Array', b64: '@@@@' })).toThrow(/invalid base64/);
    expect(() => decodeValue({ $typed: 'BigInt64Array', b64: '' })).toThrow(/unknown typed array/);
  });

  it('canonical JSON ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: 1 }] })).toBe(canonicalJson({ a: [{ x: 1, y: 2 }], b: 1 }));
  });
});

describe('write and read', () => {
  it('reads back every record of every store exactly', async () => {
    const read = await readBundle(await bundleOf(), { dbVersion: DBV });
    const expected = sample().map((s) => ({ store: s.store, rows: s.rows.map(([k, v]) => [k, v instanceof Object ? v : v]) }));
    expect(read.stores.map((s) => s.store)).toEqual(expected.map((s) => s.store));
    const runs = read.stores.find((s) => s.store === 'runs')!.rows[0]![1] as { request: { pool: File }; selected: Int32Array };
    expect(runs.selected).toStrictEqual(new Int32Array([4, 2]));
    expect(runs.request.pool.name).toBe('pool.csv');
    const ref = read.stores.find((s) => s.store === 'referenceData')!.rows[0]![1];
    expect(ref).toStrictEqual(sample()[3]!.rows[0]![1]);
    const corpus = read.stores[0]!.rows[0]![1] as Record<string, unknown>;
    expect(Number.isNaN(corpus.n)).toBe(true);
    expect(Object.hasOwn(corpus, 'skipped')).toBe(true);
  });

  it('without post text: texts are empty and their SHA-256 is kept; without embeddings: no entry', async () => {
    const read = await readBundle(await bundleOf(sample(), false, false), { dbVersion: DBV });
    expect(read.manifest.options).toEqual({ postText: false, embeddings: false });
    expect(read.stores.some((s) => s.store === 'embeddings')).toBe(false);
    const page = read.stores.find((s) => s.store === 'posts')!.rows[0]![1] as { t: string; h: string }[];
    expect(page.map((p) => p.t)).toEqual(['', '']);
    expect(page[0]!.h).toBe(await sha256Bytes(strToU8('hello <script>x</script>')));
  });
});

describe('hostile and broken bundles', () => {
  it('random bytes, and a valid bundle cut anywhere, fail with a FormatError (fast-check)', async () => {
    const good = await bundleOf();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 0, max: good.length - 1 }).map((n) => good.slice(0, n))), async (bytes) => {
        const msg = await formatError(readBundle(bytes, { dbVersion: DBV, file: 'b.zip' }));
        expect(msg).toMatch(/^b\.zip/);
      }),
      { numRuns: 150 },
    );
  });

  it('a flipped byte anywhere fails, or reads back exactly (zip slack), never partially (fast-check)', async () => {
    const good = await bundleOf();
    const ref = await readBundle(good, { dbVersion: DBV });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), async (at, x) => {
        const bad = good.slice();
        bad[at]! ^= x;
        try {
          const r = await readBundle(bad, { dbVersion: DBV });
          expect(r.stores).toStrictEqual(ref.stores); // e.g. a flipped byte in a zip header's mtime
        } catch (e) {
          expect(isAppError(e, 'FormatError')).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('an edited line fails its SHA-256 check, naming the entry', async () => {
    const bad = rezip(await bundleOf(), (f) => {
      f['stores/posts.jsonl'] = strToU8(strFromU8(f['stores/posts.jsonl']!).replace('hello', 'HELLO'));
    });
    expect(await formatError(readBundle(bad, { dbVersion: DBV }))).toMatch(/stores\/posts\.jsonl: does not match its SHA-256/);
  });

  async function withManifest(edit: (m: BundleManifest, files: Record<string, Uint8Array>) => void): Promise<Uint8Array> {
    return rezip(await bundleOf(), (f) => {
      const m = JSON.parse(strFromU8(f['manifest.json']!)) as BundleManifest;
      edit(m, f);
      f['manifest.json'] = strToU8(JSON.stringify(m));
    });
  }

  it('a malformed line with a matching hash is named with its line number', async () => {
    const bad = await withManifest((m, f) => {
      const text = strFromU8(f['stores/authors.jsonl']!) + '["c1", {"corpusId": "c1"}]\n{not json\n';
      f['stores/authors.jsonl'] = strToU8(text);
      const e = m.entries.find((x) => x.store === 'authors')!;
      e.records = 3;
      e.bytes = f['stores/authors.jsonl']!.length;
    });
    // The hash is stale too; fix it so the line check is what fails.
    const files = unzipSync(bad);
    const m = JSON.parse(strFromU8(files['manifest.json']!)) as BundleManifest;
    m.entries.find((x) => x.store === 'authors')!.sha256 = await sha256Bytes(files['stores/authors.jsonl']!);
    files['manifest.json'] = strToU8(JSON.stringify(m));
    expect(await formatError(readBundle(zipSync(files), { dbVersion: DBV }))).toMatch(/stores\/authors\.jsonl, line 2: the key must be \[corpusId, key\]/);
  });

  it('a newer bundle version or storage schema is refused with what to do', async () => {
    expect(await formatError(readBundle(await withManifest((m) => (m.version = 2)), { dbVersion: DBV }))).toMatch(/version 2, made by a newer Persona Align.*Update the app/);
    expect(await formatError(readBundle(await withManifest((m) => (m.dbVersion = 99)), { dbVersion: DBV }))).toMatch(/schema 99/);
    expect(await formatError(readBundle(await withManifest((m) => ((m as { format: string }).format = 'zip')), { dbVersion: DBV }))).toMatch(/not a Persona Align project bundle/);
  });

  it('unknown stores, unlisted or missing entries are named', async () => {
    expect(await formatError(readBundle(await withManifest((m) => ((m.entries[0] as { store: string }).store = 'evil')), { dbVersion: DBV }))).toMatch(/unknown store "evil"/);
    expect(await formatError(readBundle(await withManifest((_m, f) => (f['extra.txt'] = strToU8('x'))), { dbVersion: DBV }))).toMatch(/extra\.txt: is not listed/);
    expect(await formatError(readBundle(await withManifest((_m, f) => delete f['stores/runs.jsonl']), { dbVersion: DBV }))).toMatch(/stores\/runs\.jsonl: is listed in manifest\.json but missing/);
  });

  it('too many entries, or a duplicated entry name, are refused before anything is decompressed', async () => {
    const many: Record<string, Uint8Array> = { 'manifest.json': strToU8('{}') };
    for (let i = 0; i < 100; i++) many[`stores/x${i}.jsonl`] = strToU8('x');
    expect(await formatError(readBundle(zipSync(many), { dbVersion: DBV }))).toMatch(/has 101 entries; a bundle has at most 64/);
    // Two central-directory records with one name: patch the second name of a two-file zip.
    const two = zipSync({ 'manifest.json': strToU8('{}'), 'manifest.jsoN': strToU8('{}') });
    const bytes = two.slice();
    const at = Array.from(bytes).findLastIndex((_, i) => strFromU8(bytes.subarray(i, i + 13)) === 'manifest.jsoN');
    bytes[at + 12] = 'n'.charCodeAt(0);
    expect(await formatError(readBundle(bytes, { dbVersion: DBV }))).toMatch(/manifest\.json: appears twice/);
  });

  it('an entry above the size limit is refused before it is decompressed, by name', async () => {
    // 64 MiB of zeros compresses to ~64 KiB: a small file that claims a huge entry.
    const huge = zipSync({ 'manifest.json': strToU8('{}'), 'stores/posts.jsonl': new Uint8Array(64 << 20) }, { level: 1 });
    expect(huge.length).toBeLessThan(1 << 20);
    const t0 = performance.now();
    const msg = await formatError(readBundle(huge, { dbVersion: DBV, limits: { maxEntryBytes: 16 << 20 } }));
    expect(msg).toMatch(/stores\/posts\.jsonl: is 67108864 bytes uncompressed, above the limit/);
    expect(performance.now() - t0).toBeLessThan(5000); // no decompression happened (a hang guard, not a benchmark)
  });
});
