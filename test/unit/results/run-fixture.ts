/**
 * A finished align run as the `runs` store holds it (src/contracts/run.ts), built for real: a tilted
 * synthetic persona pool and a synthetic reference, `nearest` through the in-thread runner on the
 * CPU kernel, diagnostics by the Align stage's own diagnoseRun. Shared by the Node tests of the
 * Results view model and the browser tests of the Results stage (which write it into IndexedDB).
 */
import { cpuKernelFactory } from '../../../src/core/align/cpu-kernel';
import { randomSubset } from '../../../src/core/align/diagnostics';
import { evaluationReference } from '../../../src/core/align/holdout';
import { PERSONA_TILT, syntheticBigFive } from '../../../src/core/align/synthetic';
import { TRAITS } from '../../../src/core/traits';
import type { PersonaRecord } from '../../../src/contracts/persona';
import type { StoredRun } from '../../../src/contracts/run';
import { inThreadAlignRunner } from '../../../src/pipeline/align-runner';
import { diagnoseRun } from '../../../src/pipeline/align-stage';

export interface FixtureOptions {
  id?: string;
  poolN?: number;
  refN?: number;
  size?: number;
  seed?: number;
  createdAt?: string;
  holdout?: number;
}

const REGIONS = ['east-asia', 'europe', 'north-america'];
const BANDS = ['18-24', '25-34', '35-44', '45-54', '55+'];

export async function storedRunFixture(o: FixtureOptions = {}): Promise<StoredRun> {
  const poolN = o.poolN ?? 400;
  const size = o.size ?? 60;
  const seed = o.seed ?? 3;
  const holdout = o.holdout ?? 0.2;
  const pool = syntheticBigFive({ n: poolN, seed: 7, tiltSd: PERSONA_TILT, spread: 0.85 });
  const ref = syntheticBigFive({ n: o.refN ?? 500, seed: 8 });
  const ev = evaluationReference(ref, holdout, seed);
  const out = await inThreadAlignRunner(cpuKernelFactory()).run({ pool, reference: ev.match, options: { method: 'nearest', size, seed } });
  const randomIndices = randomSubset(pool, size, seed);
  const diagnostics = await diagnoseRun(undefined, pool, ev, out.result.selected, randomIndices, seed);
  const records: PersonaRecord[] = Array.from({ length: poolN }, (_, i) => ({
    id: `demo-${String(i + 1).padStart(4, '0')}`,
    source: { kind: 'demo', generator: 'test-fixture', version: '1' },
    text: `Persona ${i + 1} works as a ${i % 2 ? 'nurse' : 'teacher'} in ${REGIONS[i % 3]} and enjoys ${i % 5 === 0 ? 'gardening' : 'hiking'}.`,
    meta: { region: REGIONS[i % 3]!, ageBand: BANDS[i % 5]!, occupation: i % 2 ? 'nurse' : 'teacher' },
    traits: Object.fromEntries(TRAITS.map((t, k) => [t, pool.points[i * 5 + k]!])) as PersonaRecord['traits'],
    quality: { kept: true, scores: { faithfulness: 3 + (i % 3), consistency: 4, specificity: 3 + (i % 2) }, reasons: i % 7 === 0 ? ['generic phrasing'] : [] },
  }));
  const now = o.createdAt ?? new Date().toISOString();
  const judged = ev.heldOut;
  return {
    id: o.id ?? `run-${seed}`,
    kind: 'align',
    status: 'done',
    title: `nearest · K=${size} · fixture pool vs synthetic reference`,
    createdAt: now,
    updatedAt: now,
    request: { pool: { kind: 'demo' }, options: { method: 'nearest', size, seed, holdout } },
    result: {
      manifest: { method: 'nearest', seed, options: { method: 'nearest', size, seed, holdout }, result: { evaluation: diagnostics.evaluation } },
      poolIds: records.map((r) => r.id),
      pool: { points: pool.points, weights: pool.weights, n: pool.n },
      reference: { points: judged.points, weights: judged.weights, n: judged.n },
      selected: out.result.selected,
      randomIndices,
      diagnostics: { pool: diagnostics.pool, random: diagnostics.random, selected: diagnostics.selected, floor: diagnostics.floor, unit: diagnostics.unit },
      records,
    },
  };
}
