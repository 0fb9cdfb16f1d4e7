import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import Papa from 'papaparse';
import { pickTraits, readCsv, readPoolTable, runAlignCli, tableToCloud } from '../../../src/cli/align';
import { align } from '../../../src/core/align/methods';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { diagnose, randomSubset, samplingFloor } from '../../../src/core/align/diagnostics';
import { splitReference } from '../../../src/core/align/holdout';
import { applyStandardizer, standardizerOf } from '../../../src/core/align/stats';
import { subsetCloud } from '../../../src/core/cloud';

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

  it('uses a weight column and matches headers case-insensitively (100 rows: the default 20% held out is the minimum 20)', async () => {
    const ref = tmp('w.csv', 'Openness,Conscientiousness,Extraversion,Agreeableness,Neuroticism,Weight\n' + Array.from({ length: 100 }, (_, i) => `${1 + (i % 5)},${2 + (i % 3)},3,${1 + (i % 4)},2,${i % 2 ? 3 : 1}`).join('\n') + '\n');
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

  describe('held-out evaluation (--holdout)', () => {
    type J = { selected: number[]; before: { pool: { energy: number; slicedW1: number }; random: { energy: number } }; after: { energy: number; slicedW1: number; perTrait: Array<{ w1: number }> }; samplingFloor: { energy: number } | null; evaluation: { holdout: number; heldOut: number; match: number; seed: number } };
    const clouds = () => {
      const p = readPoolTable(POOL);
      const r = readCsv(REF);
      const traits = pickTraits(p, r);
      return { pool: tableToCloud(p, traits), ref: tableToCloud(r, traits) };
    };

    it('--json reports evaluation (default 0.2); the table says what it measured against', async () => {
      const r = await run(['--pool', POOL, '--reference', REF, '--size', '25', '--method', 'nearest', '--json', '--seed', '3']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as J;
      expect(j.evaluation).toEqual({ holdout: 0.2, heldOut: 40, match: 160, seed: 3 });
      expect(j.after.energy).toBeLessThan(j.before.random.energy);
      const t = await run(['--pool', POOL, '--reference', REF, '--size', '25', '--seed', '3']);
      expect(t.out).toMatch(/measured against 40 held-out reference points/);
      const t0 = await run(['--pool', POOL, '--reference', REF, '--size', '25', '--seed', '3', '--holdout', '0']);
      expect(t0.out).toMatch(/in-sample evaluation/);
    });

    for (const method of ['nearest', 'is+ot'] as const) {
      it(`${method}: the selection equals aligning against the match cloud directly; diagnostics and floor are against the held-out points`, async () => {
        const r = await run(['--pool', POOL, '--reference', REF, '--size', '25', '--method', method, '--json', '--tol', '1e-3', '--seed', '3', '--holdout', '0.3']);
        expect(r.code).toBe(0);
        const j = JSON.parse(r.out) as J;
        const { pool, ref } = clouds();
        const s = splitReference(ref, 0.3, 3);
        expect(j.evaluation).toEqual({ holdout: 0.3, heldOut: s.heldOut.n, match: s.match.n, seed: 3 });
        const direct = await align(undefined, pool, s.match, { size: 25, seed: 3, standardize: true, method, sinkhorn: { tol: 1e-3, epsScaling: true } }, cpuKernelFactory());
        expect(j.selected).toEqual(Array.from(direct.selected));
        // held-out points never influence the selection: move them all far away, same selection
        const moved = Float32Array.from(ref.points);
        for (const i of s.heldOutIndex) for (let k = 0; k < 5; k++) moved[i * 5 + k] = moved[i * 5 + k]! + 50;
        const movedPath = tmp('moved.csv', ['openness,conscientiousness,extraversion,agreeableness,neuroticism', ...Array.from({ length: ref.n }, (_, i) => Array.from(moved.subarray(i * 5, i * 5 + 5), String).join(','))].join('\n') + '\n');
        const m = JSON.parse((await run(['--pool', POOL, '--reference', movedPath, '--size', '25', '--method', method, '--json', '--tol', '1e-3', '--seed', '3', '--holdout', '0.3'])).out) as J;
        expect(m.selected).toEqual(j.selected);
        // the diagnostics are the held-out ones
        const z = standardizerOf(s.heldOut);
        const hz = applyStandardizer(s.heldOut, z);
        expect(j.after.energy).toBe(diagnose(subsetCloud(applyStandardizer(pool, z), direct.selected), hz, { seed: 3 }).energy);
        expect(j.samplingFloor!.energy).toBeGreaterThan(0);
      });
    }

    it('--holdout 0 is the previous in-sample behaviour: align against and judge against the whole reference', async () => {
      const r = await run(['--pool', POOL, '--reference', REF, '--size', '25', '--method', 'nearest', '--json', '--seed', '3', '--holdout', '0']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.out) as J;
      expect(j.evaluation).toEqual({ holdout: 0, heldOut: 200, match: 200, seed: 3 });
      const { pool, ref } = clouds();
      const res = await align(undefined, pool, ref, { size: 25, seed: 3, standardize: true, method: 'nearest', sinkhorn: { epsScaling: true } }, cpuKernelFactory());
      expect(j.selected).toEqual(Array.from(res.selected));
      const z = standardizerOf(ref);
      const refZ = applyStandardizer(ref, z);
      const poolZ = applyStandardizer(pool, z);
      expect(j.before.pool.energy).toBe(diagnose(poolZ, refZ, { seed: 3 }).energy);
      expect(j.before.random.energy).toBe(diagnose(subsetCloud(poolZ, randomSubset(pool, 25, 3)), refZ, { seed: 3 }).energy);
      expect(j.after.energy).toBe(diagnose(subsetCloud(poolZ, res.selected), refZ, { seed: 3 }).energy);
      expect(j.samplingFloor!.energy).toBe(samplingFloor(refZ, 25, 3).energy);
    });

    it('rejects a bad share (exit 2) and a reference too small to hold 20 points out, saying what to do', async () => {
      let r = await run(['--pool', POOL, '--reference', REF, '--size', '5', '--holdout', '0.95']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--holdout is a share from 0 to 0.9/);
      const small = tmp('small.csv', 'openness,conscientiousness,extraversion,agreeableness,neuroticism\n' + Array.from({ length: 50 }, (_, i) => `${1 + (i % 5)},${2 + (i % 3)},3,${1 + (i % 4)},2`).join('\n') + '\n');
      r = await run(['--pool', POOL, '--reference', small, '--size', '5']);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/leaves 10 held out; at least 20 are needed.*or 0 to evaluate in-sample/);
      r = await run(['--pool', POOL, '--reference', small, '--size', '5', '--holdout', '0']);
      expect(r.code).toBe(0);
    });
  });
});
