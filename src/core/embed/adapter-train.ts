/**
 * The adapter training loop shared by the CPU and WebGPU trainers: seeded held-out split of the
 * queries, (query, positive) pairs, hard negatives mined once with the frozen embedder, seeded batch
 * order, the semantic filter, held-out recall@k / nDCG@k before and after every epoch, early
 * stopping, progress and abort. Only the step (forward, backward, Adam) differs by backend: an
 * `AdapterStepper`. Given the same input both backends see the same batches in the same order.
 *
 * Batch for pairs (q_b, p_b), b = 1..B:
 * - columns: the distinct personas among the batch's positives, then its queries' mined negatives,
 *   in order of first appearance;
 * - valid[b][c]: c is p_b's column; or persona(c) is not a positive of q_b and its frozen cosine to
 *   p_b is at most `negativeFilter` (else it is a near-duplicate of the positive: dropped and counted).
 * Other positives of q_b in the batch are never negatives (they are masked, not counted as filtered).
 */
import type { AdapterOptions, AdapterReport, AdapterTrainInput, LowRankAdapter, RetrievalScores } from '../../contracts/adapter';
import type { ProgressCallback } from '../../contracts/progress';
import { AppError, throwIfAborted } from '../errors';
import { Rng } from '../rng';
import { initAdapter, projectRows, resolveAdapterOptions } from './adapter';
import { cosineTopK, ndcgAtK, recallAtK } from './topk';

export interface AdapterBatch {
  /** B: queries (rows). */
  rows: number;
  /** C: candidate personas (columns). */
  cols: number;
  /** (B + C) × dim frozen vectors: the B queries, then the C personas. */
  x: Float32Array;
  /** B × C, 1 = valid. */
  valid: Uint8Array;
  posCol: Int32Array;
  queryIndex: Int32Array;
  personaIndex: Int32Array;
  /** Negatives the semantic filter dropped in this batch. */
  filtered: number;
}

export interface AdapterStepper {
  readonly backend: 'cpu' | 'webgpu';
  /** One optimiser step on `batch`; resolves with the batch's mean InfoNCE loss. */
  step(batch: AdapterBatch): Promise<number>;
  /** The current A (rank × dim) and B (dim × rank). */
  weights(): Promise<{ a: Float32Array; b: Float32Array }>;
  dispose(): void;
}

export type MakeStepper = (init: LowRankAdapter, options: Required<AdapterOptions>) => AdapterStepper | Promise<AdapterStepper>;

export interface TrainHooks {
  /** Called after every step with its global index (0-based) and loss (parity tests, benches). */
  onStep?: (step: number, loss: number) => void;
  /** Called after every epoch with the stepper's current weights (parity tests compare the last ones). */
  onEpoch?: (epoch: number, weights: { a: Float32Array; b: Float32Array }) => void;
  /** Stop after this many steps in all (benches). */
  maxSteps?: number;
}

/** The seeded split and the training plan (exported for tests). */
export interface AdapterPlan {
  options: Required<AdapterOptions>;
  train: number[];
  heldOut: number[];
  /** Evaluated on held-out queries, or in-sample when the split left none. */
  evaluation: 'held-out' | 'in-sample';
  pairs: Array<[query: number, persona: number]>;
  mined: Map<number, Int32Array>;
  positives: Array<Set<number>>;
  rng: Rng;
  init: LowRankAdapter;
}

export function planAdapterTraining(input: AdapterTrainInput): AdapterPlan {
  const { personas, n, queries, q, dim, positives } = input;
  if (!Number.isInteger(dim) || dim < 1) throw new AppError('InputError', `dim must be a positive integer (got ${dim}).`);
  if (personas.length !== n * dim) throw new AppError('InputError', `Expected ${n} persona vectors of ${dim} values (${n * dim}), got ${personas.length}.`);
  if (queries.length !== q * dim) throw new AppError('InputError', `Expected ${q} query vectors of ${dim} values (${q * dim}), got ${queries.length}.`);
  if (positives.length !== q) throw new AppError('InputError', `positives has ${positives.length} entries for ${q} queries; give one list per query.`);
  checkFinite(personas, 'persona');
  checkFinite(queries, 'query');
  const options = resolveAdapterOptions(input.options, dim);
  const pos: Array<Set<number>> = positives.map((list, i) => {
    const s = new Set<number>();
    for (const p of list) {
      if (!Number.isInteger(p) || p < 0 || p >= n) throw new AppError('InputError', `Query ${i} names persona ${p}, but there are ${n} personas (0–${n - 1}).`);
      s.add(p);
    }
    return s;
  });
  const eligible = pos.flatMap((s, i) => (s.size > 0 ? [i] : []));
  if (eligible.length < 2) throw new AppError('InputError', `Only ${eligible.length} queries have a relevant persona; the adapter needs at least 2 (write more queries).`);

  const rng = new Rng(options.seed);
  const order = rng.shuffle([...eligible]);
  let nHeld = Math.round(options.holdout * order.length);
  if (options.holdout > 0) nHeld = Math.min(Math.max(nHeld, 1), order.length - 1);
  const heldOut = order.slice(0, nHeld).sort((x, y) => x - y);
  const train = order.slice(nHeld).sort((x, y) => x - y);
  const init = initAdapter(dim, options.rank, input.baseModelId, () => rng.normal());

  const pairs: Array<[number, number]> = [];
  for (const i of train) for (const p of [...(pos[i] as Set<number>)].sort((x, y) => x - y)) pairs.push([i, p]);

  // Hard negatives, mined once with the frozen embedder: the top-scoring personas that are not positives.
  const mined = new Map<number, Int32Array>();
  if (options.minedNegatives > 0) {
    for (const i of train) {
      const ps = pos[i] as Set<number>;
      const top = cosineTopK(personas, dim, queries.subarray(i * dim, (i + 1) * dim), Math.min(n, options.minedNegatives + ps.size));
      mined.set(i, Int32Array.from([...top.indices].filter((j) => !ps.has(j)).slice(0, options.minedNegatives)));
    }
  }
  return { options, train, heldOut, evaluation: heldOut.length > 0 ? 'held-out' : 'in-sample', pairs, mined, positives: pos, rng, init };
}

/** The batch of `pairIdx` (indices into plan.pairs); see the module comment. */
export function buildBatch(input: AdapterTrainInput, plan: AdapterPlan, pairIdx: ArrayLike<number>): AdapterBatch {
  const { personas, queries, dim } = input;
  const B = pairIdx.length;
  const colOf = new Map<number, number>();
  const cols: number[] = [];
  const add = (p: number): void => {
    if (!colOf.has(p)) {
      colOf.set(p, cols.length);
      cols.push(p);
    }
  };
  const queryIndex = new Int32Array(B);
  const posPersona = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const [qi, p] = plan.pairs[pairIdx[b] as number] as [number, number];
    queryIndex[b] = qi;
    posPersona[b] = p;
    add(p);
  }
  for (let b = 0; b < B; b++) for (const m of plan.mined.get(queryIndex[b] as number) ?? []) add(m);
  const C = cols.length;
  const x = new Float32Array((B + C) * dim);
  for (let b = 0; b < B; b++) x.set(queries.subarray((queryIndex[b] as number) * dim, ((queryIndex[b] as number) + 1) * dim), b * dim);
  for (let c = 0; c < C; c++) x.set(personas.subarray((cols[c] as number) * dim, ((cols[c] as number) + 1) * dim), (B + c) * dim);
  const valid = new Uint8Array(B * C);
  const posCol = new Int32Array(B);
  let filtered = 0;
  const threshold = plan.options.negativeFilter;
  for (let b = 0; b < B; b++) {
    const p = posPersona[b] as number;
    const pc = colOf.get(p) as number;
    posCol[b] = pc;
    const ps = plan.positives[queryIndex[b] as number] as Set<number>;
    const po = p * dim;
    for (let c = 0; c < C; c++) {
      if (c === pc) {
        valid[b * C + c] = 1;
        continue;
      }
      const persona = cols[c] as number;
      if (ps.has(persona)) continue; // another positive of this query: not a negative
      let s = 0;
      const oo = persona * dim;
      for (let j = 0; j < dim; j++) s += (personas[po + j] as number) * (personas[oo + j] as number);
      if (s > threshold) {
        filtered++;
        continue;
      }
      valid[b * C + c] = 1;
    }
  }
  return { rows: B, cols: C, x, valid, posCol, queryIndex, personaIndex: Int32Array.from(cols), filtered };
}

/** Mean recall@k and nDCG@k of `queryIdx` retrieving their positives among the adapted personas. */
export function evaluateAdapter(input: AdapterTrainInput, positives: Array<Set<number>>, queryIdx: readonly number[], a: Float32Array, b: Float32Array, rank: number, k: number): RetrievalScores {
  const { personas, n, queries, dim } = input;
  const yp = projectRows(personas, n, dim, rank, a, b).y as Float32Array;
  const qx = new Float32Array(queryIdx.length * dim);
  queryIdx.forEach((i, r) => qx.set(queries.subarray(i * dim, (i + 1) * dim), r * dim));
  const yq = projectRows(qx, queryIdx.length, dim, rank, a, b).y;
  let recall = 0;
  let ndcg = 0;
  queryIdx.forEach((i, r) => {
    const top = cosineTopK(yp, dim, yq.subarray(r * dim, (r + 1) * dim), k).indices;
    const rel = positives[i] as Set<number>;
    recall += recallAtK(top, rel, k);
    ndcg += ndcgAtK(top, rel, k);
  });
  const m = Math.max(1, queryIdx.length);
  return { recallAtK: recall / m, ndcgAtK: ndcg / m, k, queries: queryIdx.length };
}

/** Trains with `makeStepper`'s backend; the result is the best epoch by held-out recall@k (then nDCG@k), or the identity if none beat it. */
export async function trainAdapterWith(
  input: AdapterTrainInput,
  makeStepper: MakeStepper,
  signal?: AbortSignal,
  onProgress?: ProgressCallback,
  hooks: TrainHooks = {},
): Promise<{ adapter: LowRankAdapter; report: AdapterReport }> {
  const t0 = Date.now();
  throwIfAborted(signal);
  const plan = planAdapterTraining(input);
  const { options, rng, init } = plan;
  const evalSet = plan.evaluation === 'held-out' ? plan.heldOut : plan.train;
  const evaluate = (a: Float32Array, b: Float32Array): RetrievalScores => evaluateAdapter(input, plan.positives, evalSet, a, b, options.rank, options.k);
  const before = evaluate(init.a, init.b);
  let best = { scores: before, a: init.a, b: init.b, epoch: 0 };
  const history: AdapterReport['history'] = [];
  const stepsPerEpoch = Math.ceil(plan.pairs.length / options.batchSize);
  const totalSteps = Math.min(stepsPerEpoch * options.maxEpochs, hooks.maxSteps ?? Infinity);
  let filteredNegatives = 0;
  let step = 0;
  let epochs = 0;
  let stoppedEarly = false;
  let sinceBest = 0;
  const progress = (text: string): void =>
    onProgress?.({ stage: 'adapter', done: step, total: totalSteps, unit: 'steps', text, elapsedMs: Date.now() - t0, counts: { epochs, filteredNegatives } });
  progress(`Frozen embedder: held-out recall@${options.k} ${before.recallAtK.toFixed(3)} over ${before.queries} queries`);

  const stepper = await makeStepper(init, options);
  try {
    let lastYield = Date.now();
    for (let epoch = 1; epoch <= options.maxEpochs && step < totalSteps; epoch++) {
      const order = rng.shuffle(Array.from(plan.pairs.keys()));
      let lossSum = 0;
      let rows = 0;
      for (let s = 0; s < stepsPerEpoch && step < totalSteps; s++) {
        throwIfAborted(signal);
        const batch = buildBatch(input, plan, order.slice(s * options.batchSize, (s + 1) * options.batchSize));
        filteredNegatives += batch.filtered;
        const loss = await stepper.step(batch);
        if (!Number.isFinite(loss)) throw new AppError('NumericError', `The adapter's training loss became ${loss} at step ${step + 1}; lower the learning rate or raise the temperature.`);
        hooks.onStep?.(step, loss);
        step++;
        lossSum += loss * batch.rows;
        rows += batch.rows;
        if (Date.now() - lastYield > 30) {
          // Let a worker read its messages (cancel) between steps.
          await new Promise<void>((r) => setTimeout(r, 0));
          lastYield = Date.now();
        }
      }
      throwIfAborted(signal);
      epochs = epoch;
      const w = await stepper.weights();
      hooks.onEpoch?.(epoch, w);
      const scores = evaluate(w.a, w.b);
      history.push({ epoch, loss: rows > 0 ? lossSum / rows : 0, recallAtK: scores.recallAtK });
      const better = scores.recallAtK > best.scores.recallAtK + 1e-12 || (Math.abs(scores.recallAtK - best.scores.recallAtK) <= 1e-12 && scores.ndcgAtK > best.scores.ndcgAtK + 1e-12);
      if (better) {
        best = { scores, a: w.a, b: w.b, epoch };
        sinceBest = 0;
      } else sinceBest++;
      progress(`Epoch ${epoch}/${options.maxEpochs}: loss ${(history.at(-1) as { loss: number }).loss.toFixed(4)}, ${plan.evaluation} recall@${options.k} ${scores.recallAtK.toFixed(3)} (best ${best.scores.recallAtK.toFixed(3)})`);
      if (sinceBest >= options.patience && epoch < options.maxEpochs) {
        stoppedEarly = true;
        break;
      }
    }
  } finally {
    stepper.dispose();
  }
  const adapter: LowRankAdapter = { dim: input.dim, rank: options.rank, a: best.a, b: best.b, baseModelId: input.baseModelId };
  const report: AdapterReport = {
    before,
    after: best.scores,
    epochs,
    stoppedEarly,
    history,
    filteredNegatives,
    options,
    backend: stepper.backend,
    ms: Date.now() - t0,
    evaluation: plan.evaluation,
    bestEpoch: best.epoch,
    steps: step,
  };
  return { adapter, report };
}

function checkFinite(v: Float32Array, what: string): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new AppError('InputError', `A ${what} vector has ${v[i]} at value ${i}; re-embed the texts.`);
  }
}
