// Hostile content for export and report tests (Node and browser): no Node imports here.
import type { StoredRun } from '../../../src/contracts/run';
import type { PersonaRecord } from '../../../src/contracts/persona';
import type { Diagnostics } from '../../../src/core/align/diagnostics';
import { TRAITS } from '../../../src/core/traits';

/** Content that must stay text in every export and in the report. */
export const HOSTILE = [
  '<script>alert("x")</script>',
  '<img src=x onerror="alert(1)">',
  '<a href="javascript:alert(1)">click</a>',
  'abc\u202Etxt.exe\u202C',
  'zero\u200Bwidth\u200D\uFEFFjoiners',
  '=HYPERLINK("http://evil.example","x")',
  '+1-2',
  '@SUM(A1)',
  '-cmd|calc',
  ']]></style></svg><svg onload=alert(1)>',
] as const;

const zeroDiag = (): Diagnostics => ({
  perTrait: TRAITS.map(() => ({ meanError: 0.1, sdError: -0.05, w1: 0.2, ks: 0.1 })),
  energy: 0.05,
  energySubsampled: false,
  slicedW1: 0.1,
  corrFrobenius: 0.3,
  weights: { ess: 3, designEffect: 1, maxOverMean: 1 },
});

/** A done run over HOSTILE.length personas whose text, meta and ids carry the hostile strings; all selected. */
export function hostileRun(): StoredRun {
  const n = HOSTILE.length;
  const records: PersonaRecord[] = HOSTILE.map((h, i) => ({
    id: `p${i}${i === 0 ? '<b>' : ''}`,
    source: { kind: 'imported', file: `${h}.jsonl`, format: 'jsonl' },
    text: `Persona ${i}: ${h}\nsecond line, "quoted", comma`,
    meta: { name: h, occupation: h, city: h, country: 'JP', gender: h, age: '34', group: h },
    traits: { openness: 1 + (i % 5), conscientiousness: 3, extraversion: 2.5, agreeableness: 4, neuroticism: 2 },
  }));
  const pts = new Float32Array(n * 5);
  records.forEach((r, i) => TRAITS.forEach((t, k) => (pts[i * 5 + k] = r.traits![t])));
  const ref = new Float32Array(20 * 5).map((_, j) => 1 + (j % 5));
  const at = '2026-01-01T00:00:00.000Z';
  return {
    id: 'run-<script>',
    kind: 'align',
    status: 'done',
    title: `Hostile ${HOSTILE[0]}`,
    createdAt: at,
    updatedAt: at,
    request: {},
    result: {
      manifest: { format: 'persona-align/align-run@1', method: 'nearest', seed: 1, inputs: { pool: { name: HOSTILE[1], sha256: 'a'.repeat(64) }, reference: { name: HOSTILE[2] } }, result: { selectedSha256: 'b'.repeat(64) } },
      poolIds: records.map((r) => r.id),
      pool: { points: pts, weights: new Float64Array(n).fill(1), n },
      reference: { points: ref, weights: new Float64Array(20).fill(1), n: 20 },
      selected: Int32Array.from({ length: n }, (_, i) => i),
      randomIndices: Int32Array.from({ length: n }, (_, i) => i),
      diagnostics: { pool: zeroDiag(), random: zeroDiag(), selected: zeroDiag(), unit: 'reference SD' },
      records,
    },
  };
}
