import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Papa from 'papaparse';
import { runAlignCli } from '../../../src/cli/align';

const fx = (f: string) => join(__dirname, '../../fixtures/align', f);
const POOL = fx('pool-small.csv');
const REF = fx('reference-small.csv');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runAlignCli(args, { stdout: (s) => (out += s + '\n'), stderr: (s) => (err += s + '\n') });
  return { code, out, err };
}

function tmp(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'align-cli-'));
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('npm run align', () => {
  it('--json prints one object with selection, diagnostics before/after, OT info, ESS, timings, floor', async () => {
    const r = await run(['--pool', POOL, '--reference', REF, '--size', '25', '--method', 'is+ot', '--json', '--tol', '1e-3', '--seed', '3']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown> & { selected: number[]; ot: Record<string, unknown>; before: { pool: { energy: number }; random: { energy: number } }; after: { energy: number; perTrait: unknown[] }; samplingFloor: { energy: number }; timings: Record<string, number> };
    expect(j.method).toBe('is+ot');
    expect(j.size).toBe(25);
    expect(j.traits).toEqual(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);
    expect(j.selected.length).toBe(25);
    expect(new Set(j.selected).size).toBe(25);
    expect(Object.keys(j.ot).sort()).toEqual(['converged', 'cost', 'epsilon', 'iterations', 'marginalError']);
    expect(j.ot.converged).toBe(true);
    expect(j.after.perTrait.length).toBe(5);
    expect(j.after.energy).toBeLessThan(j.before.random.energy);
    expect(j.samplingFloor.energy).toBeGreaterThan(0);
    expect(typeof j.ess).toBe('number');
    expect(j.timings.sinkhorn).toBeGreaterThan(0);
    // same seed, same selection
    const again = JSON.parse((await run(['--pool', POOL, '--reference', REF, '--size', '25', '--method', 'is+ot', '--json', '--tol', '1e-3', '--seed', '3'])).out) as { selected: number[] };
    expect(again.selected).toEqual(j.selected);
  });

  it('writes the selected pool rows with every original column to --out, and prints a table', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'align-out-')), 'aligned.csv');
    const r = await run(['--pool', POOL, '--reference', REF, '--size', '20', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/energy distance/);
    expect(r.out).toMatch(/sampling floor/);
    const parsed = Papa.parse<string[]>(readFileSync(out, 'utf8'), { skipEmptyLines: true }).data;
    expect(parsed[0]).toEqual(['id', 'openness', 'conscientiousness', 'EXTRAVERSION', 'agreeableness', 'neuroticism', 'note']);
    expect(parsed.length).toBe(21);
    expect(parsed[1]![6]).toMatch(/^p \d+, x$/);
  });

  it('fails with exit 2 and a clear message for K larger than the pool, NaN cells, empty files, mismatched columns', async () => {
    let r = await run(['--pool', POOL, '--reference', REF, '--size', '500']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/larger than the pool \(120 rows\)/);

    const bad = tmp('bad.csv', 'openness,conscientiousness,extraversion,agreeableness,neuroticism\n1,2,3,4,5\n1,2,x,4,5\n');
    r = await run(['--pool', bad, '--reference', REF, '--size', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.csv, line 3, column extraversion: "x" is not a finite number/);

    const empty = tmp('empty.csv', '');
    r = await run(['--pool', empty, '--reference', REF, '--size', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/empty/);

    const other = tmp('other.csv', 'a,b\n1,2\n');
    r = await run(['--pool', other, '--reference', REF, '--size', '1']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/share no numeric trait column/);

    r = await run(['--pool', POOL, '--reference', REF, '--size', '5', '--traits', 'openness,charm']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no column "charm"/);
  });

  it('usage errors exit 2; --backend gpu says no adapter is reachable from Node', async () => {
    expect((await run(['--pool', POOL])).code).toBe(2);
    expect((await run(['--pool', POOL, '--reference', REF, '--size', '5', '--method', 'magic'])).err).toMatch(/unknown method/);
    expect((await run(['--pool', POOL, '--reference', REF, '--size', '5', '--bogus'])).err).toMatch(/unknown argument --bogus/);
    const g = await run(['--pool', POOL, '--reference', REF, '--size', '5', '--backend', 'gpu']);
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/no GPU adapter reachable from Node; use --backend cpu or the app/);
  });

  it('reads a persona JSONL pool (pipeline output, demo set): scored personas only, ids carried to --out', async () => {
    const persona = (id: string, traits?: number[]) =>
      JSON.stringify({
        id, text: 'A persona.', meta: {}, source: { kind: 'mined', corpusId: 'c', author: id },
        ...(traits ? { traits: { openness: traits[0], conscientiousness: traits[1], extraversion: traits[2], agreeableness: traits[3], neuroticism: traits[4] } } : {}),
      });
    const lines = Array.from({ length: 30 }, (_, i) => persona(`p${i}`, [1 + (i % 5), 2 + (i % 3), 3, 1 + (i % 4), 2 + (i % 2)]));
    lines.push(persona('unscored'));
    const pool = tmp('personas.jsonl', lines.join('\n') + '\n');
    const out = join(mkdtempSync(join(tmpdir(), 'align-out-')), 'aligned.csv');
    const r = await run(['--pool', pool, '--reference', REF, '--size', '10', '--json', '--out', out]);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/1 of 31 personas have no trait scores and are left out/);
    expect((JSON.parse(r.out) as { selected: number[] }).selected.every((i) => i < 30)).toBe(true);
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8'), { skipEmptyLines: true }).data;
    expect(rows[0]).toEqual(['id', 'openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);
    expect(rows.slice(1).every((row) => /^p\d+$/.test(row[0]!))).toBe(true);

    const none = tmp('none.jsonl', persona('a') + '\n');
    const bad = await run(['--pool', none, '--reference', REF, '--size', '1']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no persona has trait scores yet/);
  });

  it('uses a weight column and matches headers case-insensitively', async () => {
    const ref = tmp('w.csv', 'Openness,Conscientiousness,Extraversion,Agreeableness,Neuroticism,Weight\n' + Array.from({ length: 40 }, (_, i) => `${1 + (i % 5)},${2 + (i % 3)},3,${1 + (i % 4)},2,${i % 2 ? 3 : 1}`).join('\n') + '\n');
    const r = await run(['--pool', POOL, '--reference', ref, '--size', '10', '--json', '--method', 'is']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { selected: number[] }).selected.length).toBe(10);
  });

  it('--centroids quantises the reference (timings show the k-means step)', async () => {
    const r = await run(['--pool', POOL, '--reference', REF, '--size', '10', '--centroids', '40', '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { timings: Record<string, number>; selected: number[] };
    expect(j.timings.quantize).toBeGreaterThan(0);
    expect(j.selected.length).toBe(10);
  });

  it('runs as a real process through npm run align (with --threads 2: the worker_threads pool)', () => {
    const p = spawnSync('npx', ['tsx', 'src/cli/align.ts', '--pool', POOL, '--reference', REF, '--size', '15', '--method', 'ot', '--threads', '2', '--json', '--tol', '1e-3'], { encoding: 'utf8', cwd: join(__dirname, '../../..') });
    expect(p.status).toBe(0);
    const j = JSON.parse(p.stdout) as { selected: number[]; ot: { converged: boolean } };
    expect(j.selected.length).toBe(15);
    expect(j.ot.converged).toBe(true);
  });
});
