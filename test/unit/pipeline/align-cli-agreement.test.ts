// Two front doors, one implementation: the app's Align stage and `npm run align` (src/cli/align.ts)
// select the same rows and report the same diagnostics for the same pool, reference and options.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAlignCli } from '../../../src/cli/align';
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { builtinEntry, sampleBuiltin, validateBuiltinReference } from '../../../src/core/reference/builtin';
import { TRAITS } from '../../../src/core/traits';
import { parsePersonaJsonl } from '../../../src/core/persona-jsonl';
import { inThreadAlignRunner } from '../../../src/pipeline/align-runner';
import { runAlignStage } from '../../../src/pipeline/align-stage';

const publicDir = new URL('../../../public/', import.meta.url);
const read = (p: string): string => readFileSync(new URL(p, publicDir), 'utf8');

interface CliJson {
  selected: number[];
  before: { pool: { energy: number }; random: { energy: number } };
  after: { energy: number; slicedW1: number };
  samplingFloor: { energy: number } | null;
}

describe('app stage = CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'align-agree-'));
  const personas = parsePersonaJsonl(read('demo-personas/personas.jsonl'));
  const poolCsv = ['id,' + TRAITS.join(','), ...personas.map((p) => [p.id, ...TRAITS.map((t) => String(p.traits![t]))].join(','))].join('\n') + '\n';
  const poolPath = join(dir, 'pool.csv');
  writeFileSync(poolPath, poolCsv);
  // The built-in sample written out exactly (float32 values print and parse back to themselves).
  const ref = sampleBuiltin(builtinEntry(validateBuiltinReference(JSON.parse(read('reference/builtin-reference.json')) as unknown), 'global'), 800, 5).cloud;
  const refRows = Array.from({ length: ref.n }, (_, i) => Array.from(ref.points.subarray(i * 5, i * 5 + 5), String).join(','));
  const refPath = join(dir, 'ref.csv');
  writeFileSync(refPath, [TRAITS.join(','), ...refRows].join('\n') + '\n');

  for (const method of ['nearest', 'semi-relaxed'] as const) {
    it(`${method}: same selection and same energy distances`, async () => {
      const out: string[] = [];
      const code = await runAlignCli(['--pool', poolPath, '--reference', refPath, '--size', '120', '--method', method, '--seed', '4', '--tol', '1e-3', '--json'], {
        stdout: (s) => out.push(s),
        stderr: () => {},
      });
      expect(code).toBe(0);
      const cli = JSON.parse(out.join('')) as CliJson;
      const app = await runAlignStage(
        undefined,
        {
          pool: { kind: 'csv', name: 'pool.csv', data: poolCsv },
          reference: { kind: 'builtin', entryId: 'global', n: 800, seed: 5 },
          // The CLI always passes epsScaling (default on); say the same here.
          options: { method, size: 120, seed: 4, sinkhorn: { tol: 1e-3, epsScaling: true } },
        },
        { fetchText: async (p) => read(p), align: inThreadAlignRunner(cpuKernelFactory()) },
      );
      expect(Array.from(app.align.selected)).toEqual(cli.selected);
      const d = app.diagnostics;
      expect(d.pool.energy).toBe(cli.before.pool.energy);
      expect(d.random.energy).toBe(cli.before.random.energy);
      expect(d.selected.energy).toBe(cli.after.energy);
      expect(d.selected.slicedW1).toBe(cli.after.slicedW1);
      expect(d.floor?.energy).toBe(cli.samplingFloor?.energy);
    });
  }
});
