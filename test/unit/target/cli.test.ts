// npm run target: spawned through tsx as a user runs it, on 600 demo personas and a reference CSV
// with a country column (seeded samples of the built-in regional entries, labelled by country).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtinReference, demoPersonas } from './helpers';
import { parseTargetArgs, runTargetCli } from '../../../src/cli/target';

const ROOT = join(__dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'target-cli-'));
const PERSONAS = join(dir, 'personas.jsonl');
const REF = join(dir, 'ref.csv');
const personas = demoPersonas().slice(0, 600);

/** Spawned asynchronously: a spawnSync of a minute would block the test worker's RPC. */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['tsx', 'src/cli/target.ts', ...args], { cwd: ROOT, timeout: 240_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

beforeAll(() => {
  writeFileSync(PERSONAS, personas.map((p) => JSON.stringify(p)).join('\n') + '\n');
  const lines = ['openness,conscientiousness,extraversion,agreeableness,neuroticism,country'];
  for (const [id, countries] of [['east-asia', ['JP', 'KR', 'CN']], ['north-america', ['US', 'CA']], ['europe', ['DE', 'FR', 'GB']]] as const) {
    const c = builtinReference(id, 400, 9).cloud;
    for (let i = 0; i < c.n; i++) lines.push([...c.points.subarray(i * 5, i * 5 + 5)].map((v) => v.toFixed(3)).join(',') + ',' + countries[i % countries.length]);
  }
  writeFileSync(REF, lines.join('\n') + '\n');
});

describe('npm run target', () => {
  it('--json without the adapter: four selections, counts, manifest; the reference is filtered to the region; same seed → same ids', async () => {
    const args = ['--personas', PERSONAS, '--reference', REF, '--query', 'adults in East Asia', '--region', 'east-asia', '--size', '30', '--top', '90', '--no-adapter', '--seed', '4', '--json'];
    const a = await cli(args);
    expect(a.code, a.err).toBe(0);
    const j = JSON.parse(a.out) as {
      manifest: { counts: Record<string, number>; adapter: unknown; embedder: { modelId: string }; inputs: { pool: { sha256: string }; reference: { n: number } }; results: Record<string, { selectedSha256: string; energy: number }> };
      selections: Record<string, { ids: string[]; inGroupShare: number }>;
    };
    expect(j.manifest.counts).toMatchObject({ records: 600, eligible: 600, candidates: 90, selected: 30, reference: 400 });
    expect(j.manifest.inputs.reference.n).toBe(400); // only the JP/KR/CN rows
    expect(j.manifest.adapter).toBeNull();
    expect(j.manifest.embedder.modelId).toMatch(/^lexical-/);
    expect(j.manifest.inputs.pool.sha256).toMatch(/^[0-9a-f]{64}$/);
    for (const k of ['random', 'retrieval', 'global', 'realigned']) expect(new Set(j.selections[k]!.ids).size).toBe(30);
    expect(j.manifest.results.realigned!.energy).toBeLessThan(j.manifest.results.random!.energy);
    expect(j.selections.realigned!.inGroupShare).toBeGreaterThan(j.selections.random!.inGroupShare);
    const b = JSON.parse((await cli(args)).out) as typeof j;
    expect(b.selections.realigned!.ids).toEqual(j.selections.realigned!.ids);
    expect(b.manifest.results.realigned!.selectedSha256).toBe(j.manifest.results.realigned!.selectedSha256);
  }, 300_000);

  it('table output with the adapter (default), --out CSV and --manifest', async () => {
    const out = join(dir, 'target.csv');
    const manifest = join(dir, 'target.json');
    const r = await cli(['--personas', PERSONAS, '--reference', REF, '--query', 'adults in Europe', '--countries', 'DE,FR,GB', '--size', '25', '--out', out, '--manifest', manifest]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/Retrieval \+ re-alignment/);
    expect(r.out).toMatch(/Energy distance/);
    expect(r.out).toMatch(/adapter recall@10 \d\.\d{3} → \d\.\d{3}/);
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8').trim()).data;
    expect(rows.length).toBe(26);
    expect(rows[0]!.slice(0, 3)).toEqual(['id', 'retrieval_rank', 'score']);
    const m = JSON.parse(readFileSync(manifest, 'utf8')) as { adapter: { before: { recallAtK: number }; options: { seed: number } }; spec: { group: { countries: string[] } } };
    expect(m.adapter.before.recallAtK).toBeGreaterThanOrEqual(0);
    expect(m.spec.group.countries).toEqual(['DE', 'FR', 'GB']);
  }, 300_000);

  it('usage and input errors exit 2 with a message that says what to do', async () => {
    expect(() => parseTargetArgs(['--personas', 'p'])).toThrow(/required/);
    expect(() => parseTargetArgs(['--personas', 'p', '--reference', 'r', '--query', 'q', '--size', '3', '--region', 'europe', '--countries', 'DE'])).toThrow(/not both/);
    expect(() => parseTargetArgs(['--personas', 'p', '--reference', 'r', '--query', 'q', '--size', '3', '--top', '9', '--min-score', '0.2'])).toThrow(/not both/);
    let err = '';
    const io = { stdout: () => {}, stderr: (s: string) => (err += s + '\n') };
    expect(await runTargetCli(['--personas', PERSONAS, '--reference', REF, '--query', 'q', '--size', '3', '--countries', 'ZZ'], io)).toBe(2);
    expect(err).toMatch(/no rows from ZZ/);
    err = '';
    expect(await runTargetCli(['--personas', PERSONAS, '--reference', REF, '--query', 'q', '--size', '3', '--embedder', join(dir, 'no-such-model')], io)).toBe(2);
    expect(err).toMatch(/ModelError: .*--embedder lexical/);
  }, 120_000);
});
