// runTargetStage in Node: the Target stage's pipeline with the lexical embedder, the in-thread
// aligner and a fake run recorder (the app passes RunStore); every build is a stored run.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StoredRun } from '../../../src/contracts/run';
import { createLexicalEmbedderService } from '../../../src/core/embed/lexical-service';
import { makeTargetSpec, type TargetSpec } from '../../../src/core/target/spec';
import type { RunRecorder } from '../../../src/pipeline/align-stage';
import { runTargetStage, targetRunTitle } from '../../../src/pipeline/target/target-stage';
import { BUILTIN_PATH, DEMO_PATH } from './helpers';

const fetchText = async (path: string): Promise<string> => {
  if (path === 'reference/builtin-reference.json') return readFileSync(BUILTIN_PATH, 'utf8');
  if (path === 'demo-personas/personas.jsonl') return readFileSync(DEMO_PATH, 'utf8');
  throw new Error(`no ${path}`);
};

function recorder(): RunRecorder & { runs: Map<string, StoredRun[]> } {
  const runs = new Map<string, StoredRun[]>();
  return {
    runs,
    async putRun(run) {
      runs.set(run.id, [...(runs.get(run.id) ?? []), structuredClone(run)]);
    },
    async getRun(id) {
      return runs.get(id)?.at(-1);
    },
    withRunLock: (_id, fn) => fn(),
  };
}

describe('runTargetStage', () => {
  it('builds two targets on one prepared pool, stores each target and each run (running → done) with a StoredRunResult', async () => {
    const lines = readFileSync(DEMO_PATH, 'utf8').trim().split('\n').slice(0, 500).join('\n');
    const runs = recorder();
    const saved: TargetSpec[] = [];
    let n = 0;
    const specs = [makeTargetSpec({ query: 'adults in East Asia', region: 'east-asia', size: 20 }), makeTargetSpec({ query: 'adults in Europe', region: 'europe', size: 20 })];
    const out = await runTargetStage(
      undefined,
      {
        pool: { kind: 'jsonl', name: 'demo-500.jsonl', data: lines },
        embedderId: 'lexical',
        adapter: { enabled: false, options: {} },
        targets: specs.map((spec) => ({ spec, reference: { kind: 'builtin', entryId: spec.group!.regionId!, n: 400, seed: 2 } })),
      },
      {
        fetchText,
        embedder: createLexicalEmbedderService(),
        runs,
        targets: { putTarget: async (s) => void saved.push(s), getQuerySet: async () => undefined },
        newRunId: () => `run-${++n}`,
      },
    );
    expect(out.prepared.records.length).toBe(500);
    expect(saved.map((s) => s.query)).toEqual(['adults in East Asia', 'adults in Europe']);
    expect(out.targets.map((t) => t.runId)).toEqual(['run-1', 'run-2']);
    for (const [i, t] of out.targets.entries()) {
      const history = runs.runs.get(`run-${i + 1}`)!;
      expect(history.map((r) => r.status)).toEqual(['running', 'done']);
      const done = history[1]!;
      expect(done).toMatchObject({ kind: 'target', targetId: specs[i]!.id, title: targetRunTitle(specs[i]!, 'demo-500.jsonl') });
      const res = done.result!;
      expect(Array.from(res.selected)).toEqual(Array.from(t.result.selections.realigned.indices));
      expect(Array.from(res.randomIndices)).toEqual(Array.from(t.result.selections.random.indices));
      expect(res.poolIds.length).toBe(500);
      expect(res.pool.n).toBe(500);
      expect(res.reference.n).toBe(t.result.counts.heldOut);
      expect(res.diagnostics.selected.energy).toBe(t.result.selections.realigned.diagnostics.energy);
      expect((res.manifest as { inputs: { pool: { sha256: string } } }).inputs.pool.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  }, 180_000);

  it('a failing build is stored as failed with its error, and the error reaches the caller', async () => {
    const runs = recorder();
    const lines = readFileSync(DEMO_PATH, 'utf8').trim().split('\n').slice(0, 100).join('\n');
    const spec = makeTargetSpec({ query: 'adults in Europe', size: 90, candidates: { mode: 'minScore', score: 0.99 } });
    await expect(
      runTargetStage(undefined, { pool: { kind: 'jsonl', name: 'x.jsonl', data: lines }, embedderId: 'lexical', adapter: { enabled: false, options: {} }, targets: [{ spec, reference: { kind: 'builtin', entryId: 'global', n: 300, seed: 1 } }] }, { fetchText, embedder: createLexicalEmbedderService(), runs, newRunId: () => 'r' }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(runs.runs.get('r')!.map((r) => r.status)).toEqual(['running', 'failed']);
    expect(runs.runs.get('r')!.at(-1)!.error).toMatchObject({ name: 'InputError' });
  }, 60_000);
});
