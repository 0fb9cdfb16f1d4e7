import { describe, expect, it } from 'vitest';
import { ChunkDecoder, decodeWindows1252, firstInvalidUtf8, incompleteTail } from '../../../src/core/corpus/decode';
import { enc, latin1 } from './helpers';

function decodeInPieces(bytes: Uint8Array, cuts: number[]): { text: string; dec: ChunkDecoder } {
  const dec = new ChunkDecoder();
  let text = '';
  let prev = 0;
  for (const c of [...cuts, bytes.length]) {
    text += dec.push(bytes.slice(prev, c));
    prev = c;
  }
  return { text: text + dec.end(), dec };
}

describe('ChunkDecoder', () => {
  it('decodes UTF-8 split inside every multibyte sequence', () => {
    const s = 'añb€c😀d';
    const bytes = enc(s);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(decodeInPieces(bytes, [cut]).text).toBe(s);
    }
  });

  it('strips a BOM even when it arrives one byte at a time', () => {
    const bytes = enc('\uFEFFhello');
    expect(decodeInPieces(bytes, [1, 2, 3]).text).toBe('hello');
  });

  it('normalises CRLF and lone CR, also when CR and LF are in different chunks', () => {
    const bytes = enc('a\r\nb\rc\n');
    expect(decodeInPieces(bytes, [2]).text).toBe('a\nb\nc\n');
    expect(decodeInPieces(bytes, [4]).text).toBe('a\nb\nc\n');
  });

  it('falls back to windows-1252 at the first invalid byte and reports byte and line', () => {
    const bytes = new Uint8Array([...enc('ok\nñ\n'), ...latin1('caf\xe9 \x93quoted\x94 \x80')]);
    const { text, dec } = decodeInPieces(bytes, [7]);
    expect(text).toBe('ok\nñ\ncafé “quoted” €');
    expect(dec.fallback).toEqual({ byte: 9, line: 3 });
  });

  it('treats a UTF-8 sequence cut off by the end of the file as invalid', () => {
    const bytes = new Uint8Array([...enc('ab'), 0xe2, 0x82]);
    const { text, dec } = decodeInPieces(bytes, [3]);
    expect(text).toBe('ab\u00e2\u201a');
    expect(dec.fallback?.byte).toBe(2);
  });

  it('helpers find incomplete tails and invalid bytes', () => {
    expect(incompleteTail(enc('a€').slice(0, 3))).toBe(2);
    expect(incompleteTail(enc('a€'))).toBe(0);
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc3, 0x28]))).toBe(1);
    expect(firstInvalidUtf8(enc('😀'))).toBe(4);
    expect(decodeWindows1252(new Uint8Array([0x80, 0x9f, 0xff]))).toBe('€Ÿÿ');
  });
});
