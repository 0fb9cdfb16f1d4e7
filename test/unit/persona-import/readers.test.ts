/**
 * The readers' file-level behaviour: errors that name the file and line (malformed, wrong
 * encoding, truncated), per-row skip reasons, the JSON layouts, cancel, and — by fast-check — the
 * same outcome whatever the chunking, and a result or an AppError (never a hang or another
 * exception) for arbitrary input.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  collectPersonaRecords, detectFormat, normaliseTrait, presetMapping, previewPersonaFile, readPersonaRecords,
  type PersonaFileFormat, type PersonaMapping,
} from '../../../src/core/persona-import';
import { isAppError } from '../../../src/core/errors';
import { memorySource } from './helpers';

const hub = presetMapping('personahub');
const generic: PersonaMapping = { preset: 'generic', text: [{ field: 'text' }], id: 'id', meta: {} };

async function outcome(name: string, content: string | Uint8Array, mapping: PersonaMapping, chunk?: number, format?: PersonaFileFormat): Promise<unknown> {
  try {
    const r = await collectPersonaRecords(memorySource(name, content, chunk), { mapping, ...(format ? { format } : {}) });
    return { records: r.records, issues: r.issues, sha256: r.summary.sha256, rows: r.summary.rows };
  } catch (e) {
    if (!isAppError(e)) throw e;
    return { error: `${e.name}: ${e.message}` };
  }
}

async function failure(name: string, content: string | Uint8Array, mapping = hub): Promise<{ name: string; message: string; location?: { file?: string; line?: number } }> {
  const r = (await outcome(name, content, mapping)) as { error?: string };
  expect(r.error, `expected ${name} to fail`).toBeDefined();
  try {
    await collectPersonaRecords(memorySource(name, content), { mapping });
  } catch (e) {
    return e as { name: string; message: string; location?: { file?: string; line?: number } };
  }
  throw new Error('unreachable');
}

describe('clear errors naming the file and line', () => {
  test('JSONL: a first line that is not JSON, a truncated last line', async () => {
    const a = await failure('a.jsonl', 'persona,text\nfoo,bar\n');
    expect(a).toMatchObject({ name: 'FormatError', location: { file: 'a.jsonl', line: 1 } });
    const b = await failure('b.jsonl', '{"persona":"one two three four five six seven"}\n{"persona":"cut off her');
    expect(b).toMatchObject({ name: 'FormatError', location: { line: 2 } });
    expect(b.message).toMatch(/truncated/);
  });

  test('JSONL: a bad line in the middle is skipped with its reason, the rest is read', async () => {
    const r = (await outcome('c.jsonl', '{"persona":"a b c d e f g h"}\n{oops\n[1]\n{"persona":"i j k l m n o p"}\n', hub)) as { records: unknown[]; issues: { line: number; reason: string }[] };
    expect(r.records).toHaveLength(2);
    expect(r.issues.map((i) => i.line)).toEqual([2, 3]);
    expect(r.issues[0]!.reason).toMatch(/^not valid JSON/);
    expect(r.issues[1]!.reason).toBe('line is not a JSON object');
  });

  test('JSON: truncated list, invalid record, text after the end, not a document', async () => {
    expect(await failure('a.json', '[\n{"persona":"x y"},\n{"persona":"z')).toMatchObject({ name: 'FormatError', location: { line: 3 } });
    expect((await failure('b.json', '[\n{"persona":"x y"},\n{"persona": nope}\n]')).location).toMatchObject({ line: 3 });
    expect((await failure('c.json', '[{"persona":"x y"}]\n]')).message).toMatch(/after the end/);
    expect((await failure('d.json', 'hello')).name).toBe('FormatError');
    expect((await failure('e.json', '{"a": 1,\n "b": }')).location).toMatchObject({ file: 'e.json', line: 2 });
  });

  test('CSV: an unclosed quote is a truncated file; a duplicate header is named', async () => {
    const a = await failure('a.csv', 'id,text\n1,"fine words here\n2,"never closed\n', generic);
    expect(a).toMatchObject({ name: 'FormatError', location: { file: 'a.csv', line: 2 } });
    expect((await failure('b.csv', 'text,text\n1,2\n', generic)).message).toMatch(/"text" twice/);
  });

  test('wrong encoding: Latin-1 bytes and UTF-16 are errors with the line, never guessed', async () => {
    const latin = new Uint8Array([...new TextEncoder().encode('{"persona":"ok ok ok"}\n{"persona":"caf'), 0xe9, ...new TextEncoder().encode('"}\n')]);
    const a = await failure('l.jsonl', latin);
    expect(a).toMatchObject({ name: 'FormatError', location: { file: 'l.jsonl', line: 2 } });
    expect(a.message).toMatch(/UTF-8/);
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(new TextEncoder().encode('{"persona":"x"}')).flatMap((b) => [b, 0])]);
    expect((await failure('w.jsonl', utf16)).message).toMatch(/UTF-16/);
  });

  test('empty file, unknown format, no personas at all', async () => {
    expect((await failure('e.jsonl', '')).name).toBe('InputError');
    expect((await failure('x.bin', 'just words')).message).toMatch(/not a persona file/);
    const none = await failure('n.jsonl', '{"persona":""}\n{"other":"x"}\n');
    expect(none).toMatchObject({ name: 'InputError', location: { file: 'n.jsonl' } });
    expect(none.message).toMatch(/line 1: empty text/);
  });

  test('a broken Parquet file', async () => {
    const bytes = new Uint8Array([0x50, 0x41, 0x52, 0x31, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect((await failure('p.parquet', bytes)).name).toBe('FormatError');
  });
});

describe('per-row rules', () => {
  test('missing id → stable generated id (noted); duplicate id skipped with the first line', async () => {
    const r = (await outcome('d.csv', 'id,text\na,first persona text here\n,second persona text here\na,third persona text here\n', generic)) as { records: { id: string }[]; issues: { line: number; reason: string; outcome: string }[] };
    expect(r.records.map((x) => x.id)).toEqual(['a', expect.stringMatching(/^p-/)]);
    expect(r.issues).toEqual([
      { file: 'd.csv', line: 3, reason: expect.stringMatching(/^no id in "id"; generated p-/), outcome: 'kept' },
      { file: 'd.csv', line: 4, reason: 'duplicate id "a" (first on line 2)', outcome: 'skipped' },
    ]);
  });

  test('lines count physical lines: a quoted newline in CSV moves later rows down', async () => {
    const r = (await outcome('q.csv', 'id,text\n1,"two\nlines"\n2,\n', generic)) as { issues: { line: number }[] };
    expect(r.issues[0]!.line).toBe(4);
  });

  test('trait scales to the 1–5 Likert mean', () => {
    expect(normaliseTrait('3.5', { scale: '1-5' })).toBe(3.5);
    expect(normaliseTrait(0.25, { scale: '0-1' })).toBe(2);
    expect(normaliseTrait(75, { scale: '0-100' })).toBe(4);
    expect(normaliseTrait(1, { scale: 'z' })).toBeCloseTo(3.7, 12);
    expect(normaliseTrait(-9, { scale: 'z' })).toBe(1);
    expect(normaliseTrait(2, { scale: 'z', zMean: 3, zSd: 0.5 })).toBe(4);
    expect(normaliseTrait(6, { scale: '1-5' })).toMatch(/outside the 1–5 scale/);
    expect(normaliseTrait('NaN', { scale: '0-1' })).toMatch(/not a number/);
    expect(normaliseTrait(undefined, { scale: '0-1' })).toBe('missing');
  });

  test('half a trait mapping is refused before reading', async () => {
    const m: PersonaMapping = { ...generic, traits: { fields: { openness: 'o' }, scale: '1-5' } };
    await expect(collectPersonaRecords(memorySource('t.csv', 'id,text,o\n1,x,3\n'), { mapping: m })).rejects.toMatchObject({ name: 'InputError', message: expect.stringMatching(/all five/) });
  });
});

describe('JSON layouts', () => {
  test('a map of records: the key is `_key` (usable as id) and each keeps its line', async () => {
    const m: PersonaMapping = { preset: 'generic', text: [{ field: 'bio' }], id: '_key', meta: {} };
    const r = (await outcome('m.json', '{\n "ana": {"bio": "a b c"},\n "bo": {"bio": "d e f"}\n}', m)) as { records: { id: string }[]; issues: unknown[] };
    expect(r.records.map((x) => x.id)).toEqual(['ana', 'bo']);
  });

  test('a wrapper object with one list of records', async () => {
    const r = (await outcome('w.json', '{"personas": [{"persona": "a b c"}, 3, {"persona": "d e f"}]}', hub)) as { records: unknown[]; issues: { reason: string }[] };
    expect(r.records).toHaveLength(2);
    expect(r.issues[0]!.reason).toBe('list element is not a JSON object');
  });

  test('list elements that are not objects are skipped with their line; strings with brackets do not confuse the scanner', async () => {
    const text = '[\n"[not a record]",\n{"persona": "has ] and } and \\" inside"},\n42,\nnull,\n{"persona": "{[second]}"}\n]';
    const r = (await outcome('s.json', text, hub)) as { records: { text: string }[]; issues: { line: number }[] };
    expect(r.records.map((x) => x.text)).toEqual(['has ] and } and " inside', '{[second]}']);
    expect(r.issues.map((i) => i.line)).toEqual([2, 4, 5]);
  });
});

test('detectFormat: magic, extension, content', () => {
  const b = (s: string) => new TextEncoder().encode(s);
  expect(detectFormat('x.bin', new Uint8Array([0x50, 0x41, 0x52, 0x31]))).toBe('parquet');
  expect(detectFormat('x.json', b('{"a":1}\n{"a":2}\n'))).toBe('jsonl');
  expect(detectFormat('x.json', b('{\n "type": "TinyPerson"\n}'))).toBe('json');
  expect(detectFormat('x.txt', b('[{"a":1}]'))).toBe('json');
  expect(detectFormat('x.txt', b('a\tb\n1\t2'))).toBe('tsv');
  expect(detectFormat('x.txt', b('a,b\n1,2'))).toBe('csv');
  expect(detectFormat('x.txt', b('hello'))).toBeUndefined();
  expect(detectFormat('x.csv', b('a\tb'), 'tsv')).toBe('tsv');
});

test('batches stream with progress, and the signal cancels between chunks', async () => {
  const lines = Array.from({ length: 2500 }, (_, i) => JSON.stringify({ persona: `person number ${i} who likes things` })).join('\n');
  const seen: number[] = [];
  let last = 0;
  for await (const b of readPersonaRecords(memorySource('big.jsonl', lines, 4096), { mapping: hub, batchSize: 1000 })) {
    seen.push(b.records.length);
    expect(b.progress.bytesRead).toBeGreaterThanOrEqual(last);
    last = b.progress.bytesRead;
  }
  expect(seen.reduce((a, n) => a + n, 0)).toBe(2500);
  expect(seen.length).toBeGreaterThanOrEqual(3);
  const ctrl = new AbortController();
  const it = readPersonaRecords(memorySource('big.jsonl', lines, 4096), { mapping: hub, batchSize: 100, signal: ctrl.signal });
  await it.next();
  ctrl.abort();
  await expect(it.next()).rejects.toMatchObject({ name: 'AbortError' });
});

test('preview reads only the head of a large file', async () => {
  const lines = Array.from({ length: 50000 }, (_, i) => JSON.stringify({ persona: `person ${i}`, age: i % 90 })).join('\n');
  const p = await previewPersonaFile(memorySource('big.jsonl', lines, 65536));
  expect(p.rows).toHaveLength(20);
  expect(p.fields).toEqual(['persona', 'age']);
});

test('preview of a JSON map of records larger than the preview head reads it whole', async () => {
  const map = Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`k${i}`, { bio: `person ${i} `.repeat(10) }]));
  const text = JSON.stringify(map, null, 1);
  expect(text.length).toBeGreaterThan(600 * 1024);
  const p = await previewPersonaFile(memorySource('map.json', text));
  expect(p.rows).toHaveLength(20);
  expect(p.fields).toEqual(['_key', 'bio']);
  expect(p.suggested.mapping).toMatchObject({ text: [{ field: 'bio' }], id: '_key' });
});

test('deeply nested values (hostile files) give an AppError or a result, never a stack overflow', async () => {
  const d = 100_000;
  for (const t of ['[' + '['.repeat(d) + ']'.repeat(d) + ']', '[{"persona":' + '['.repeat(d) + '"x"' + ']'.repeat(d) + '}]', '[{"persona":' + '{"a":'.repeat(d) + '1' + '}'.repeat(d) + '}]']) {
    const r = (await outcome('deep.json', t, hub)) as { error?: string };
    expect(r.error).toMatch(/^InputError: deep\.json: no personas found/);
    await previewPersonaFile(memorySource('deep.json', t)).catch((e: unknown) => expect(isAppError(e)).toBe(true));
  }
});

// Pieces that hit the hard cases: multibyte characters, quotes, separators, brackets, escapes, CRLF.
const WORDS = ['café', '😀', '€', '"', '""', ',', '\t', '\r\n', '\n', '[', ']', '{', '}', '\\', '\\"', 'plain', ' ', 'ß', '\u0001'];
const text = fc.array(fc.constantFrom(...WORDS), { maxLength: 10 }).map((w) => w.join(''));
const cuts = fc.integer({ min: 1, max: 97 });

const jsonlFile = fc.array(fc.oneof(
  fc.record({ id: fc.constantFrom('a', 'b', 'c', ''), text }).map((o) => JSON.stringify(o)),
  fc.constantFrom('', '{broken', '[1]', '{"id":"z"}'),
), { maxLength: 8 }).map((ls) => ls.join('\n'));
const jsonFile = fc.array(fc.record({ id: fc.constantFrom('a', 'b', 'c'), text }), { maxLength: 6 })
  .chain((rs) => fc.constantFrom(JSON.stringify(rs, null, 1), JSON.stringify(rs), JSON.stringify({ list: rs })));
const csvFile = fc.array(fc.record({ id: fc.constantFrom('a', 'b', ''), text }), { maxLength: 6 })
  .map((rs) => 'id,text\r\n' + rs.map((r) => `${r.id},"${r.text.replace(/"/g, '""')}"`).join('\r\n'));

describe('fast-check', () => {
  test.each([
    ['jsonl', jsonlFile],
    ['json', jsonFile],
    ['csv', csvFile],
  ] as const)('%s: the same outcome whatever the chunking', async (fmt, file) => {
    await fc.assert(fc.asyncProperty(file, cuts, async (content, chunk) => {
      const whole = await outcome(`f.${fmt}`, content, generic);
      const chunked = await outcome(`f.${fmt}`, content, generic, chunk);
      expect(chunked).toEqual(whole);
    }), { numRuns: 150 });
  });

  test.each(['jsonl', 'json', 'csv', 'tsv', 'parquet'] as const)('%s: arbitrary bytes give personas or an AppError, never a hang or another exception', async (fmt) => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 200 }).map((s) => new TextEncoder().encode(s)),
      fc.tuple(fc.constantFrom('[', '{', 'id,text\n', 'PAR1', '{"text":'), fc.string({ maxLength: 100 })).map(([a, b]) => new TextEncoder().encode(a + b)),
    );
    await fc.assert(fc.asyncProperty(bytes, cuts, async (content, chunk) => {
      await outcome(`f.${fmt}`, content, generic, chunk, fmt); // throws (failing the property) on anything but an AppError
    }), { numRuns: 200 });
  });
});
