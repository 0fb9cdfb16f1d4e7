import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../../src/core/errors';
import { ITEM_INDEX } from '../../../src/core/psychometrics/ipip50';
import { traitReliability } from '../../../src/core/psychometrics/reliability';
import { parseMissingPolicy, scoreResponses } from '../../../src/core/psychometrics/scoring';
import { FfmImporter, countryOf, importFfm, type FfmImportOptions, type FfmImportResult } from '../../../src/core/reference/ffm-import';
import { FFM_HEADER, synthFfmText } from '../../../src/core/reference/ffm-synth';

const enc = new TextEncoder();

function importText(text: string, opts: FfmImportOptions = {}, cuts: number[] = []): FfmImportResult {
  const bytes = enc.encode(text);
  const imp = new FfmImporter(opts);
  let prev = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    imp.push(bytes.subarray(prev, c));
    prev = c;
  }
  imp.push(bytes.subarray(prev));
  return imp.finish();
}

/** Independent oracle: split lines and tabs naively, then filter and score with scoring.ts. */
function oracle(text: string, opts: { ipcOne: boolean; policy: string; minTest?: number; countries?: string[] }) {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = lines[0]!.split('\t');
  const col = (name: string): number => header.indexOf(name);
  const rows: number[][] = [];
  const countries: string[] = [];
  let read = 0;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    read++;
    const f = line.split('\t');
    if (f.length < header.length) continue; // truncated last line
    if (opts.ipcOne && Number(f[col('IPC')]) !== 1) continue;
    const c = f[col('country')]!;
    if (opts.countries && !opts.countries.includes(c)) continue;
    if (opts.minTest !== undefined && !(Number(f[col('testelapse')]) >= opts.minTest)) continue;
    rows.push(FFM_HEADER.slice(0, 50).map((code) => {
      const v = f[col(code)]!;
      return v === 'NULL' ? 0 : Number(v);
    }));
    countries.push(c);
  }
  const s = scoreResponses(rows, { missing: parseMissingPolicy(opts.policy) });
  return { read, scores: s.scores, countries: Array.from(s.rowIndex, (i) => countries[i]!) };
}

function expectSame(r: FfmImportResult, o: ReturnType<typeof oracle>): void {
  expect(r.n).toBe(o.countries.length);
  expect(r.rowsRead).toBe(o.read);
  for (let i = 0; i < r.scores.length; i++) expect(r.scores[i]!).toBeCloseTo(o.scores[i]!, 5);
  expect(Array.from({ length: r.n }, (_, i) => countryOf(r, i))).toEqual(o.countries);
}

describe('IPIP-FFM importer', () => {
  const text = synthFfmText(300, { seed: 3, missingRate: 0.01, nullRowRate: 0.02, ipcOtherRate: 0.3 });

  it('matches an independent naive parse + scoring, with default filters (IPC == 1, drop)', () => {
    const r = importText(text);
    expectSame(r, oracle(text, { ipcOne: true, policy: 'drop' }));
    expect(r.rowsRead).toBe(300);
    expect(r.kept + r.dropped.ipc + r.dropped.missing + r.dropped.country + r.dropped.testTime + r.dropped.truncated).toBe(300);
    expect(r.dropped.ipc).toBeGreaterThan(50);
    expect(r.dropped.missing).toBeGreaterThan(0);
    expect(Object.values(r.perCountry).reduce((a, b) => a + b, 0)).toBe(r.kept);
  });

  it('streams Cronbach α equal to the in-memory α of the kept rows', () => {
    const r = importText(text, { keepItems: true, missing: parseMissingPolicy('min:5'), ipcOne: false });
    const rows = Array.from({ length: r.n }, (_, i) => Array.from(r.items!.subarray(i * 50, i * 50 + 50)));
    const ref = traitReliability(rows);
    ref.forEach((t, k) => expect(r.alpha[k]!).toBeCloseTo(t.alpha, 10));
    expect(r.alpha.every((a) => a > 0.7)).toBe(true);
  });

  it('applies min:K, test time and country filters, and keeps NONE as a country', () => {
    const opts = { ipcOne: false, policy: 'min:8', minTest: 200, countries: ['JP', 'KR', 'NONE'] };
    const r = importText(text, { ipcOne: false, missing: parseMissingPolicy('min:8'), minTestTime: 200, countries: ['jp', 'KR', 'NONE'], keepItems: true });
    expectSame(r, oracle(text, opts));
    expect(r.dropped.country).toBeGreaterThan(0);
    expect(r.dropped.testTime).toBeGreaterThan(0);
    expect(r.perCountry.NONE).toBeGreaterThan(0);
    expect(r.items).toHaveLength(r.n * 50);
  });

  it('handles CRLF, empty lines and a truncated last line', () => {
    const crlf = synthFfmText(40, { seed: 9, lineEnding: '\r\n', ipcOtherRate: 0 });
    const lines = crlf.split('\r\n');
    const withBlank = [lines[0], lines[1], '', lines[2], ...lines.slice(3, 40)].join('\r\n') + '\r\n' + lines[40]!.slice(0, 100);
    const r = importText(withBlank, { ipcOne: false });
    expect(r.emptyLines).toBe(1);
    expect(r.dropped.truncated).toBe(1);
    expect(r.rowsRead).toBe(40);
    expectSame(r, oracle(withBlank.replace(/\r\n/g, '\n'), { ipcOne: false, policy: 'drop' }));
    // an unterminated but complete last line is a normal row
    const r2 = importText(crlf.replace(/\r\n$/, ''), { ipcOne: false });
    expect(r2.rowsRead).toBe(40);
    expect(r2.dropped.truncated).toBe(0);
  });

  it('gives identical results wherever the chunks are cut (property)', () => {
    const small = synthFfmText(25, { seed: 5, missingRate: 0.05, nullRowRate: 0.05, lineEnding: '\r\n' });
    const whole = importText(small);
    const len = enc.encode(small).length;
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: len }), { maxLength: 40 }), (cuts) => {
        const r = importText(small, {}, cuts);
        expect(Array.from(r.scores)).toEqual(Array.from(whole.scores));
        expect(r.dropped).toEqual(whole.dropped);
        expect(Array.from(r.countryIndex, (k) => r.countryNames[k])).toEqual(Array.from(whole.countryIndex, (k) => whole.countryNames[k]));
      }),
      { numRuns: 200 },
    );
    // byte-by-byte
    const bytes = enc.encode(small);
    const imp = new FfmImporter();
    for (let i = 0; i < bytes.length; i++) imp.push(bytes.subarray(i, i + 1));
    expect(Array.from(imp.finish().scores)).toEqual(Array.from(whole.scores));
  });

  it('scores a hand-made row: all answers 4 → O 3.4, C 3.2, E 3, A 3.2, N 3.6', () => {
    const fields = FFM_HEADER.map((h) => (h === 'IPC' ? '1' : h === 'country' ? 'JP' : h.length <= 5 && ITEM_INDEX.has(h) ? '4.0' : '100'));
    const r = importText(FFM_HEADER.join('\t') + '\n' + fields.join('\t') + '\n');
    // O: (7·4 + 3·2)/10, C: (6·4 + 4·2)/10, E: (5·4 + 5·2)/10, A like C, N: (8·4 + 2·2)/10
    expect(Array.from(r.scores)).toEqual([3.4, 3.2, 3, 3.2, 3.6].map((x) => expect.closeTo(x, 6)));
  });

  it('reports progress and works from an async iterable', async () => {
    const seen: number[] = [];
    async function* chunks() {
      const b = enc.encode(text);
      for (let i = 0; i < b.length; i += 1000) yield b.subarray(i, i + 1000);
    }
    const r = await importFfm(chunks(), { onProgress: (p) => seen.push(p.done), progressIntervalMs: 0, totalBytes: enc.encode(text).length });
    expect(seen.at(-1)).toBe(r.bytes);
    expect(seen.length).toBeGreaterThan(10);
  });
});

describe('IPIP-FFM importer errors', () => {
  const expectInputError = (fn: () => unknown, ...parts: string[]): void => {
    try {
      fn();
      expect.unreachable('should have thrown');
    } catch (e) {
      expect(isAppError(e, 'InputError')).toBe(true);
      for (const p of parts) expect((e as Error).message).toContain(p);
    }
  };

  it('names a comma-separated header', () => {
    const csv = synthFfmText(3).replace(/\t/g, ',');
    expectInputError(() => importText(csv, { file: 'data-final.csv' }), 'data-final.csv, line 1', 'commas', 'TAB');
  });

  it('lists missing item columns', () => {
    const text = synthFfmText(3).split('\n').map((l) => l.split('\t').filter((_, i) => i !== 12 && i !== 44).join('\t')).join('\n');
    expectInputError(() => importText(text), 'line 1', 'EST3', 'OPN5', 'lacks 2 of the 50');
  });

  it('names line and column of an out-of-range answer', () => {
    const lines = synthFfmText(5, { ipcOtherRate: 0 }).split('\n');
    const f = lines[3]!.split('\t');
    f[ITEM_INDEX.get('AGR7')!] = '7';
    lines[3] = f.join('\t');
    expectInputError(() => importText(lines.join('\n'), { file: 'x.tsv' }), 'x.tsv, line 4, column AGR7', '"7"');
  });

  it('names a row with the wrong number of fields', () => {
    const lines = synthFfmText(5).split('\n');
    lines[2] = lines[2]!.split('\t').slice(0, 80).join('\t');
    expectInputError(() => importText(lines.join('\n')), 'line 3', 'found 80');
  });

  it('names a comma-separated data row under a TAB header', () => {
    const lines = synthFfmText(4).split('\n');
    lines[3] = lines[3]!.replace(/\t/g, ',');
    expectInputError(() => importText(lines.join('\n')), 'line 4', 'found 1', 'comma-separated');
  });

  it('needs IPC for the IPC filter, and a header at all', () => {
    const text = synthFfmText(3).split('\n').map((l) => l.split('\t').filter((_, i) => i !== FFM_HEADER.indexOf('IPC')).join('\t')).join('\n');
    expectInputError(() => importText(text), 'no IPC column', '--no-ipc-one');
    expect(importText(text, { ipcOne: false }).rowsRead).toBe(3);
    expectInputError(() => importText(''), 'empty');
  });
});
