/**
 * Re-running an Align run from its manifest (src/pipeline/align-manifest.ts): the manifest names
 * its inputs (pool kind, name, size, SHA-256; reference kind and how it was drawn) and holds the
 * options as the user gave them and the seed, so the same inputs give back the same AlignStageInput
 * — and runAlignStage then the same selection (compare `result.selectedSha256`).
 *
 * Files are not in a manifest: a file pool must be handed in again, and its SHA-256 is checked
 * against the manifest's before anything runs. The demo pool and the built-in reference are
 * re-fetched by the stage, so their hashes are checked after loading (replayAlignRun).
 */
import { AppError } from '../core/errors';
import { isAlignMethod } from '../core/align/methods';
import type { PoolInput, ReferenceInput } from './align-inputs';
import { MANIFEST_FORMAT, type RunManifest } from './align-manifest';
import { runAlignStage, type AlignRunResult, type AlignStageInput, type AlignStageServices } from './align-stage';

/** What a replay needs besides the manifest: the pool file when the run's pool was one. */
export interface ReplayInputs {
  pool?: PoolInput;
}

/** Checks the parts of a manifest a replay reads; throws FormatError naming the first bad field. */
export function checkManifest(value: unknown): RunManifest {
  const m = value as Partial<RunManifest> | null;
  const bad = (field: string, what: string): never => {
    throw new AppError('FormatError', `Run manifest: "${field}" ${what}. Use the manifest.json an Align run wrote.`);
  };
  if (typeof m !== 'object' || m === null) bad('(root)', 'must be a JSON object');
  if (m!.format !== MANIFEST_FORMAT) bad('format', `must be "${MANIFEST_FORMAT}" (got ${JSON.stringify(m!.format)})`);
  if (!isAlignMethod(String(m!.method))) bad('method', 'is not a known alignment method');
  if (typeof m!.seed !== 'number' || !Number.isInteger(m!.seed)) bad('seed', 'must be a whole number');
  if (typeof m!.options !== 'object' || m!.options === null || typeof m!.options.size !== 'number') bad('options.size', 'is missing');
  const pool = m!.inputs?.pool;
  const ref = m!.inputs?.reference;
  if (!pool || typeof pool.kind !== 'string' || typeof pool.sha256 !== 'string') bad('inputs.pool', 'must name the pool kind and its sha256');
  if (!ref || (ref.kind !== 'builtin' && ref.kind !== 'stored') || typeof ref.details !== 'object' || ref.details === null) bad('inputs.reference', 'must be a builtin or stored reference with details');
  if (typeof m!.result?.selectedSha256 !== 'string') bad('result.selectedSha256', 'is missing');
  return m as RunManifest;
}

/** The AlignStageInput the manifest's run was given (options as the user gave them, plus the seed). */
export function replayInput(manifestIn: unknown, inputs: ReplayInputs = {}): AlignStageInput {
  const m = checkManifest(manifestIn);
  const poolKind = m.inputs.pool.kind;
  let pool: PoolInput;
  if (poolKind === 'demo') pool = { kind: 'demo' };
  else {
    if (!inputs.pool) throw new AppError('InputError', `This run aligned the file "${m.inputs.pool.name}"; choose that file again to reproduce it.`);
    pool = inputs.pool;
  }
  const d = m.inputs.reference.details;
  let reference: ReferenceInput;
  if (m.inputs.reference.kind === 'builtin') {
    if (typeof d.entryId !== 'string' || typeof d.n !== 'number' || typeof d.seed !== 'number') {
      throw new AppError('FormatError', 'Run manifest: the built-in reference needs details.entryId, n and seed.');
    }
    reference = { kind: 'builtin', entryId: d.entryId, n: d.n, seed: d.seed };
  } else {
    if (typeof d.id !== 'string') throw new AppError('FormatError', 'Run manifest: the stored reference needs details.id.');
    const countries = Array.isArray(d.countries) ? d.countries.filter((c): c is string => typeof c === 'string') : [];
    reference = { kind: 'stored', id: d.id, ...(countries.length > 0 ? { countries } : {}) };
  }
  // The seed the run used is explicit even when the user had left it to the default.
  const options = { ...structuredClone(m.options), method: m.method, seed: m.seed };
  return { pool, reference, options };
}

export interface ReplayOutcome {
  result: AlignRunResult;
  /** True when the selection's SHA-256 equals the manifest's. */
  reproduced: boolean;
  /** Why the inputs differ from the manifest's (pool hash, size; built-in reference file hash); empty when they match. */
  inputMismatches: string[];
}

/**
 * Runs the stage from a manifest and says whether it reproduced the selection. Input hashes are
 * compared too, so a different file is named as the cause rather than reported as a bad method.
 */
export async function replayAlignRun(manifestIn: unknown, inputs: ReplayInputs, services: AlignStageServices, signal?: AbortSignal): Promise<ReplayOutcome> {
  const m = checkManifest(manifestIn);
  const result = await runAlignStage(signal, replayInput(m, inputs), services);
  const got = result.manifest;
  const mismatches: string[] = [];
  if (got.inputs.pool.sha256 !== m.inputs.pool.sha256) mismatches.push(`pool "${got.inputs.pool.name}" has SHA-256 ${got.inputs.pool.sha256}, the manifest ${m.inputs.pool.sha256}`);
  if (got.inputs.pool.n !== m.inputs.pool.n) mismatches.push(`pool has ${got.inputs.pool.n} usable rows, the manifest ${m.inputs.pool.n}`);
  const refSha = (x: RunManifest) => x.inputs.reference.details.sha256 ?? null;
  if (refSha(got) !== refSha(m)) mismatches.push(`reference source SHA-256 ${String(refSha(got))} differs from the manifest's ${String(refSha(m))}`);
  return { result, reproduced: got.result.selectedSha256 === m.result.selectedSha256, inputMismatches: mismatches };
}
