import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { main, parseArgs } from '../../../src/cli/pipeline';
import { MOCK_MODEL, startMockOpenAi } from './mock-openai';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'pipeline-cli-'));
  dirs.push(d);
  return d;
}

interface Line { id: string; author: string; status: string; text: string; quality: { kept: boolean; reasons: string[]; scores: Record<string, number> } | null; answers: Record<string, number> | null; traits: Record<string, number> | null; flags: string[] }
const readLines = (dir: string): Line[] => readFileSync(join(dir, 'personas.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
interface StageEntry { status: string; stoppedBy: string | null; done: number; pending: number; promptTokens: number; thisInvocation: { items: number } }
interface Ref { id: string; version: number; hash: string }
/** The manifest fields these tests read (the file has more). */
interface Manifest {
  engine: string;
  warning?: string;
  model: Record<string, unknown>;
  stages: Record<'mine' | 'quality' | 'profile', StageEntry>;
  inputs: { name: string; size: number; sha256: string }[];
  prompts: Record<'mine' | 'profile', Ref>;
  decoding: { mine: Record<string, unknown> };
  seed: number;
  packages: Record<string, string>;
  invocations: unknown[];
  personas: { total: number; kept: number; profiled: number };
  questionnaire: { n: number; reliability: { trait: string; alpha: number | null }[]; methods: Record<string, number> };
}
const readManifest = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;

async function quietly<T>(fn: () => Promise<T>): Promise<T> {
  const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
  try {
    return await fn();
  } finally {
    spy.mockRestore();
  }
}

describe('argument parsing', () => {
  test('defaults and errors', () => {
    expect(parseArgs(['--corpus', 'x', '--engine', 'test'])).toMatchObject({ stages: ['mine', 'quality', 'profile'], seed: 1, threshold: 4, allowRemote: false, out: 'pipeline-out' });
    expect(() => parseArgs(['--corpus', 'x'])).toThrow(/--endpoint URL and --model NAME/);
    expect(() => parseArgs(['--corpus', 'x', '--engine', 'test', '--stages', 'mine,judge'])).toThrow(/judge/);
    expect(() => parseArgs(['--corpus', 'x', '--engine', 'test', '--limit', '0'])).toThrow(/≥ 1/);
    expect(() => parseArgs(['--corpus', 'x', '--engine', 'test', '--bogus'])).toThrow(/unknown option --bogus/);
  });
});

describe('npm run pipeline --engine test on the demo corpus', () => {
  test('pilot, resume, refuse a changed run', async () => {
    const out = tmp();
    const base = ['--corpus', 'public/demo-corpus', '--engine', 'test', '--out', out, '--seed', '3'];
    expect(await quietly(() => main([...base, '--limit', '4']))).toBe(0);
    let lines = readLines(out);
    expect(lines).toHaveLength(4);
    let m = readManifest(out);
    expect(m.engine).toBe('test');
    expect(m.warning).toMatch(/TEST ENGINE/);
    expect(m.model).toMatchObject({ modelId: 'test-engine', backend: 'test' });
    expect(m.stages.mine).toMatchObject({ status: 'paused', stoppedBy: 'limit', done: 4, pending: 36 });
    // Inputs: every demo file with its size and SHA-256.
    const xml = m.inputs.find((i) => i.name.endsWith('1412990.female.26.Accounting.Pisces.xml'));
    expect(xml?.sha256).toBe(createHash('sha256').update(readFileSync('public/demo-corpus/1412990.female.26.Accounting.Pisces.xml')).digest('hex'));
    expect(m.inputs).toHaveLength(40);
    expect(m.prompts.mine).toMatchObject({ id: 'persona-mining', version: 1 });
    expect(m.prompts.profile.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.decoding.mine).toMatchObject({ temperature: 0.7 });
    expect(m.seed).toBe(3);
    expect(m.packages.node).toBe(process.version);
    const firstIds = lines.map((l) => l.id);

    // Resume: the 4 done authors are skipped, the other 36 are mined.
    expect(await quietly(() => main(base))).toBe(0);
    lines = readLines(out);
    m = readManifest(out);
    expect(lines).toHaveLength(40);
    expect(new Set(lines.map((l) => l.id)).size).toBe(40);
    expect(lines.map((l) => l.id)).toEqual(expect.arrayContaining(firstIds));
    expect(m.stages.mine.thisInvocation.items).toBe(36);
    expect(m.invocations).toHaveLength(2);
    for (const l of lines) {
      expect(l.quality).toBeDefined();
      if (l.quality!.kept) {
        expect(l.status).toBe('profiled');
        expect(Object.keys(l.answers!)).toHaveLength(50);
        expect(Object.keys(l.traits!).sort()).toEqual(['agreeableness', 'conscientiousness', 'extraversion', 'neuroticism', 'openness']);
      } else {
        expect(l.quality!.reasons.length).toBeGreaterThan(0);
        expect(l.answers).toBeUndefined();
      }
    }
    expect(m.personas.profiled).toBe(lines.filter((l) => l.quality!.kept).length);
    expect(m.questionnaire.n).toBe(m.personas.profiled);
    expect(m.questionnaire.reliability.map((t) => t.trait)).toEqual(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);
    expect(m.questionnaire.methods.logprobs).toBe(m.personas.profiled);

    // A third run has nothing to do; another seed into the same DIR is refused.
    expect(await quietly(() => main(base))).toBe(0);
    expect(readManifest(out).stages.mine.thisInvocation.items).toBe(0);
    expect(await quietly(() => main([...base.slice(0, -1), '4']))).toBe(2);
    // A DIR held by a live process is refused; a lock left by a dead one is taken over.
    writeFileSync(join(out, 'pipeline.lock'), String(process.ppid));
    expect(await quietly(() => main(base))).toBe(2);
    writeFileSync(join(out, 'pipeline.lock'), '999999999');
    expect(await quietly(() => main(base))).toBe(0);
    expect(existsSync(join(out, 'pipeline.lock'))).toBe(false);
  });
});

describe('npm run pipeline against an OpenAI-compatible server on 127.0.0.1', () => {
  test('mines, judges and profiles through the HTTP backend', async () => {
    const server = await startMockOpenAi();
    try {
      const out = tmp();
      const code = await quietly(() => main(['--corpus', 'public/demo-corpus', '--endpoint', server.url, '--model', MOCK_MODEL, '--out', out, '--limit', '3', '--threshold', '4']));
      expect(code).toBe(0);
      const lines = readLines(out);
      expect(lines).toHaveLength(3);
      for (const l of lines) {
        expect(l.quality).toMatchObject({ kept: true, reasons: [] });
        expect(l.status).toBe('profiled');
        for (const v of Object.values(l.answers!)) {
          expect(v).toBeGreaterThanOrEqual(1);
          expect(v).toBeLessThanOrEqual(5);
        }
      }
      const m = readManifest(out);
      expect(m.engine).toBe('http');
      expect(m.warning).toBeUndefined();
      expect(m.model).toMatchObject({ modelId: MOCK_MODEL, backend: 'http', host: server.url.replace('http://', ''), tokenCounter: 'estimate' });
      // Questionnaire: logprob calls, the persona prefix reported as cached by the server after the first item.
      const logprobCalls = server.requests.filter((r) => r['logprobs'] === true);
      expect(logprobCalls).toHaveLength(3 * 50);
      const judge = server.requests.filter((r) => (r['response_format'] as { json_schema?: { name?: string } } | undefined)?.json_schema?.name === 'persona_judgement');
      expect(judge).toHaveLength(3);
      // The stage counts prefilled tokens only: with the server's prefix cache ≥ 5× fewer than sent.
      const sent = logprobCalls.reduce((t, r) => t + Math.ceil((r['messages'] as { content: string }[]).reduce((c, x) => c + x.content.length, 0) / 4), 0);
      expect(m.stages.profile.promptTokens * 5).toBeLessThanOrEqual(sent);
      // Nothing but 127.0.0.1 was contacted, and a remote endpoint is refused without --allow-remote.
      expect(await quietly(() => main(['--corpus', 'public/demo-corpus', '--endpoint', 'http://198.51.100.7:8080', '--model', 'x', '--out', tmp()]))).toBe(2);
    } finally {
      await server.close();
    }
  });
});
