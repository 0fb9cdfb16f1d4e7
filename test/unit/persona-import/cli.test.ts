/** `npm run pipeline -- --personas FILE` with the test engine: outputs, provenance, resume, usage errors. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { main, parseArgs } from '../../../src/cli/pipeline';
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pipeline-personas-'));
  dirs.push(d);
  return d;
}
const FIX = 'test/fixtures/persona-import/';

async function run(argv: string[]): Promise<{ code: number; err: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    return { code: await main(argv), err: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}

interface Manifest {
  runId: string;
  engine: string;
  warning?: string;
  corpusId: string;
  inputs: { name: string; sha256: string }[];
  personaSet: { id: string; file: string; sha256: string; format: string; preset: string; mapping: { text: { field: string }[]; id?: string }; records: number; skipped: number; withTraits: number; firstIssues: { line: number; reason: string }[] };
  prompts: { quality: { id: string } };
  stages: Record<string, { status: string; done: number; total: number; thisInvocation: { items: number; ms: number } | null }>;
  personas: { total: number; kept: number; profiled: number };
  agreement: { trait: string; n: number; pearson: number | null }[] | null;
  invocations: unknown[];
}
const manifest = (d: string): Manifest => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as Manifest;
const personas = (d: string) => readFileSync(join(d, 'personas.jsonl'), 'utf8');

describe('argument parsing for --personas', () => {
  test('formats and presets, default stages, errors', () => {
    expect(parseArgs(['--personas', 'x.parquet', '--format', 'nemotron', '--engine', 'test'])).toMatchObject({ personas: 'x.parquet', personaPreset: 'nemotron', stages: ['quality', 'profile'], judge: true });
    expect(parseArgs(['--personas', 'x', '--format', 'csv', '--text-field', 'a,b', '--id-field', 'k', '--no-judge', '--engine', 'test'])).toMatchObject({ personaFormat: 'csv', textFields: ['a', 'b'], idField: 'k', judge: false });
    expect(() => parseArgs(['--personas', 'x', '--format', 'blog-xml', '--engine', 'test'])).toThrow(/unknown persona format/);
    expect(() => parseArgs(['--personas', 'x', '--stages', 'mine', '--engine', 'test'])).toThrow(/not mined/);
    expect(() => parseArgs(['--personas', 'x', '--corpus', 'y', '--engine', 'test'])).toThrow(/give one of them/);
    expect(() => parseArgs(['--personas', 'x', '--trait-fields', 'a,b', '--trait-scale', '1-5', '--engine', 'test'])).toThrow(/five fields/);
    expect(() => parseArgs(['--personas', 'x', '--trait-scale', '1-9', '--engine', 'test'])).toThrow(/--trait-scale/);
    expect(() => parseArgs(['--corpus', 'x', '--text-field', 'a', '--engine', 'test'])).toThrow(/for --personas/);
    expect(() => parseArgs(['--personas', 'x'])).toThrow(/--endpoint URL and --model NAME/);
  });
});

describe('npm run pipeline --personas with the test engine', () => {
  test('Nemotron Parquet: personas.jsonl is a persona JSONL; manifest has the provenance; a rerun resumes; another mapping is refused', async () => {
    const out = tmp();
    const argv = ['--personas', `${FIX}nemotron.parquet`, '--format', 'nemotron', '--engine', 'test', '--out', out, '--seed', '2'];
    const first = await run(argv);
    expect(first.code, first.err).toBe(0);
    const records = parsePersonaJsonl(personas(out), 'personas.jsonl');
    expect(records).toHaveLength(3);
    expect(records.every((r) => r.source.kind === 'imported' && r.id.startsWith('set-'))).toBe(true);
    expect(records[0]!.source).toMatchObject({ kind: 'imported', format: 'nemotron', file: `${FIX}nemotron.parquet`, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const m = manifest(out);
    expect(m.engine).toBe('test');
    expect(m.warning).toMatch(/TEST ENGINE/);
    expect(m.personaSet).toMatchObject({ format: 'parquet', preset: 'nemotron', records: 3, skipped: 1, withTraits: 0 });
    expect(m.personaSet.sha256).toBe(m.inputs[0]!.sha256);
    expect(m.corpusId).toBe(m.personaSet.id);
    expect(m.personaSet.mapping.id).toBe('uuid');
    expect(m.personaSet.firstIssues[0]).toMatchObject({ line: 3, reason: expect.stringMatching(/^empty text/) });
    expect(m.prompts.quality.id).toBe('persona-judge-imported');
    expect(m.stages['quality']).toMatchObject({ status: 'done', done: 3, total: 3 });
    expect(m.stages['profile']!.total).toBe(m.personas.kept);
    expect(m.personas.profiled).toBe(m.personas.kept);
    expect(m.agreement).toBeNull();

    const before = personas(out);
    const again = await run(argv);
    expect(again.code).toBe(0);
    expect(manifest(out).stages['quality']!.thisInvocation).toEqual({ items: 0, ms: expect.any(Number) });
    expect(personas(out)).toBe(before); // nothing re-run, nothing duplicated
    expect(manifest(out).invocations).toHaveLength(2);
    expect(manifest(out).runId).toBe(m.runId);

    const other = await run([...argv, '--text-field', 'persona']);
    expect(other.code).toBe(2);
    expect(other.err).toMatch(/other inputs, mapping/);
  });

  test('rules only with given trait scores: profiled personas get measured traits, the file\'s stay as givenTraits, agreement in the manifest', async () => {
    const out = tmp();
    const r = await run(['--personas', `${FIX}persona-align.jsonl`, '--no-judge', '--engine', 'test', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const lines = personas(out).trim().split('\n').map((l) => JSON.parse(l) as { status: string; quality: { scores: Record<string, number> }; givenTraits?: Record<string, number>; traits?: Record<string, number> });
    expect(lines.every((l) => Object.keys(l.quality.scores).length === 0)).toBe(true); // no judge
    const profiled = lines.filter((l) => l.status === 'profiled' && l.givenTraits);
    expect(profiled.length).toBeGreaterThan(0);
    for (const l of profiled) expect(l.traits).not.toEqual(l.givenTraits);
    const m = manifest(out);
    expect(m.personaSet.preset).toBe('persona-align');
    expect(m.agreement!.map((a) => a.trait)).toEqual(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);
    expect(m.agreement![0]!.n).toBe(profiled.length);
  });

  test('--text-field and --id-field override the suggestion; --limit runs a pilot', async () => {
    const out = tmp();
    const r = await run(['--personas', `${FIX}oasis-twitter.csv`, '--text-field', 'description,user_char', '--id-field', 'user_id', '--stages', 'quality', '--limit', '1', '--engine', 'test', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const m = manifest(out);
    expect(m.personaSet.preset).toBe('generic');
    expect(m.personaSet.mapping.text.map((t) => t.field)).toEqual(['description', 'user_char']);
    const lines = personas(out).trim().split('\n').map((l) => JSON.parse(l) as { id: string; text: string; quality?: unknown });
    expect(lines.map((l) => l.id.split('/')[1])).toEqual(['0', '1']);
    expect(lines[0]!.text).toMatch(/^description: Urban planner, tram enthusiast\.\n\nuser_char: Lena/);
    expect(lines.filter((l) => l.quality).length).toBe(1);
  });

  test('a broken file exits 2 naming the file and line', async () => {
    const out = tmp();
    const r = await run(['--personas', `${FIX}nemotron-rows.json`, '--format', 'jsonl', '--engine', 'test', '--out', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nemotron-rows\.json, line 1: not valid JSON/);
    expect((await run(['--personas', `${FIX}nope.jsonl`, '--engine', 'test', '--out', out])).code).toBe(2);
  });
});

