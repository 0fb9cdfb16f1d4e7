// The CPU adapter trainer (src/core/embed/adapter.ts, adapter-train.ts, infonce.ts): gradients
// against finite differences, identity at initialisation, determinism, the semantic filter, and
// held-out retrieval on generated personas whose group membership is known.
import { beforeAll, describe, expect, it } from 'vitest';
import type { AdapterTrainInput } from '../../../src/contracts/adapter';
import type { Progress } from '../../../src/contracts/progress';
import { applyAdapter, batchLossAndGrad, initAdapter, resolveAdapterOptions, trainAdapterCpu } from '../../../src/core/embed/adapter';
import { buildBatch, planAdapterTraining } from '../../../src/core/embed/adapter-train';
import { infoNce } from '../../../src/core/embed/infonce';
import { cosineTopK, recallAtK } from '../../../src/core/embed/topk';
import { Rng } from '../../../src/core/rng';
import { groupFixture } from './adapter-fixture';

function unitRows(rng: Rng, n: number, dim: number): Float32Array {
  const v = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (v[i * dim + j] = rng.normal()) ** 2;
    for (let j = 0; j < dim; j++) v[i * dim + j] = (v[i * dim + j] as number) / Math.sqrt(s);
  }
  return v;
}

/** A random problem where query i's positives are personas near it (so training has signal). */
function randomInput(seed: number, n = 60, q = 20, dim = 16, options: AdapterTrainInput['options'] = {}): AdapterTrainInput {
  const rng = new Rng(seed);
  const personas = unitRows(rng, n, dim);
  const queries = unitRows(rng, q, dim);
  const positives = Array.from({ length: q }, (_, i) => [...cosineTopK(personas, dim, queries.subarray(i * dim, (i + 1) * dim), 6).indices].filter((_, r) => r % 2 === 0));
  return { personas, n, queries, q, dim, baseModelId: 'test', positives, options };
}

describe('InfoNCE', () => {
  it('equals −log softmax over the valid columns, ignores masked ones, and its row gradients sum to 0', () => {
    const sims = Float64Array.from([0.9, 0.1, -0.3, 5, 0.2, 0.8, 0.4, -7]);
    const valid = Uint8Array.from([1, 1, 1, 0, 1, 1, 1, 0]);
    const r = infoNce({ sims, rows: 2, cols: 4, valid, posCol: Int32Array.from([0, 1]), temperature: 0.5 });
    const ref = (row: number[], p: number): number => -row[p]! / 0.5 + Math.log(row.reduce((s, v) => s + Math.exp(v / 0.5), 0));
    expect(r.rowLoss[0]).toBeCloseTo(ref([0.9, 0.1, -0.3], 0), 12);
    expect(r.rowLoss[1]).toBeCloseTo(ref([0.2, 0.8, 0.4], 1), 12);
    expect(r.loss).toBeCloseTo((r.rowLoss[0]! + r.rowLoss[1]!) / 2, 14);
    expect(r.grad[3]).toBe(0);
    expect(r.grad[7]).toBe(0);
    expect(r.grad[0]! + r.grad[1]! + r.grad[2]!).toBeCloseTo(0, 14);
    expect(r.grad[0]).toBeLessThan(0); // the positive is pulled up
  });

  it('stays finite at a tiny temperature (log domain)', () => {
    const r = infoNce({ sims: Float64Array.from([1, -1, 0.99]), rows: 1, cols: 3, valid: Uint8Array.from([1, 1, 1]), posCol: Int32Array.from([2]), temperature: 1e-4 });
    expect(r.loss).toBeCloseTo(100, 6);
    expect([...r.grad].every(Number.isFinite)).toBe(true);
  });
});

describe('gradients', () => {
  it('match central finite differences in float64 (every parameter of A and B)', () => {
    const input = randomInput(3, 30, 12, 10, { rank: 3, batchSize: 5, minedNegatives: 2, negativeFilter: 0.6, seed: 4 });
    const plan = planAdapterTraining(input);
    const batch = buildBatch(input, plan, [0, 3, 5, 7, 9]);
    expect(batch.cols).toBeGreaterThan(batch.rows); // mined negatives joined the in-batch ones
    const rng = new Rng(9);
    const theta = Float64Array.from({ length: 2 * 3 * 10 }, () => 0.3 * rng.normal()); // B ≠ 0: every path is live
    const { grad } = batchLossAndGrad(batch, 10, 3, theta, 0.2, 'f64');
    const h = 1e-6;
    let worst = 0;
    for (let i = 0; i < theta.length; i++) {
      const plus = Float64Array.from(theta);
      const minus = Float64Array.from(theta);
      plus[i]! += h;
      minus[i]! -= h;
      const fd = (batchLossAndGrad(batch, 10, 3, plus, 0.2, 'f64').loss - batchLossAndGrad(batch, 10, 3, minus, 0.2, 'f64').loss) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grad[i]!) / Math.max(1e-3, Math.abs(fd)));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('the adapter', () => {
  it('is the identity at initialisation (unit rows unchanged, zero rows stay zero)', () => {
    const rng = new Rng(1);
    const x = unitRows(rng, 5, 8);
    x.fill(0, 16, 24); // row 2 is the zero vector
    const ad = initAdapter(8, 4, 'test', () => rng.normal());
    expect([...ad.b].every((v) => v === 0)).toBe(true);
    expect([...ad.a].some((v) => v !== 0)).toBe(true);
    const y = applyAdapter(x, 5, ad);
    for (let i = 0; i < x.length; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThan(1e-7);
    expect([...y.subarray(16, 24)]).toEqual(new Array(8).fill(0));
  });

  it('applyAdapter returns unit vectors for a trained (non-identity) adapter', () => {
    const rng = new Rng(2);
    const x = unitRows(rng, 4, 6);
    const ad = initAdapter(6, 2, 'test', () => rng.normal());
    for (let i = 0; i < ad.b.length; i++) ad.b[i] = rng.normal();
    const y = applyAdapter(x, 4, ad);
    for (let i = 0; i < 4; i++) expect(Math.hypot(...y.subarray(i * 6, i * 6 + 6))).toBeCloseTo(1, 6);
    expect(() => applyAdapter(x, 3, ad)).toThrow(/Expected 3 × 6/);
  });

  it('rejects unknown or invalid options with what to do', () => {
    expect(() => resolveAdapterOptions({ rank: -1 })).toThrow(/rank/);
    expect(() => resolveAdapterOptions({ temprature: 1 } as never)).toThrow(/Unknown adapter option "temprature"/);
    expect(() => resolveAdapterOptions({ holdout: 1 })).toThrow(/holdout/);
  });
});

describe('training on random data', () => {
  it('is deterministic by seed and differs with another seed', async () => {
    const run = (seed: number) => trainAdapterCpu(randomInput(5, 60, 20, 16, { rank: 4, batchSize: 8, maxEpochs: 3, seed }));
    const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
    expect(a.adapter.b).toEqual(b.adapter.b);
    expect(a.adapter.a).toEqual(b.adapter.a);
    expect(a.report.history).toEqual(b.report.history);
    expect(c.report.history).not.toEqual(a.report.history);
  });

  it('reports progress per epoch, and an abort stops it with AbortError', async () => {
    const seen: Progress[] = [];
    const r = await trainAdapterCpu(randomInput(6, 60, 20, 16, { rank: 4, batchSize: 8, maxEpochs: 4, patience: 10 }), undefined, (p) => seen.push(p));
    expect(r.report.epochs).toBe(4);
    expect(seen.length).toBe(1 + 4);
    expect(seen.at(-1)!.counts!.epochs).toBe(4);
    expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);
    const ac = new AbortController();
    await expect(trainAdapterCpu(randomInput(6, 60, 20, 16, { maxEpochs: 50 }), ac.signal, (p) => { if ((p.counts?.epochs ?? 0) >= 1) ac.abort(); })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('keeps the best epoch and stops once held-out recall has not improved for `patience` epochs', async () => {
    // A large learning rate makes held-out recall peak early and wander.
    const r = await trainAdapterCpu(randomInput(7, 80, 40, 16, { rank: 8, batchSize: 8, maxEpochs: 40, patience: 2, learningRate: 0.05, holdout: 0.3 }));
    const recalls = r.report.history.map((h) => h.recallAtK);
    const best = Math.max(r.report.before.recallAtK, ...recalls);
    expect(r.report.after.recallAtK).toBe(best);
    expect(r.report.stoppedEarly).toBe(true);
    expect(r.report.epochs).toBeLessThan(40);
    // The last `patience` epochs did not beat the kept one.
    const kept = r.report.bestEpoch!;
    expect(r.report.epochs - kept).toBe(2);
  });

  it('evaluates in-sample when holdout is 0, and says so', async () => {
    const r = await trainAdapterCpu(randomInput(8, 40, 10, 8, { holdout: 0, maxEpochs: 1 }));
    expect(r.report.evaluation).toBe('in-sample');
    expect(r.report.before.queries).toBe(10);
  });
});

describe('the semantic filter', () => {
  it('drops a negative whose frozen cosine to the positive exceeds the threshold, and only those', () => {
    const base = randomInput(11, 40, 16, 12, { minedNegatives: 3, batchSize: 16, negativeFilter: 0.95 });
    // Near-duplicates: personas 40..79 are personas 0..39 with a little noise (cosine ≈ 0.99).
    const rng = new Rng(12);
    const dup = new Float32Array(80 * 12);
    dup.set(base.personas);
    for (let i = 0; i < 40; i++) {
      let s = 0;
      for (let j = 0; j < 12; j++) s += (dup[(40 + i) * 12 + j] = base.personas[i * 12 + j]! + 0.03 * rng.normal()) ** 2;
      for (let j = 0; j < 12; j++) dup[(40 + i) * 12 + j] = dup[(40 + i) * 12 + j]! / Math.sqrt(s);
    }
    const input: AdapterTrainInput = { ...base, personas: dup, n: 80 };
    const plan = planAdapterTraining(input);
    const batch = buildBatch(input, plan, plan.pairs.map((_, i) => i).slice(0, 16));
    let dropped = 0;
    let nearDupNegatives = 0;
    for (let b = 0; b < batch.rows; b++) {
      const p = batch.personaIndex[batch.posCol[b]!]!;
      for (let c = 0; c < batch.cols; c++) {
        if (c === batch.posCol[b]) continue;
        const o = batch.personaIndex[c]!;
        if (plan.positives[batch.queryIndex[b]!]!.has(o)) {
          expect(batch.valid[b * batch.cols + c]).toBe(0);
          continue;
        }
        let cos = 0;
        for (let j = 0; j < 12; j++) cos += dup[p * 12 + j]! * dup[o * 12 + j]!;
        expect(batch.valid[b * batch.cols + c]).toBe(cos > 0.95 ? 0 : 1);
        if (cos > 0.95) dropped++;
        if (Math.abs(p - o) === 40) nearDupNegatives++;
      }
    }
    expect(nearDupNegatives).toBeGreaterThan(0); // the fixture does put duplicates in one batch
    expect(batch.filtered).toBe(dropped);
    expect(dropped).toBeGreaterThanOrEqual(nearDupNegatives);
    // A threshold of 1 keeps every non-positive.
    const keepAll = buildBatch(input, planAdapterTraining({ ...input, options: { ...input.options, negativeFilter: 1 } }), plan.pairs.map((_, i) => i).slice(0, 16));
    expect(keepAll.filtered).toBe(0);
  });
});

describe('generated personas with known groups (lexical embedder, template queries)', () => {
  let fx: ReturnType<typeof groupFixture>;
  beforeAll(() => {
    fx = groupFixture();
  }, 120_000);

  it('the trained adapter improves held-out recall@10 and nDCG@10 over the frozen embedder', async () => {
    const { adapter, report } = await trainAdapterCpu({ ...fx, options: { maxEpochs: 6, learningRate: 5e-3, seed: 3 } });
    console.log(`[adapter cpu] held-out recall@10 ${report.before.recallAtK.toFixed(3)} → ${report.after.recallAtK.toFixed(3)}, nDCG@10 ${report.before.ndcgAtK.toFixed(3)} → ${report.after.ndcgAtK.toFixed(3)} over ${report.after.queries} queries, ${report.epochs} epochs, ${report.ms} ms`);
    expect(report.before.queries).toBe(Math.round(0.2 * fx.q));
    expect(report.after.recallAtK).toBeGreaterThan(report.before.recallAtK + 0.15);
    expect(report.after.ndcgAtK).toBeGreaterThan(report.before.ndcgAtK + 0.2);
    // 'before' is the frozen embedder itself: recompute it directly on the held-out queries.
    const plan = planAdapterTraining({ ...fx, options: { seed: 3 } });
    let frozen = 0;
    for (const i of plan.heldOut) frozen += recallAtK(cosineTopK(fx.personas, fx.dim, fx.queries.subarray(i * fx.dim, (i + 1) * fx.dim), 10).indices, fx.positives[i]!, 10);
    expect(report.before.recallAtK).toBeCloseTo(frozen / plan.heldOut.length, 6);
    // 'after' is what applyAdapter + cosineTopK give (what retrieval in the app will do).
    const yp = applyAdapter(fx.personas, fx.n, adapter);
    const yq = applyAdapter(fx.queries, fx.q, adapter);
    let adapted = 0;
    for (const i of plan.heldOut) adapted += recallAtK(cosineTopK(yp, fx.dim, yq.subarray(i * fx.dim, (i + 1) * fx.dim), 10).indices, fx.positives[i]!, 10);
    expect(report.after.recallAtK).toBeCloseTo(adapted / plan.heldOut.length, 6);
  }, 120_000);

  it('the held-out queries are never trained on', () => {
    const plan = planAdapterTraining({ ...fx, options: { seed: 3 } });
    const held = new Set(plan.heldOut);
    expect(plan.pairs.some(([qi]) => held.has(qi))).toBe(false);
    expect(plan.heldOut.length + plan.train.length).toBe(fx.q);
  });

  it('a shuffled relevance gives no held-out gain worth the name (the gain is learned from the groups)', async () => {
    const rng = new Rng(5);
    const perm = rng.shuffle(Array.from({ length: fx.n }, (_, i) => i));
    const positives = fx.positives.map((list) => list.map((p) => perm[p]!));
    const { report } = await trainAdapterCpu({ ...fx, positives, options: { maxEpochs: 4, learningRate: 5e-3, seed: 3 } });
    expect(report.after.recallAtK).toBeLessThan(report.before.recallAtK + 0.1);
  }, 120_000);
});
