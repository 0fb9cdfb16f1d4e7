import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runReferenceCli } from '../../../src/cli/reference';
import { ITEM_INDEX } from '../../../src/core/psychometrics/ipip50';
import { synthFfmText } from '../../../src/core/reference/ffm-synth';
import { parseReferenceCsv } from '../../../src/core/reference/reference-csv';

const dir = mkdtempSync(join(tmpdir(), 'ref-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runReferenceCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
  return { code, out, err };
}

describe('npm run reference', () => {
  const ffm = join(dir, 'data-final.csv');
  writeFileSync(ffm, synthFfmText(600, { seed: 8, lineEnding: '\r\n' }));

  it('writes an align-ready reference CSV and a JSON summary', async () => {
    const out = join(dir, 'ref.csv');
    const r = await run(['--ffm', ffm, '--countries', 'JP,KR,CN', '--missing', 'min:8', '--out', out, '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.out) as { kept: number; rowsRead: number; dropped: Record<string, number>; traits: Record<string, { mean: number; sd: number; alpha: number }> };
    expect(summary.rowsRead).toBe(600);
    expect(summary.dropped.country).toBeGreaterThan(0);
    expect(Object.keys(summary.traits)).toEqual(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);
    expect(summary.traits.neuroticism!.alpha).toBeGreaterThan(0.7);
    const csv = readFileSync(out, 'utf8');
    expect(csv.split('\n')[0]).toBe('openness,conscientiousness,extraversion,agreeableness,neuroticism,country');
    const ref = parseReferenceCsv(csv);
    expect(ref.mode).toBe('traits');
    expect(ref.cloud.n).toBe(summary.kept);
    expect(new Set(ref.countries)).toEqual(new Set(['JP', 'KR', 'CN']));
  });

  it('samples the built-in reference with a seed', async () => {
    const a = await run(['--builtin', 'global', '--n', '50', '--seed', '9']);
    const b = await run(['--builtin', 'global', '--n', '50', '--seed', '9']);
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(a.out.split('\n').filter(Boolean)).toHaveLength(51);
    expect(a.err).toContain('clamped');
  });

  it('fails with line and column on a malformed file, and with usage on bad flags', async () => {
    const lines = synthFfmText(10, { seed: 2 }).split('\n');
    const f = lines[6]!.split('\t');
    f[ITEM_INDEX.get('OPN3')!] = '9';
    lines[6] = f.join('\t');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, lines.join('\n'));
    const r = await run(['--ffm', bad, '--no-ipc-one', '--out', join(dir, 'x.csv')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('line 7, column OPN3');
    const commas = join(dir, 'commas.csv');
    writeFileSync(commas, synthFfmText(3).replace(/\t/g, ','));
    const c = await run(['--ffm', commas, '--out', join(dir, 'y.csv')]);
    expect(c.code).toBe(1);
    expect(c.err).toMatch(/line 1.*commas/);
    expect((await run(['--ffm', ffm, '--region', 'atlantis'])).code).toBe(2);
    expect((await run(['--builtin', 'global'])).code).toBe(2);
  });
});
